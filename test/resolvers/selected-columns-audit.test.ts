/**
 * The audit list (`auditEvents`, `auditEvent`) reads only the columns the operation selects: an
 * event's `detail` (masked arguments, the exposure map), `resources` and `fields` are most of its
 * bytes. Guards that every shipped principal gets what a server reading every column gives, that
 * a row rule on a column the query does not select still hides the rows it should, that the SQL
 * narrows, and that chain verification, which recomputes every hash, still passes.
 *
 * The policy is the shipped one with the auditor's audit trail limited to authentication events
 * (`when: { action: authenticate }`): the shipped rules on AuditEvent test nothing.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/server/policy.js';
import { until } from '../support/audit-alerts.js';
import { POLICY_DIR, postGraphQL } from '../support/koe.js';
import { ask, casesOf, selectLists, startNarrowAndFull, type Doc, type NarrowAndFull } from '../support/read-columns.js';

const AUDITOR_RULE = `      - on: [AuditEvent, Principal, GrantRequest, PolicyMatrix]
        fields: '*'
        decision: PLAIN
`;
const AUDITOR_AUTHENTICATIONS_ONLY = `      - on: [Principal, GrantRequest, PolicyMatrix]
        fields: '*'
        decision: PLAIN
      - on: AuditEvent
        fields: '*'
        decision: PLAIN
        when: { action: authenticate }
`;

function policyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'koe-policies-'));
  cpSync(POLICY_DIR, dir, { recursive: true });
  const file = join(dir, 'roles-governance.policy.yaml');
  const text = readFileSync(file, 'utf8');
  if (!text.includes(AUDITOR_RULE)) throw new Error("roles-governance.policy.yaml: the auditor's AuditEvent rule moved");
  writeFileSync(file, text.replace(AUDITOR_RULE, AUDITOR_AUTHENTICATIONS_ONLY));
  return dir;
}

let koe: NarrowAndFull;
/** Events before this instant are all written: both servers see the same list. */
let before: string;
let claimedSeq: number;
let querySeq: number;
beforeAll(async () => {
  koe = await startNarrowAndFull(await loadPolicy(policyDir()));
  const { narrow } = koe;
  // Events of every kind: reads with exposure maps, masked reads, refusals, refused credentials.
  const reads = [
    ['p-admin', '{ customers(first: 50) { edges { node { id name email } } } }'],
    ['p-analyst', '{ customers(first: 30) { edges { node { email purchases { amount } } } } }'],
    ['p-support-east', '{ feedbacks(first: 20) { edges { node { body customer { name } } } } }'],
    ['p-auditor', '{ customers(first: 5) { edges { node { email } } } }'],
  ] as const;
  for (const [principal, query] of reads) await ask(narrow, 'gateway', principal, null, { query });
  for (const url of [narrow.platform.gatewayUrl, narrow.platform.subgraphUrls.customers]) {
    await postGraphQL(url, { query: '{ __typename }' }, { authorization: `Bearer ${await narrow.token('p-leaver', -120)}` });
  }
  before = new Date().toISOString();
  // Read from the table, not through the reads under test. Refusals are appended beside the
  // response: wait until the trail before `before` stops growing.
  const sql = <T>(q: string) => narrow.orm.em.getConnection().execute<T[]>(q, [before]);
  const count = async () => Number((await sql<{ n: string }>('select count(*)::text as n from audit_event where at < ?'))[0]!.n);
  let last = -1;
  await until(async () => {
    const n = await count();
    const settled = n === last;
    last = n;
    if (!settled) await new Promise((r) => setTimeout(r, 300));
    return settled;
  }, 'the audit trail to settle');
  const seqOf = async (where: string) => Number((await sql<{ seq: string }>(`select max(seq)::text as seq from audit_event where at < ? and ${where}`))[0]!.seq);
  claimedSeq = await seqOf(`detail->>'claimedPrincipalId' = 'p-leaver'`);
  querySeq = await seqOf(`action = 'query'`);
  expect([claimedSeq, querySeq].every((n) => n > 0)).toBe(true);
});
afterAll(async () => {
  await koe?.stop();
});

