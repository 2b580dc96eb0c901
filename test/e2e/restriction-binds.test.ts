/**
 * Guards against a use restriction that a header could dodge: after `restrictUse(customer,
 * [marketing])` the marketing role still read the customer's e-mail by not sending X-Koe-Purpose
 * (or by declaring `compliance`). A request is now judged under its declared purpose AND the purpose
 * each of its roles serves (`defaultPurpose` in the policy), so every shipped role is tried here with
 * and without the header against a restricted customer. A default purpose binds but grants nothing:
 * the DPO still needs `compliance` declared to read personal data. `liftRestriction` (DPO, compliance)
 * ends a restriction, audited like `restrictUse`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '../../src/data/seed/demo-data.js';
import { errorCodes, postAs, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const OPTS = { customers: 40, feedback: 200 };
const demo = generateDemoData(OPTS);
const consentsNow = (id: string, purpose: string) => demo.consents.some((c) => c.customerId === id && c.purpose === purpose && c.withdrawnAt === null);
/** Of team-east (the east agent's own), consenting to marketing, with feedback: every role could see some of them. */
const R = demo.customers.find((c) => c.teamId === 'team-east' && consentsNow(c.id, 'marketing') && demo.feedback.some((f) => f.customerId === c.id))!;
const REASON = '本人からの利用停止請求 (受付番号 DSR-2026-044)';

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe(OPTS));
}, 120_000);
afterAll(() => stop?.());

const as = (principal: string, query: string, variables: Record<string, unknown>, purpose?: string) => postAs(koe, principal, query, variables, purpose);
const data = (res: GraphQLBody) => res.data as any;
const VIEW = `query($id: ID!) { customer(id: $id) { id } customers(first: 100) { edges { node { id } } } }`;
const RESTRICT = `mutation($id: ID!, $purposes: [String!]!, $reason: String!) { restrictUse(customerId: $id, purposes: $purposes, reason: $reason) { customerId purposes } }`;
const LIFT = `mutation($id: ID!, $purposes: [String!]!, $reason: String!) { liftRestriction(customerId: $id, purposes: $purposes, reason: $reason) { customerId purposes restrictedAt } }`;

/** Whether `principal` (with `purpose` declared, or none) finds R by id and in the list. */
async function seesR(principal: string, purpose: string | undefined): Promise<boolean> {
  const res = await as(principal, VIEW, { id: R.id }, purpose);
  const byId = data(res)?.customer?.id === R.id;
  const listed = (data(res)?.customers?.edges ?? []).some((e: { node: { id: string } }) => e.node.id === R.id);
  // Never half: the lookup and the list agree.
  expect(byId, `${principal} ${purpose ?? '(no header)'}: by id vs list`).toBe(listed);
  return byId;
}

const NONE = '(no header)';
/** [principal, declared purpose (NONE: no X-Koe-Purpose), sees R while R is restricted for marketing and analytics]. */
const WHILE_RESTRICTED: Array<[string, string, boolean]> = [
  ['p-marketing', NONE, false],
  ['p-marketing', 'marketing', false],
  ['p-marketing', 'compliance', false],
  ['p-marketing', 'support', false],
  ['p-analyst', NONE, false],
  ['p-analyst', 'analytics', false],
  ['p-analyst', 'compliance', false],
  ['p-analyst', 'support', false],
  ['p-bi', NONE, false],
  ['p-bi', 'compliance', false],
  ['p-support-east', NONE, true],
  ['p-support-east', 'support', true],
  ['p-support-east', 'marketing', false],
  ['p-admin', NONE, true],
  ['p-admin', 'support', true],
  ['p-admin', 'compliance', true],
  ['p-admin', 'marketing', false],
  ['p-admin', 'analytics', false],
  ['p-dpo', NONE, true],
  ['p-dpo', 'compliance', true],
  ['p-dpo', 'analytics', false],
  ['p-auditor', NONE, false],
  ['p-auditor', 'compliance', false],
  ['p-ingest', NONE, false],
  ['p-ingest', 'support', false],
];

