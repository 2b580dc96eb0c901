/**
 * The `@pii` guard asks the request's ability for each field's decider and masker (built once per
 * ability and field, memoised per mask context), holding nothing across requests. Requests of principals whose policies differ, one after another and at
 * once on the same server, must each get their own decisions and their own masker: one role masks
 * e-mail addresses with `email`, another with `redact`, a third may not read them at all.
 */
import 'reflect-metadata';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASKERS } from '../../src/policies/maskers/index.js';
import { loadPolicy } from '../../src/server/policy.js';
import { errorCodes, POLICY_DIR, postAs, startTestKoe, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';

const PROBE_ROLES = `
roles:
  email_masker:
    description: Reads e-mail addresses masked by the email masker.
    department: analytics
    readOnly: true
    rules:
      - on: Customer
        fields: [email]
        decision: MASKED
        masker: email
  email_redactor:
    description: Reads e-mail addresses redacted.
    department: analytics
    readOnly: true
    rules:
      - on: Customer
        fields: [email]
        decision: MASKED
        masker: redact
  email_blind:
    description: Sees the customers, not their e-mail addresses.
    department: analytics
    readOnly: true
    rules:
      - on: Customer
        fields: []
        decision: PLAIN
`;

let dir: string;
let koe: TestKoe;
const MASKER = 'p-guard-email-masker';
const REDACTOR = 'p-guard-email-redactor';
const BLIND = 'p-guard-email-blind';
const PAGE = '{ customers(first: 20) { edges { node { id email } } } }';

let plain: Map<string, string | null>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'koe-policies-'));
  cpSync(POLICY_DIR, dir, { recursive: true });
  writeFileSync(join(dir, 'roles-guard-probe.policy.yaml'), PROBE_ROLES);
  koe = await startTestKoe(await loadPolicy(dir));
  await clonePrincipal(koe.orm, MASKER, 'p-analyst', ['email_masker']);
  await clonePrincipal(koe.orm, REDACTOR, 'p-analyst', ['email_redactor']);
  await clonePrincipal(koe.orm, BLIND, 'p-analyst', ['email_blind']);
  const admin = await postAs(koe, 'p-admin', PAGE, {}, undefined, koe.platform.subgraphUrls.customers);
  plain = new Map(nodes(admin).map((n) => [n.id, n.email]));
  expect(plain.size).toBe(20);
});
afterAll(async () => {
  await koe?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Node = { id: string; email: string | null };
const nodes = (res: GraphQLBody): Node[] => (res.data as { customers: { edges: Array<{ node: Node }> } }).customers.edges.map((e) => e.node);

async function page(principal: string): Promise<GraphQLBody> {
  return postAs(koe, principal, PAGE, {}, undefined, koe.platform.subgraphUrls.customers);
}

function expectMasked(res: GraphQLBody, masker: 'email' | 'redact'): void {
  expect(res.errors).toBeUndefined();
  for (const n of nodes(res)) expect(n.email, n.id).toBe(MASKERS[masker](plain.get(n.id), { pseudonymKey: '' }));
}

function expectDenied(res: GraphQLBody): void {
  expect(nodes(res).map((n) => n.email)).toEqual(new Array(20).fill(null));
  expect(errorCodes(res)).toEqual(new Array(20).fill('FORBIDDEN'));
}

describe('the guard across requests of different principals on one server', () => {
  it('masks with each request’s own masker, and denies to the role without the field, one request after another', async () => {
    expectMasked(await page(MASKER), 'email');
    expectMasked(await page(REDACTOR), 'redact');
    expectDenied(await page(BLIND));
    expectMasked(await page(MASKER), 'email');
    expectDenied(await page(BLIND));
    expectMasked(await page(REDACTOR), 'redact');
    // The masked values differ from the plain ones: the page did not come back unmasked.
    expect(nodes(await page(MASKER)).some((n) => n.email !== plain.get(n.id))).toBe(true);
  });

  it('keeps them apart when the requests run at once', async () => {
    const order = [MASKER, REDACTOR, BLIND, REDACTOR, MASKER, BLIND, MASKER, REDACTOR];
    const answers = await Promise.all(order.map(page));
    answers.forEach((res, i) => {
      if (order[i] === BLIND) expectDenied(res);
      else expectMasked(res, order[i] === MASKER ? 'email' : 'redact');
    });
  });
});
