/**
 * A customer's consents and purchases are read with only the columns the operation uses, the
 * columns the caller's rules on them test and what the loader itself needs (the customer it groups
 * by, whose key opens a purchase's product name and store). Guards that every shipped role gets
 * what a server reading every column gives, that marketing still sees only the active marketing
 * consent when it asks for neither purpose nor withdrawal, and that the SQL narrows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, casesOf, SUPPORT_TEAM_CASES, selectLists, startNarrowAndFull, type Doc, type NarrowAndFull } from '../support/read-columns.js';
import { loadFixtures, type Fixtures } from '../support/records.js';

let koe: NarrowAndFull;
let fx: Fixtures;
beforeAll(async () => {
  koe = await startNarrowAndFull();
  fx = await loadFixtures(koe.narrow.orm);
});
afterAll(async () => {
  await koe?.stop();
});

const ref = (id: string) => ({ __typename: 'Customer', id });

const DOCS: Doc[] = [
  { name: 'consent purposes on a page', via: ['gateway', 'customers'], query: '{ customers(first: 40) { edges { node { id consents { purpose } } } } }' },
  { name: 'consents without the columns their rules test', via: ['gateway', 'customers'], query: '{ customers(first: 60) { edges { node { id consents { grantedAt source } } } } }' },
  { name: 'purchase amounts only', via: ['gateway', 'customers'], query: '{ customers(first: 40) { edges { node { purchases { amount category } } } } }' },
  { name: 'purchases with their encrypted fields', via: ['customers'], query: '{ customers(first: 30) { edges { node { id purchases { id orderedAt productName store } } } } }' },
  {
    name: 'one customer twice in a batch, each asking other consent and purchase fields',
    via: ['gateway', 'customers'],
    query: `query($a: ID!, $b: ID!) {
      a: customer(id: $a) { consents { purpose } purchases { amount } }
      b: customer(id: $a) { consents { ...C } purchases { p: productName orderedAt } }
      c: customer(id: $b) { email consents { withdrawnAt } ... on Customer { purchases { store } } }
    }
    fragment C on Consent { source grantedAt }`,
    variables: () => ({ a: fx.consenting.id, b: fx.east.id }),
  },
  {
    name: '_entities for customers with consents and purchases',
    via: ['customers'],
    query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id consents { purpose withdrawnAt } purchases { category } } } }',
    variables: () => ({ r: [ref(fx.east.id), ref(fx.west.id), ref(fx.consenting.id), ref(fx.notConsenting.id)] }),
  },
  { name: 'the dashboard with consents and purchases', via: ['gateway'], query: '{ feedbacks(first: 25) { edges { node { id customer { id consents { purpose } purchases { amount productName } } } } } }' },
];

describe('narrowed consent and purchase reads answer as full reads do', () => {
  it.each(casesOf(DOCS))('%s, through %s, as %s (purpose %s)', async (_name, via, principal, purpose, doc) => {
    const p = purpose === '-' ? null : purpose;
    const [got, want] = await Promise.all([ask(koe.narrow, via, principal, p, doc), ask(koe.full, via, principal, p, doc)]);
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  });
});

type Consent = { purpose?: string; grantedAt: string; withdrawnAt?: string | null; source: string };
type Page<N> = { customers: { edges: Array<{ node: N }> } };

describe('rules on columns the operation did not select', () => {
  it('marketing sees only the active marketing consent without asking for purpose or withdrawal', async () => {
    const all = await ask(koe.narrow, 'customers', 'p-admin', null, { query: '{ customers(first: 100) { edges { node { id consents { purpose grantedAt withdrawnAt source } } } } }' });
    const stored = new Map((all.data as Page<{ id: string; consents: Consent[] }>).customers.edges.map((e) => [e.node.id, e.node.consents]));
    const mine = await ask(koe.narrow, 'customers', 'p-marketing', null, { query: '{ customers(first: 100) { edges { node { id consents { grantedAt source } } } } }' });
    expect(mine.errors).toBeUndefined();
    const rows = (mine.data as Page<{ id: string; consents: Consent[] }>).customers.edges.map((e) => e.node);
    expect(rows.length).toBeGreaterThan(0);
    let hidden = 0;
    for (const row of rows) {
      const consents = stored.get(row.id);
      if (!consents) continue; // past the admin's first 100
      const active = consents.filter((c) => c.purpose === 'marketing' && c.withdrawnAt === null);
      hidden += consents.length - active.length;
      expect(row.consents).toEqual(active.map((c) => ({ grantedAt: c.grantedAt, source: c.source })));
    }
    // Other purposes and withdrawn consents existed, and were left out.
    expect(hidden).toBeGreaterThan(0);
  });

  it('marketing does not see a customer without the marketing consent, nor its consents', async () => {
    const res = await ask(koe.narrow, 'customers', 'p-marketing', null, { query: 'query($id: ID!) { customer(id: $id) { consents { source } } }', variables: () => ({ id: fx.notConsenting.id }) });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ customer: null });
  });

  // A support agent's purchases are PLAIN for its own team's customers (a rule on the customer's
  // teamId, not selected) and masked for the others: the product name is read in both cases.
  it.each(SUPPORT_TEAM_CASES)('%s reads the product names of the %s customer %s without asking for teamId', async (principal, team, expected) => {
    const doc = { query: `{ customers(first: 30, filter: { teamId: "team-${team}" }) { edges { node { id purchases { id productName } } } } }` };
    type Row = { id: string; purchases: Array<{ id: string; productName: string | null }> };
    const rows = (res: Awaited<ReturnType<typeof ask>>) => (res.data as Page<Row>).customers.edges.flatMap((e) => e.node.purchases);
    const admin = rows(await ask(koe.narrow, 'customers', 'p-admin', null, doc));
    expect(admin.filter((p) => p.productName).length).toBeGreaterThan(0);
    const byId = new Map(admin.map((p) => [p.id, p.productName]));
    for (const via of ['customers', 'gateway'] as const) {
      const res = await ask(koe.narrow, via, principal, null, doc);
      expect(res.errors).toBeUndefined();
      const mine = rows(res);
      expect(mine.length).toBe(admin.length);
      for (const p of mine) expect(p.productName).toBe(expected === 'PLAIN' ? byId.get(p.id) : byId.get(p.id) == null ? null : '***');
    }
  });

  it('an analyst gets the purchases masked and the consents, the auditor neither', async () => {
    const doc = { query: 'query($id: ID!) { customer(id: $id) { consents { purpose } purchases { amount productName } } }', variables: () => ({ id: fx.consenting.id }) };
    const analyst = await ask(koe.narrow, 'customers', 'p-analyst', null, doc);
    const customer = (analyst.data as { customer: { consents: Consent[]; purchases: Array<{ productName: string | null }> } }).customer;
    expect(customer.consents.length).toBeGreaterThan(0);
    expect(customer.purchases.every((p) => p.productName === null || p.productName === '***')).toBe(true);
    const auditor = await ask(koe.narrow, 'customers', 'p-auditor', null, doc);
    expect(auditor.data).toEqual({ customer: null });
  });
});

describe('the SQL a consent or purchase read sends', () => {
  const page = '{ customers(first: 5) { edges { node { consents { purpose } purchases { amount } } } } }';

  it('names only the asked columns, the key and the customer', async () => {
    koe.narrow.resetQueries();
    await ask(koe.narrow, 'customers', 'p-admin', null, { query: page });
    const [consents, ...moreConsents] = selectLists(koe.narrow.queries, 'consent');
    const [purchases, ...morePurchases] = selectLists(koe.narrow.queries, 'purchase');
    expect([moreConsents, morePurchases]).toEqual([[], []]);
    for (const column of ['id', 'customer_id', 'purpose']) expect(consents).toContain(`"e0"."${column}"`);
    for (const column of ['granted_at', 'withdrawn_at', 'source']) expect(consents).not.toContain(`"e0"."${column}"`);
    for (const column of ['id', 'customer_id', 'amount']) expect(purchases).toContain(`"e0"."${column}"`);
    for (const column of ['product_name', 'store', 'category', 'ordered_at', 'anonymised_at']) expect(purchases).not.toContain(`"e0"."${column}"`);
    expect(consents).not.toContain('*');
  });

  it("adds the columns marketing's consent rule tests", async () => {
    koe.narrow.resetQueries();
    await ask(koe.narrow, 'customers', 'p-marketing', null, { query: '{ customers(first: 5) { edges { node { consents { source } } } } }' });
    const [consents] = selectLists(koe.narrow.queries, 'consent');
    for (const column of ['source', 'purpose', 'withdrawn_at']) expect(consents).toContain(`"e0"."${column}"`);
    expect(consents).not.toContain('"e0"."granted_at"');
  });

  it('reads the union once when one customer is asked twice with different fields', async () => {
    koe.narrow.resetQueries();
    await ask(koe.narrow, 'customers', 'p-admin', null, { query: 'query($a: ID!) { a: customer(id: $a) { consents { purpose } } b: customer(id: $a) { consents { source } } }', variables: () => ({ a: fx.consenting.id }) });
    const lists = selectLists(koe.narrow.queries, 'consent');
    expect(lists).toHaveLength(1);
    for (const column of ['purpose', 'source']) expect(lists[0]).toContain(`"e0"."${column}"`);
  });

  it('reads every column under KOE_READ_COLUMNS=all', async () => {
    koe.full.resetQueries();
    await ask(koe.full, 'customers', 'p-admin', null, { query: page });
    expect(selectLists(koe.full.queries, 'consent')).toEqual(['"e0".*']);
    expect(selectLists(koe.full.queries, 'purchase')).toEqual(['"e0".*']);
  });
});