describe('a use restriction binds whatever the headers say', () => {
  it('before any restriction, marketing, the analyst and the BI tool see the customer without a header', async () => {
    for (const p of ['p-marketing', 'p-analyst', 'p-bi']) expect(await seesR(p, undefined), p).toBe(true);
  });

  it('the DPO restricts the customer for marketing and analytics', async () => {
    const res = await as('p-dpo', RESTRICT, { id: R.id, purposes: ['marketing', 'analytics'], reason: REASON }, 'compliance');
    expect(res.errors).toBeUndefined();
    expect(data(res).restrictUse.purposes).toEqual(['analytics', 'marketing']);
  });

  it.each(WHILE_RESTRICTED)('%s with %s sees the restricted customer: %s', async (principal, purpose, visible) => {
    expect(await seesR(principal, purpose === NONE ? undefined : purpose)).toBe(visible);
  });

  it('marketing without a header no longer reads the e-mail, on any path', async () => {
    const res = await as('p-marketing', `{ customers(first: 100) { totalCount edges { node { id email } } } }`, {});
    expect(JSON.stringify(res)).not.toContain(R.email);
  });

  it('the BI tool without a header gets none of the customer’s feedback', async () => {
    const res = await as('p-bi', `query($id: ID!) { feedbacks(first: 50, filter: { customerId: $id }) { totalCount } }`, { id: R.id });
    expect(res.errors).toBeUndefined();
    expect(data(res).feedbacks.totalCount).toBe(0);
  });

  it('the DPO’s default purpose keeps the customer findable but grants no personal data: compliance must be declared', async () => {
    const q = `query($id: ID!) { customer(id: $id) { id email } }`;
    const bare = await as('p-dpo', q, { id: R.id });
    expect(data(bare).customer).toEqual({ id: R.id, email: null });
    expect(errorCodes(bare)).toEqual(['FORBIDDEN']);
    const declared = await as('p-dpo', q, { id: R.id }, 'compliance');
    expect(declared.errors).toBeUndefined();
    expect(data(declared).customer).toEqual({ id: R.id, email: R.email });
  });
});

describe('liftRestriction', () => {
  it('is refused (FORBIDDEN) to everyone but the DPO declaring compliance, and changes nothing', async () => {
    for (const [p, purpose] of [['p-dpo', undefined], ['p-dpo', 'marketing'], ['p-admin', 'compliance'], ['p-marketing', 'marketing'], ['p-auditor', 'compliance']] as const) {
      expect(errorCodes(await as(p, LIFT, { id: R.id, purposes: ['marketing'], reason: REASON }, purpose)), `${p} ${purpose}`).toEqual(['FORBIDDEN']);
    }
    const rows = await db.sql<{ purpose: string }>(`select purpose from use_restriction where customer_id = ? order by purpose`, [R.id]);
    expect(rows.map((r) => r.purpose)).toEqual(['analytics', 'marketing']);
  });

  it('refuses compliance, undeclared or unrestricted purposes, an empty list or reason and unknown customers (BAD_USER_INPUT naming the argument)', async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ id: R.id, purposes: ['compliance'], reason: REASON }, 'purposes'],
      [{ id: R.id, purposes: ['telepathy'], reason: REASON }, 'purposes'],
      [{ id: R.id, purposes: ['support'], reason: REASON }, 'purposes'],
      [{ id: R.id, purposes: ['analytics', 'support'], reason: REASON }, 'purposes'],
      [{ id: R.id, purposes: [], reason: REASON }, 'purposes'],
      [{ id: R.id, purposes: ['analytics'], reason: ' ' }, 'reason'],
      [{ id: '00000000-0000-4000-8000-000000000000', purposes: ['analytics'], reason: REASON }, 'customerId'],
    ];
    for (const [v, argument] of bad) {
      const res = await as('p-dpo', LIFT, v, 'compliance');
      expect(errorCodes(res), JSON.stringify(v)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0]!.extensions?.argument ?? res.errors![0]!.message).toContain(argument);
    }
    const rows = await db.sql<{ purpose: string }>(`select purpose from use_restriction where customer_id = ? order by purpose`, [R.id]);
    expect(rows.map((r) => r.purpose)).toEqual(['analytics', 'marketing']);
    const [events] = await db.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'subject.restrictionLifted'`);
    expect(events!.n).toBe(0);
  });

  it('lifts analytics: the analyst sees the customer again, marketing is still bound', async () => {
    const res = await as('p-dpo', LIFT, { id: R.id, purposes: ['analytics'], reason: REASON }, 'compliance');
    expect(res.errors).toBeUndefined();
    expect(data(res).liftRestriction).toMatchObject({ customerId: R.id, purposes: ['marketing'] });
    expect(await seesR('p-analyst', undefined)).toBe(true);
    expect(await seesR('p-bi', undefined)).toBe(true);
    expect(await seesR('p-marketing', undefined)).toBe(false);
  });

  it('is recorded in the audit trail with the DPO, the purposes and the reason', async () => {
    const events = await db.sql<{ detail: Record<string, unknown>; resources: string[]; actor_id: string }>(
      `select detail, resources, actor_id from audit_event where action = 'subject.restrictionLifted' order by seq`,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_id: 'p-dpo', resources: [`Customer:${R.id}`], detail: { customerId: R.id, purposes: ['analytics'], reason: REASON } });
  });

  it('lifts marketing too: marketing reads the consenting customer’s e-mail again without a header', async () => {
    const res = await as('p-dpo', LIFT, { id: R.id, purposes: ['marketing'], reason: REASON }, 'compliance');
    expect(data(res).liftRestriction.purposes).toEqual([]);
    const q = await as('p-marketing', `query($id: ID!) { customer(id: $id) { email } }`, { id: R.id });
    expect(data(q).customer).toEqual({ email: R.email });
  });
});
