/**
 * Compiles `recipients:` (recipients.policy.yaml) after the schema passed: the third parties Koe
 * provides personal data to (APPI Art. 27–29) and, per recipient, which Feedback and Customer
 * fields it receives and how (PLAIN or a masker). A field not listed is not given. Every name is
 * checked: a providable field that the API has, a built-in masker, a declared purpose, a recipient
 * declared once. Problems carry file:line.
 */
import type { SchemaCatalog } from '../catalog.js';
import type { Problem } from '../errors.js';
import { isMaskerName, MASKER_NAMES } from '../maskers/index.js';
import type { RecipientDef, RecipientField } from '../model.js';
import { suggest } from '../suggest.js';
import { locate, type ParsedFile } from './yaml-source.js';

/** Fields the provision export can produce: stored on the feedback row or its customer's row. */
export const PROVIDABLE_FIELDS = [
  'Feedback.id', 'Feedback.channel', 'Feedback.receivedAt', 'Feedback.subject', 'Feedback.body', 'Feedback.rating',
  'Feedback.sentiment', 'Feedback.tags', 'Feedback.status',
  'Customer.customerKey', 'Customer.name', 'Customer.nameKana', 'Customer.email', 'Customer.phone', 'Customer.address',
  'Customer.prefecture', 'Customer.birthDate', 'Customer.segment',
] as const;

/** The country of the operator: any other country is "abroad" (Art. 28). */
export const DOMESTIC_COUNTRY = 'JP';

interface RawRecipient {
  name: string;
  address: string;
  country: string;
  purpose: string;
  fields: Record<string, string>;
}

export function compileRecipients(
  files: readonly ParsedFile[],
  ctx: { catalog: SchemaCatalog; purposes: ReadonlySet<string> },
  problems: Problem[],
): Map<string, RecipientDef> {
  const out = new Map<string, RecipientDef>();
  const firstIn = new Map<string, string>();
  for (const file of files) {
    const recipients = (file.data as { recipients?: Record<string, RawRecipient> }).recipients;
    if (!recipients) continue;
    for (const [id, raw] of Object.entries(recipients)) {
      const at = (...path: string[]) => locate(file, ['recipients', id, ...path], 'key');
      if (firstIn.has(id)) {
        problems.push({ loc: at(), message: `recipient "${id}" is declared twice (first in ${firstIn.get(id)}): keep one` });
        continue;
      }
      firstIn.set(id, file.source.path);
      if (!ctx.purposes.has(raw.purpose)) {
        problems.push({ loc: locate(file, ['recipients', id, 'purpose']), message: `recipient "${id}": purpose "${raw.purpose}" is not declared ${suggest(raw.purpose, ctx.purposes, 'declared purposes')}` });
      }
      const fields: RecipientField[] = [];
      for (const [field, decision] of Object.entries(raw.fields)) {
        if (!(PROVIDABLE_FIELDS as readonly string[]).includes(field) || !fieldExists(ctx.catalog, field)) {
          problems.push({ loc: at('fields', field), message: `recipient "${id}": unknown field "${field}" ${suggest(field, PROVIDABLE_FIELDS, 'providable fields')}` });
          continue;
        }
        if (decision !== 'PLAIN' && !isMaskerName(decision)) {
          problems.push({ loc: locate(file, ['recipients', id, 'fields', field]), message: `recipient "${id}": unknown masker "${decision}" for ${field}: use PLAIN or a built-in masker ${suggest(decision, MASKER_NAMES, 'maskers')}` });
          continue;
        }
        fields.push({ field, decision: decision as RecipientField['decision'] });
      }
      out.set(id, { id, name: raw.name, address: raw.address, country: raw.country, abroad: raw.country !== DOMESTIC_COUNTRY, purpose: raw.purpose, fields });
    }
  }
  return out;
}

function fieldExists(catalog: SchemaCatalog, typeField: string): boolean {
  const [type, field] = typeField.split('.') as [string, string];
  const t = catalog.types[type];
  return t !== undefined && Object.hasOwn(t.fields, field);
}