const EVERY_FIELD = 'id seq at actorId claimedActorId roles action outcome operationName operationHash purpose subgraph resources fields { field decision count } policyVersion requestId prevHash hash';
const page = (args: string, selection: string) => `query($before: DateTime) { auditEvents(${args}filter: { before: $before }) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${selection} } } } }`;
const at = (extra: Record<string, unknown> = {}) => () => ({ before, ...extra });

const DOCS: Doc[] = [
  { name: "the console's audit page", via: ['gateway', 'audit'], query: page('first: 25, ', 'seq at actorId claimedActorId action outcome resources fields { field decision count } requestId'), variables: at() },
  { name: 'sequence numbers and times only', via: ['gateway', 'audit'], query: page('first: 100, ', 'seq at'), variables: at() },
  { name: 'every field', via: ['audit'], query: page('first: 60, ', EVERY_FIELD), variables: at() },
  {
    name: 'filtered by the claimed actor, aliases and a fragment',
    via: ['gateway', 'audit'],
    query: `query($before: DateTime) { list: auditEvents(first: 10, filter: { claimedActorId: "p-leaver", before: $before }) { edges { n: node { who: claimedActorId ...E } } } } fragment E on AuditEvent { seq outcome subgraph }`,
    variables: at(),
  },
  {
    name: 'filtered by a field decision',
    via: ['audit'],
    query: `query($before: DateTime) { auditEvents(first: 20, filter: { field: "Customer.email", decision: "MASKED", before: $before }) { totalCount edges { node { seq roles fields { field count } } } } }`,
    variables: at(),
  },
  {
    name: 'one event by its sequence number, twice',
    via: ['gateway', 'audit'],
    query: 'query($a: Int!, $b: Int!) { a: auditEvent(seq: $a) { claimedActorId hash } b: auditEvent(seq: $b) { seq resources actorId } c: auditEvent(seq: $a) { outcome } }',
    variables: () => ({ a: claimedSeq, b: querySeq }),
  },
];

describe('narrowed audit reads answer as full reads do', () => {
  it.each(casesOf(DOCS))('%s, through %s, as %s (purpose %s)', async (_name, via, principal, purpose, doc) => {
    const p = purpose === '-' ? null : purpose;
    const [got, want] = await Promise.all([ask(koe.narrow, via, principal, p, doc), ask(koe.full, via, principal, p, doc)]);
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  });

  it('pages the same way: each server follows its own cursors', async () => {
    const walk = async (which: 'narrow' | 'full') => {
      const seen: unknown[] = [];
      let after: string | null = null;
      for (let i = 0; i < 3; i++) {
        const res = await ask(koe[which], 'audit', 'p-dpo', null, { query: page('first: 4, after: $after, ', 'seq claimedActorId outcome').replace('query($before: DateTime)', 'query($before: DateTime, $after: String)'), variables: () => ({ before, after }) });
        const conn = (res.data as { auditEvents: { pageInfo: { endCursor: string | null }; edges: unknown[] } }).auditEvents;
        seen.push(...conn.edges);
        after = conn.pageInfo.endCursor;
      }
      return seen;
    };
    const [got, want] = await Promise.all([walk('narrow'), walk('full')]);
    expect(got).toHaveLength(12);
    expect(got).toEqual(want);
  });

  it('has answers worth comparing: claimed actors, exposure-sized resources and empty lists occur', async () => {
    const res = await ask(koe.narrow, 'audit', 'p-admin', null, { query: page('first: 100, ', 'claimedActorId resources'), variables: at() });
    const nodes = (res.data as { auditEvents: { edges: Array<{ node: { claimedActorId: string | null; resources: string[] } }> } }).auditEvents.edges.map((e) => e.node);
    expect(nodes.some((n) => n.claimedActorId === 'p-leaver')).toBe(true);
    expect(nodes.some((n) => n.resources.length >= 50)).toBe(true);
    const refused = await ask(koe.narrow, 'audit', 'p-analyst', null, { query: page('first: 5, ', 'seq'), variables: at() });
    // An analyst has no rule on AuditEvent: no rows at all, whatever the columns.
    expect(refused.errors).toBeUndefined();
    expect((refused.data as { auditEvents: { totalCount: number; edges: unknown[] } }).auditEvents).toMatchObject({ totalCount: 0, edges: [] });
  });
});

