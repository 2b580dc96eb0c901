/** The incident report as JSON (tools), CSV (one row per customer and field, for spreadsheets) and markdown (appi-draft.ts). */
import type { CustomerContact } from '../../data/customer-contacts.js';
import { csvCell } from '../csv-cell.js';
import { appiDraft } from './appi-draft.js';
import { UPPER_BOUND_NOTE, type IncidentReport } from './incident-model.js';

export type IncidentFormat = 'json' | 'csv' | 'md';
export const INCIDENT_FORMATS: readonly IncidentFormat[] = ['json', 'csv', 'md'];

/** Contact details by customer id; `null` when the caller may not see them. */
export type Contacts = ReadonlyMap<string, CustomerContact> | null;

export function formatIncident(report: IncidentReport, format: IncidentFormat, contacts: Contacts): string {
  if (format === 'md') return appiDraft(report, contacts);
  if (format === 'csv') return incidentCsv(report, contacts);
  const customers = report.customers.map((c) => ({ ...c, ...(contacts ? { contact: contacts.get(c.customerId) ?? null } : {}) }));
  return `${JSON.stringify({ ...report, upperBoundNote: UPPER_BOUND_NOTE, contactsIncluded: contacts !== null, customers }, null, 2)}\n`;
}

function incidentCsv(report: IncidentReport, contacts: Contacts): string {
  const contactCols = contacts ? ['name', 'email', 'phone', 'address'] : [];
  const lines = [['customer_id', 'decision', 'field', 'category', 'first_at', 'last_at', 'exact', ...contactCols].map(csvCell).join(',')];
  for (const c of report.customers) {
    const contact = contacts?.get(c.customerId);
    const extra = contacts ? [contact?.name ?? null, contact?.email ?? null, contact?.phone ?? null, contact?.address ?? null] : [];
    const rows = [...c.plain.map((f) => ['PLAIN', f] as const), ...c.masked.map((f) => ['MASKED', f] as const)];
    // A customer whose records were loaded but no personal field returned still gets a row.
    if (rows.length === 0) lines.push([c.customerId, 'NONE', null, null, c.firstAt.toISOString(), c.lastAt.toISOString(), true, ...extra].map(csvCell).join(','));
    for (const [decision, f] of rows) {
      lines.push([c.customerId, decision, f.field, f.category, f.firstAt.toISOString(), f.lastAt.toISOString(), f.exact, ...extra].map(csvCell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
