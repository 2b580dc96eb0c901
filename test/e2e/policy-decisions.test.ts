/**
 * The contract's role x field decisions, end to end: through the gateway and straight to the
 * customers subgraph, each role sees each field PLAIN (the stored value), MASKED (the masker's
 * output, never the stored value) or DENIED (null plus one FORBIDDEN error, never the value).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASKERS } from '../../src/policies/maskers/index.js';
import type { CustomerEntity } from '../../src/data/entities/index.js';
import { postGraphQL, startTestKoe, TEST_PSEUDONYM_KEY, type TestKoe } from '../support/koe.js';
import { loadFixtures, type Fixtures } from '../support/records.js';

let koe: TestKoe;
let fx: Fixtures;
beforeAll(async () => {
  koe = await startTestKoe();
  fx = await loadFixtures(koe.orm);
});
afterAll(async () => koe?.stop());

type Expect = 'PLAIN' | 'MASKED' | 'DENIED' | 'HIDDEN';
type Who = 'east' | 'west' | 'consenting' | 'notConsenting';
const FIELDS = ['name', 'nameKana', 'email', 'phone', 'address', 'birthDate'] as const;
type Field = (typeof FIELDS)[number];

// [principal, purpose, customer, field, expected]; HIDDEN = the row itself is not visible.
const cases: Array<[string, string | null, Who, Field, Expect]> = [
  ['p-admin', null, 'east', 'email', 'PLAIN'],
  ['p-admin', null, 'west', 'address', 'PLAIN'],
  ['p-support-east', null, 'east', 'name', 'PLAIN'],
  ['p-support-east', null, 'east', 'phone', 'PLAIN'],
  ['p-support-east', null, 'west', 'name', 'MASKED'],
  ['p-support-east', null, 'west', 'email', 'MASKED'],
  ['p-support-west', null, 'east', 'phone', 'MASKED'],
  ['p-support-west', null, 'west', 'phone', 'PLAIN'],
  ['p-analyst', null, 'east', 'name', 'MASKED'],
  ['p-analyst', null, 'east', 'email', 'MASKED'],
  ['p-analyst', null, 'west', 'phone', 'MASKED'],
  ['p-analyst', null, 'east', 'address', 'MASKED'],
  ['p-analyst', null, 'east', 'birthDate', 'MASKED'],
  ['p-bi', null, 'east', 'name', 'DENIED'],
  ['p-bi', null, 'east', 'email', 'DENIED'],
  ['p-bi', null, 'west', 'phone', 'DENIED'],
  ['p-bi', null, 'west', 'address', 'DENIED'],
  ['p-bi', null, 'east', 'birthDate', 'DENIED'],
  ['p-marketing', null, 'consenting', 'email', 'PLAIN'],
  ['p-marketing', null, 'consenting', 'name', 'DENIED'],
  ['p-marketing', null, 'consenting', 'phone', 'DENIED'],
  ['p-marketing', null, 'notConsenting', 'email', 'HIDDEN'],
  ['p-auditor', null, 'east', 'email', 'HIDDEN'],
  ['p-ingest', null, 'east', 'email', 'HIDDEN'],
  ['p-dpo', null, 'east', 'email', 'DENIED'],
  ['p-dpo', null, 'east', 'name', 'DENIED'],
  ['p-dpo', 'support', 'east', 'email', 'DENIED'],
  ['p-dpo', 'compliance', 'east', 'email', 'PLAIN'],
  ['p-dpo', 'compliance', 'west', 'address', 'PLAIN'],
];

const DEFAULT_MASKER: Record<Field, keyof typeof MASKERS> = {
  name: 'name', nameKana: 'name', email: 'email', phone: 'phone', address: 'prefecture', birthDate: 'year',
};

function record(who: Who): CustomerEntity {
  return fx[who];
}

describe.each(['gateway', 'customers subgraph'] as const)('customer fields through the %s', (via) => {
  it.each(cases)('%s (purpose %s) sees %s.%s as %s', async (principal, purpose, who, field, expected) => {
    const c = record(who);
    const url = via === 'gateway' ? koe.platform.gatewayUrl : koe.platform.subgraphUrls.customers;
    const headers: Record<string, string> = { authorization: `Bearer ${await koe.token(principal)}` };
    if (purpose) headers['x-koe-purpose'] = purpose;
    const res = await postGraphQL(url, { query: `query($id: ID!) { customer(id: $id) { id customerKey ${field} } }`, variables: { id: c.id } }, headers);
    const stored = c[field];
    const got = (res.json.data as { customer: Record<string, unknown> | null } | undefined)?.customer;
    const text = JSON.stringify(res.json);
    if (expected === 'HIDDEN') {
      expect(got).toBeNull();
      expect(text).not.toContain(stored);
      return;
    }
    expect(got?.id).toBe(c.id);
    expect(got?.customerKey).toBe(c.customerKey);
    if (expected === 'PLAIN') {
      expect(got?.[field]).toBe(stored);
      expect(res.json.errors).toBeUndefined();
    } else if (expected === 'MASKED') {
      expect(got?.[field]).toBe(MASKERS[DEFAULT_MASKER[field]](stored, { pseudonymKey: TEST_PSEUDONYM_KEY }));
      expect(got?.[field]).not.toBe(stored);
      expect(res.json.errors).toBeUndefined();
    } else {
      expect(got?.[field]).toBeNull();
      expect(res.json.errors).toHaveLength(1);
      expect(res.json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(res.json.errors?.[0]?.path).toEqual(['customer', field]);
    }
    // Whatever the decision, a value the caller may not see in plain never appears anywhere.
    if (expected !== 'PLAIN') expect(text).not.toContain(stored);
  });
});

describe('feedback bodies', () => {
  const bodyOf = async (principal: string, id: string) => {
    const res = await postGraphQL(koe.platform.gatewayUrl, { query: `query($id: ID!) { feedback(id: $id) { id body } }`, variables: { id } }, { authorization: `Bearer ${await koe.token(principal)}` });
    return { feedback: (res.json.data as { feedback: { body: string | null } | null }).feedback, errors: res.json.errors, text: JSON.stringify(res.json) };
  };

  it('shows an analyst the body with the typed-in phone number replaced', async () => {
    const { feedback, text } = await bodyOf('p-analyst', fx.phoneInBody.id);
    const phone = /0[789]0-\d{4}-\d{4}/.exec(fx.phoneInBody.body)![0];
    expect(feedback?.body).toContain('[PHONE]');
    expect(text).not.toContain(phone);
  });

  it.each([
    ['p-support-east', 'eastFeedback', 'PLAIN'],
    ['p-support-east', 'westFeedback', 'MASKED'],
    ['p-support-west', 'westFeedback', 'PLAIN'],
    ['p-bi', 'eastFeedback', 'MASKED'],
    ['p-admin', 'westFeedback', 'PLAIN'],
    ['p-marketing', 'eastFeedback', 'HIDDEN'],
    ['p-auditor', 'eastFeedback', 'HIDDEN'],
    ['p-dpo', 'eastFeedback', 'DENIED'],
  ] as const)('%s sees the body of %s as %s', async (principal, which, expected) => {
    const f = fx[which];
    const { feedback, errors } = await bodyOf(principal, f.id);
    if (expected === 'HIDDEN') return expect(feedback).toBeNull();
    if (expected === 'PLAIN') return expect(feedback?.body).toBe(f.body);
    if (expected === 'MASKED') return expect(feedback?.body).toBe(MASKERS.freeText(f.body, { pseudonymKey: TEST_PSEUDONYM_KEY }));
    expect(feedback?.body).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('rows and counts', () => {
  it('shows marketing only consenting customers, and totalCount agrees with the database', async () => {
    const client = await koe.client('p-marketing');
    const data = await client.request<{ customers: { totalCount: number; edges: Array<{ node: { id: string; email: string } }> } }>(
      '{ customers(first: 100) { totalCount edges { node { id email } } } }',
    );
    expect(data.customers.totalCount).toBe(fx.marketingCount);
    expect(data.customers.totalCount).toBeLessThan(500);
    const ids = data.customers.edges.map((e) => e.node.id);
    expect(ids).not.toContain(fx.notConsenting.id);
    expect(data.customers.edges.every((e) => e.node.email.includes('@') && !e.node.email.includes('***'))).toBe(true);
  });

  it.each(['p-auditor', 'p-ingest'])('gives %s no customers and no feedback at all', async (principal) => {
    const client = await koe.client(principal);
    const data = await client.request<{ customers: { totalCount: number; edges: unknown[] }; feedbacks: { totalCount: number; edges: unknown[] } }>(
      '{ customers(first: 10) { totalCount edges { cursor } } feedbacks(first: 10) { totalCount edges { cursor } } }',
    );
    expect(data).toEqual({ customers: { totalCount: 0, edges: [] }, feedbacks: { totalCount: 0, edges: [] } });
  });

  it('gives marketing no feedback, nested under a visible customer either', async () => {
    const client = await koe.client('p-marketing');
    const data = await client.request<{ customer: { feedback: { totalCount: number; edges: unknown[] } } }>(
      'query($id: ID!) { customer(id: $id) { feedback(first: 5) { totalCount edges { node { body } } } } }',
      { id: fx.consenting.id },
    );
    expect(data.customer.feedback).toEqual({ totalCount: 0, edges: [] });
  });
});

describe('me', () => {
  it.each([
    ['p-analyst', 'Customer.email', 'MASKED'],
    ['p-bi', 'Customer.name', 'DENIED'],
    ['p-admin', 'Feedback.body', 'PLAIN'],
    ['p-support-east', 'Customer.email', 'CONDITIONAL'],
    ['p-marketing', 'Customer.email', 'CONDITIONAL'],
    ['p-marketing', 'Feedback.body', 'DENIED'],
    ['p-auditor', 'Customer.email', 'DENIED'],
  ])('tells %s that %s is %s', async (principal, field, decision) => {
    const client = await koe.client(principal);
    const data = await client.request<{ me: { decisions: Array<{ field: string; decision: string }> } }>('{ me { decisions { field decision } } }');
    expect(data.me.decisions).toContainEqual({ field, decision });
  });
});