describe('a row rule on a column the query does not select', () => {
  type Node = { seq: number; action?: string };
  const nodesOf = (res: Awaited<ReturnType<typeof ask>>) => (res.data as { auditEvents: { totalCount: number; edges: Array<{ node: Node }> } }).auditEvents;

  it('shows the auditor only authentication events when it asks for seq and time only', async () => {
    const admin = nodesOf(await ask(koe.narrow, 'audit', 'p-admin', null, { query: page('first: 100, ', 'seq action'), variables: at() }));
    const actions = new Map(admin.edges.map((e) => [e.node.seq, e.node.action]));
    const adminAuth = nodesOf(await ask(koe.narrow, 'audit', 'p-admin', null, { query: page('first: 1, ', 'seq').replace('filter: {', 'filter: { action: "authenticate",'), variables: at() }));
    for (const via of ['audit', 'gateway'] as const) {
      const mine = nodesOf(await ask(koe.narrow, via, 'p-auditor', null, { query: page('first: 100, ', 'seq at'), variables: at() }));
      expect(mine.totalCount).toBe(adminAuth.totalCount);
      expect(mine.edges.length).toBeGreaterThan(0);
      for (const { node } of mine.edges) if (actions.has(node.seq)) expect(actions.get(node.seq)).toBe('authenticate');
    }
    // Other events existed in the same window, and were hidden.
    expect([...actions.values()].filter((a) => a !== 'authenticate').length).toBeGreaterThan(0);
  });

  it('gives the auditor no query event by its sequence number, and the authentication event', async () => {
    const res = await ask(koe.narrow, 'audit', 'p-auditor', null, { query: 'query($a: Int!, $b: Int!) { a: auditEvent(seq: $a) { seq } b: auditEvent(seq: $b) { seq } }', variables: () => ({ a: querySeq, b: claimedSeq }) });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: null, b: { seq: claimedSeq } });
  });
});

describe('the SQL an audit read sends', () => {
  const columns = (list: string) => [...list.matchAll(/"e0"\."([a-z_]+)"/g)].map((m) => m[1]!).sort();

  it('names only the asked columns, the key, the sequence number and the columns the rules test', async () => {
    koe.narrow.resetQueries();
    await ask(koe.narrow, 'audit', 'p-auditor', null, { query: page('first: 5, ', 'seq at'), variables: at() });
    const [list, ...more] = selectLists(koe.narrow.queries, 'audit_event');
    expect(more).toEqual([]);
    expect(columns(list!)).toEqual(['action', 'at', 'id', 'seq']);
  });

  it('reads the claimed actor out of detail, not detail itself', async () => {
    koe.narrow.resetQueries();
    await ask(koe.narrow, 'audit', 'p-admin', null, { query: page('first: 5, ', 'claimedActorId outcome'), variables: at() });
    const [list] = selectLists(koe.narrow.queries, 'audit_event');
    expect(columns(list!)).toEqual(['id', 'outcome', 'seq']);
    expect(list).toContain(`"e0".detail->>'claimedPrincipalId'`);
  });

  it('reads every column under KOE_READ_COLUMNS=all', async () => {
    koe.full.resetQueries();
    await ask(koe.full, 'audit', 'p-admin', null, { query: page('first: 5, ', 'seq'), variables: at() });
    expect(selectLists(koe.full.queries, 'audit_event')[0]).toMatch(/^"e0"\.\*/);
  });

  it('leaves chain verification reading every hashed column: the chain still verifies', async () => {
    const res = await ask(koe.narrow, 'audit', 'p-admin', null, { query: '{ verifyAuditChain { status } }' });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ verifyAuditChain: { status: 'OK' } });
  });
});
