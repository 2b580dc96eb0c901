/** IncidentBuilder over hand-made events: who got what, exact or as an upper bound, and what is never counted. */
import { describe, expect, it } from 'vitest';
import { IncidentBuilder, type IncidentEvent } from '../../src/audit/incident/incident-builder.js';
import { appiDraft, TO_FILL } from '../../src/audit/incident/appi-draft.js';
import { formatIncident } from '../../src/audit/incident/incident-format.js';
import type { SchemaCatalog } from '../../src/policies/index.js';

const CATALOG: SchemaCatalog = {
  types: {
    Customer: { name: 'Customer', fields: { email: { name: 'email', pii: 'EMAIL' }, name: { name: 'name', pii: 'NAME' }, segment: { name: 'segment', pii: null } } },
    Feedback: { name: 'Feedback', fields: { body: { name: 'body', pii: 'FREE_TEXT' } } },
  },
  mutations: [],
};
const SCOPE = { principalId: 'p-x', apiKeyPrefix: null, address: null, since: null, until: null, notes: [] };
const VERIFIED = { ok: true, events: 10, signaturesChecked: true, problem: null };

let n = 0;
function event(resources: string[], fields: IncidentEvent['fields'], at = '2026-12-01T10:00:00Z'): IncidentEvent {
  n += 1;
  return { at: new Date(at), actorId: 'p-x', roles: ['support_agent'], action: 'query', outcome: 'ok', operationName: 'Q', purpose: 'support', subgraph: 'customers', resources, fields, requestId: `r${n}`, clientAddress: '10.0.0.1' };
}

function build(events: IncidentEvent[], owners: Record<string, string> = {}) {
  const b = new IncidentBuilder(CATALOG);
  for (const e of events) b.add(e, (id) => owners[id]);
  return b.finish(SCOPE, VERIFIED, new Date('2026-12-02T00:00:00Z'));
}

describe(IncidentBuilder.name, () => {
  it('lists one customer exactly, PLAIN and MASKED apart, with first and last time', () => {
    const r = build([
      event(['Customer:a'], [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }], '2026-12-01T10:00:00Z'),
      event(['Customer:a'], [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }, { field: 'Customer.name', decision: 'MASKED', count: 1 }], '2026-12-01T11:00:00Z'),
    ]);
    expect(r.upperBound).toBe(false);
    expect(r.customers).toHaveLength(1);
    const [a] = r.customers;
    expect(a!.plain).toEqual([{ field: 'Customer.email', category: 'EMAIL', firstAt: new Date('2026-12-01T10:00:00Z'), lastAt: new Date('2026-12-01T11:00:00Z'), exact: true }]);
    expect(a!.masked.map((f) => f.field)).toEqual(['Customer.name']);
    expect(a!.requests).toBe(2);
  });

  it('counts every customer of a many-record event as possibly exposed (upper bound)', () => {
    const r = build([event(['Customer:a', 'Customer:b'], [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }])]);
    expect(r.upperBound).toBe(true);
    expect(r.customers.map((c) => [c.customerId, c.plain.map((f) => f.exact)])).toEqual([['a', [false]], ['b', [false]]]);
  });

  it('is exact again once a single-record event confirms the field', () => {
    const r = build([
      event(['Customer:a', 'Customer:b'], [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }]),
      event(['Customer:a'], [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }]),
    ]);
    expect(r.customers.find((c) => c.customerId === 'a')!.exact).toBe(true);
    expect(r.customers.find((c) => c.customerId === 'b')!.exact).toBe(false);
  });

  it('gives a feedback field to the feedback’s customer, not to other customers of the event', () => {
    const r = build([event(['Customer:a', 'Feedback:f1'], [{ field: 'Feedback.body', decision: 'PLAIN', count: 1 }, { field: 'Customer.email', decision: 'MASKED', count: 1 }])], { f1: 'b' });
    const by = new Map(r.customers.map((c) => [c.customerId, c]));
    expect(by.get('b')!.plain.map((f) => [f.field, f.exact])).toEqual([['Feedback.body', true]]);
    expect(by.get('a')!.plain).toEqual([]);
    expect(by.get('a')!.masked.map((f) => [f.field, f.exact])).toEqual([['Customer.email', true]]);
  });

  it('never counts a DENIED field as returned, but counts its values', () => {
    const r = build([event(['Customer:a'], [{ field: 'Customer.email', decision: 'DENIED', count: 3 }])]);
    expect(r.customers[0]!.plain).toEqual([]);
    expect(r.customers[0]!.masked).toEqual([]);
    expect(r.categories).toEqual([{ category: 'EMAIL', decision: 'DENIED', customers: 0, values: 3 }]);
  });

  it('counts customers and values per category and decision', () => {
    const r = build([
      event(['Customer:a'], [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }]),
      event(['Customer:b'], [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }, { field: 'Customer.name', decision: 'MASKED', count: 1 }]),
    ]);
    expect(r.categories).toEqual([
      { category: 'EMAIL', decision: 'PLAIN', customers: 2, values: 2 },
      { category: 'NAME', decision: 'MASKED', customers: 1, values: 1 },
    ]);
    expect(r.principals).toEqual([expect.objectContaining({ principalId: 'p-x', roles: ['support_agent'], purpose: 'support', requests: 2 })]);
  });

  it('drafts every APPI item, and says when the trail did not verify', () => {
    const b = new IncidentBuilder(CATALOG);
    b.add(event(['Customer:a'], [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }]), () => undefined);
    const broken = appiDraft(b.finish(SCOPE, { ...VERIFIED, ok: false, problem: 'seq 3 [hash]: edited' }), null);
    expect(broken).toContain('検証失敗');
    expect(broken).toContain(TO_FILL);
    expect(broken).not.toContain('検証済み');
  });

  it('writes one CSV row per customer and field, contact columns only when given', () => {
    const r = build([event(['Customer:a'], [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }, { field: 'Customer.name', decision: 'MASKED', count: 1 }])]);
    const lines = formatIncident(r, 'csv', null).trim().split('\n');
    expect(lines[0]).toBe('"customer_id","decision","field","category","first_at","last_at","exact"');
    expect(lines.slice(1)).toEqual([
      '"a","PLAIN","Customer.email","EMAIL","2026-12-01T10:00:00.000Z","2026-12-01T10:00:00.000Z","true"',
      '"a","MASKED","Customer.name","NAME","2026-12-01T10:00:00.000Z","2026-12-01T10:00:00.000Z","true"',
    ]);
    const contact = new Map([['a', { customerId: 'a', name: '山田 太郎', email: 'a@example.jp', phone: null, address: null, erased: false }]]);
    expect(formatIncident(r, 'csv', contact)).toContain('"a@example.jp"');
  });
});
