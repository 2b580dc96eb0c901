/**
 * Read paths select only the columns an operation uses (src/resolvers/selected-columns.ts). Guards
 * against the narrowed read changing any answer: every shipped role gets, byte for byte, what a
 * server reading every column (`KOE_READ_COLUMNS=all`) gives, through the gateway and straight to
 * the subgraphs (`_entities` included), and a decision that depends on an unselected column
 * (a support agent's team) still comes out right. Also that the SQL really narrows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASKERS } from '../../src/policies/maskers/index.js';
import { TEST_PSEUDONYM_KEY, type TestKoe } from '../support/koe.js';
import { ask, casesOf, SUPPORT_TEAM_CASES, startNarrowAndFull, type Doc, type NarrowAndFull } from '../support/read-columns.js';
import { loadFixtures, type Fixtures } from '../support/records.js';

let both: NarrowAndFull;
let narrow: TestKoe;
let full: TestKoe;
let fx: Fixtures;
beforeAll(async () => {
  both = await startNarrowAndFull();
  ({ narrow, full } = both);
  fx = await loadFixtures(narrow.orm);
});
afterAll(async () => {
  await both?.stop();
});

const ref = (id: string, type = 'Customer') => ({ __typename: type, id });

const DOCS: Doc[] = [
  { name: 'a customers page asking four fields', via: ['gateway', 'customers'], query: '{ customers(first: 40) { totalCount edges { node { id name email prefecture } } } }' },
  {
    name: 'aliases, fragments, inline fragments and @skip, ordered by prefecture',
    via: ['gateway', 'customers'],
    query: `query($skip: Boolean!) {
      list: customers(first: 25, orderBy: { field: PREFECTURE, direction: DESC }) {
        edges { cursor n: node { ...Who mail: email phone @skip(if: $skip) } }
        pageInfo { hasNextPage endCursor }
      }
    }
    fragment Who on Customer { key: id nameKana ... on Customer { address birthDate } }`,
    variables: () => ({ skip: false }),
  },
  { name: 'e-mails without the team they depend on', via: ['gateway', 'customers'], query: '{ customers(first: 60) { edges { node { email } } } }' },
  { name: 'every customer field', via: ['customers'], query: '{ customers(first: 15) { edges { node { id customerKey name nameKana email phone address prefecture birthDate teamId segment createdAt lastActivityAt consents { purpose grantedAt } purchases { productName amount } } } } }' },
  {
    name: 'one customer twice in a batch, with different fields',
    via: ['gateway', 'customers'],
    query: 'query($a: ID!, $b: ID!) { a: customer(id: $a) { email } b: customer(id: $a) { phone teamId } c: customer(id: $b) { __typename name purchases { store } } }',
    variables: () => ({ a: fx.east.id, b: fx.west.id }),
  },
  {
    name: '_entities for customers, sent straight to the subgraph',
    via: ['customers'],
    query: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Customer { id email name ...Phone } } } fragment Phone on Customer { phone }',
    variables: () => ({ r: [ref(fx.east.id), ref(fx.west.id), ref(fx.consenting.id), ref(fx.notConsenting.id), ref(fx.east.id)] }),
  },
  {
    name: 'the dashboard: feedback, then its customers',
    via: ['gateway'],
    query: '{ feedbacks(first: 40) { totalCount edges { node { id rating body customer { id name email } } } } }',
  },
  { name: 'feedback by rating, subject and note only', via: ['gateway', 'feedback'], query: '{ feedbacks(first: 30, orderBy: { field: RATING, direction: DESC }) { edges { cursor node { subject note } } } }' },
  {
    name: 'a text search asking for the rating only',
    via: ['gateway', 'feedback'],
    query: '{ feedbacks(first: 5, filter: { text: "配送" }) { totalCount edges { node { id rating } } pageInfo { hasNextPage } } }',
  },
  {
    name: 'one feedback and _entities for feedback',
    via: ['feedback'],
    query: 'query($id: ID!, $r: [_Any!]!) { feedback(id: $id) { body } _entities(representations: $r) { ... on Feedback { teamId note } } }',
    variables: () => ({ id: fx.eastFeedback.id, r: [ref(fx.westFeedback.id, 'Feedback'), ref(fx.eastFeedback.id, 'Feedback')] }),
  },
  {
    name: "a customer's feedback (one windowed statement)",
    via: ['gateway'],
    query: 'query($a: ID!, $b: ID!) { a: customer(id: $a) { feedback(first: 3) { edges { node { subject } } } again: feedback(first: 3) { edges { node { note rating } } } } b: customer(id: $b) { name feedback(first: 3) { edges { cursor node { status body } } } } }',
    variables: () => ({ a: fx.east.id, b: fx.west.id }),
  },
];

describe('narrowed reads answer as full reads do', () => {
  it.each(casesOf(DOCS))('%s, through %s, as %s (purpose %s)', async (_name, via, principal, purpose, doc) => {
    const p = purpose === '-' ? null : purpose;
    const [got, want] = await Promise.all([ask(narrow, via, principal, p, doc), ask(full, via, principal, p, doc)]);
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  });

  it('has answers worth comparing: values, masked values and denials all occur', async () => {
    const admin = await ask(narrow, 'customers', 'p-admin', null, DOCS[0]!);
    const emails = (admin.data as { customers: { edges: Array<{ node: { email: string | null } }> } }).customers.edges.map((e) => e.node.email);
    expect(emails.length).toBeGreaterThan(10);
    expect(emails.every((e) => typeof e === 'string' && e.includes('@'))).toBe(true);
    const bi = await ask(narrow, 'customers', 'p-bi', null, DOCS[0]!);
    expect(bi.errors?.some((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
  });
});

describe('a decision on a column the operation did not select', () => {
  // The trap: the support agent's PLAIN-vs-MASKED e-mail depends on the customer's teamId.
  it.each(SUPPORT_TEAM_CASES)('%s sees the e-mail of the %s customer as %s without asking for teamId', async (principal, who, expected) => {
    const c = fx[who];
    const doc: Doc = { name: 'one', via: ['customers'], query: 'query($id: ID!) { customer(id: $id) { email } }', variables: () => ({ id: c.id }) };
    for (const via of ['customers', 'gateway'] as const) {
      const res = await ask(narrow, via, principal, null, doc);
      const email = (res.data as { customer: { email: string } }).customer.email;
      expect(email).toBe(expected === 'PLAIN' ? c.email : MASKERS.email(c.email, { pseudonymKey: TEST_PSEUDONYM_KEY }));
    }
  });

  it('gives the same in a page: each row decided by its own team', async () => {
    const doc: Doc = { name: 'page', via: ['customers'], query: '{ customers(first: 100) { edges { node { id email } } } }' };
    const withTeam: Doc = { name: 'page', via: ['customers'], query: '{ customers(first: 100) { edges { node { id email teamId } } } }' };
    type Rows = { customers: { edges: Array<{ node: { id: string; email: string; teamId?: string } }> } };
    const rows = ((await ask(narrow, 'customers', 'p-support-east', null, doc)).data as Rows).customers.edges.map((e) => e.node);
    const teams = new Map(((await ask(narrow, 'customers', 'p-admin', null, withTeam)).data as Rows).customers.edges.map((e) => [e.node.id, e.node]));
    const plain = rows.filter((r) => teams.get(r.id)?.teamId === 'team-east');
    expect(plain.length).toBeGreaterThan(0);
    expect(rows.length).toBeGreaterThan(plain.length);
    for (const r of rows) {
      const stored = teams.get(r.id)!.email;
      expect(r.email).toBe(teams.get(r.id)?.teamId === 'team-east' ? stored : MASKERS.email(stored, { pseudonymKey: TEST_PSEUDONYM_KEY }));
    }
  });
});

describe('the SQL a read sends', () => {
  const pageSql = (koe: TestKoe) => koe.queries.filter((q) => /from "customer" as "e0"/.test(q) && /limit/.test(q));

  it('names only the asked columns (and the key) for a four-field customers page', async () => {
    narrow.resetQueries();
    await ask(narrow, 'customers', 'p-admin', null, { name: 'four', via: ['customers'], query: '{ customers(first: 5) { edges { node { id name prefecture createdAt } } } }' });
    const [sql, ...more] = pageSql(narrow);
    expect(more).toEqual([]);
    expect(sql).toMatch(/"e0"\."name"/);
    expect(sql).toMatch(/"e0"\."prefecture"/);
    for (const column of ['*', '"email"', '"phone"', '"address"', '"birth_date"', '"name_kana"', '"email_bidx"', '"segment"']) expect(sql).not.toContain(`"e0".${column}`);
  });

  it('adds the team for a support agent, whose decisions test it', async () => {
    narrow.resetQueries();
    await ask(narrow, 'customers', 'p-support-east', null, { name: 'one', via: ['customers'], query: '{ customers(first: 5) { edges { node { email } } } }' });
    const [sql] = pageSql(narrow);
    expect(sql).toMatch(/"e0"\."team_id"/);
    expect(sql).toMatch(/"e0"\."email"/);
    expect(sql).not.toContain('"e0"."phone"');
  });

  it('reads every column under KOE_READ_COLUMNS=all', async () => {
    full.resetQueries();
    await ask(full, 'customers', 'p-admin', null, { name: 'four', via: ['customers'], query: '{ customers(first: 5) { edges { node { id name } } } }' });
    for (const column of ['"email"', '"phone"', '"email_bidx"', '"segment"']) expect(pageSql(full)[0]).toContain(`"e0".${column}`);
  });
});
