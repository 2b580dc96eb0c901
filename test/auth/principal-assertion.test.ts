/**
 * The gateway's principal assertion, attacked straight at a subgraph: only a genuine, fresh
 * assertion bound to this call's request id, credential and policy version spares the subgraph its
 * principal read. Every other one (missing, forged, signed with the JWT secret itself, expired,
 * replayed from another request, cut, tampered, bound to another credential or policy) falls back
 * to the read, which the tests prove with a principal disabled in the database: refused, although
 * the assertion claims it. And a principal disabled between two client requests is refused on the
 * second through the gateway.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRINCIPAL_ASSERTION_HEADER, signPrincipalAssertion } from '../../src/auth/principal-assertion.js';
import { derivedKey } from '../../src/crypto/derive.js';
import type { AuthenticatedPrincipal } from '../../src/request/principal.js';
import { loadPolicy } from '../../src/server/policy.js';
import { errorCodes, POLICY_DIR, postGraphQL, startTestKoe, TEST_JWT_SECRET, type TestKoe } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';

let koe: TestKoe;
let policyVersion: string;
const DISABLED = 'p-assert-disabled';
const ANALYST = 'p-assert-analyst';
const KEY = derivedKey(TEST_JWT_SECRET, 'principalAssertion');
const EMAILS = '{ customers(first: 3) { edges { node { id email } } } }';

beforeAll(async () => {
  koe = await startTestKoe();
  policyVersion = (await loadPolicy(POLICY_DIR)).version;
  await clonePrincipal(koe.orm, DISABLED, 'p-analyst');
  await clonePrincipal(koe.orm, ANALYST, 'p-analyst');
});
afterAll(async () => koe?.stop());

const setStatus = (id: string, status: 'active' | 'disabled') => koe.orm.em.getConnection().execute('update principal set status = ? where id = ?', [status, id]);

/** What the gateway would assert for `id` with admin rights. */
const claimed = (id: string): AuthenticatedPrincipal => ({ id, displayName: 'assert', roles: ['admin'], teamId: null, attributes: {} });

async function direct(principal: string, assertion: (auth: string, requestId: string) => string | null) {
  const authorization = `Bearer ${await koe.token(principal)}`;
  const requestId = `assert-${randomUUID()}`;
  const value = assertion(authorization, requestId);
  const headers: Record<string, string> = { authorization, 'x-request-id': requestId, ...(value === null ? {} : { [PRINCIPAL_ASSERTION_HEADER]: value }) };
  return postGraphQL(koe.platform.subgraphUrls.customers, { query: EMAILS }, headers);
}

const genuine = (id: string) => (authorization: string, requestId: string) => signPrincipalAssertion(KEY, claimed(id), { requestId, authorization, policyVersion });

const FALLBACKS: Array<[string, (id: string) => (authorization: string, requestId: string) => string | null]> = [
  ['missing', () => () => null],
  ['forged (another key)', (id) => (authorization, requestId) => signPrincipalAssertion(derivedKey('not the secret', 'principalAssertion'), claimed(id), { requestId, authorization, policyVersion })],
  ['signed with the JWT secret itself', (id) => (authorization, requestId) => signPrincipalAssertion(TEST_JWT_SECRET, claimed(id), { requestId, authorization, policyVersion })],
  ['expired', (id) => (authorization, requestId) => signPrincipalAssertion(KEY, claimed(id), { requestId, authorization, policyVersion }, Date.now() - 6_000)],
  ['replayed (another request id)', (id) => (authorization) => signPrincipalAssertion(KEY, claimed(id), { requestId: `assert-${randomUUID()}`, authorization, policyVersion })],
  ['truncated', (id) => (authorization, requestId) => genuine(id)(authorization, requestId).slice(0, -4)],
  ['tampered (payload edited, tag kept)', (id) => (authorization, requestId) => {
    const [v, payload, tag] = genuine(id)(authorization, requestId).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    return `${v}.${Buffer.from(JSON.stringify({ ...claims, exp: Date.now() + 4_000 })).toString('base64url')}.${tag}`;
  }],
  ['bound to another credential', (id) => (_, requestId) => signPrincipalAssertion(KEY, claimed(id), { requestId, authorization: 'ApiKey someone-else', policyVersion })],
  ['bound to another policy version', (id) => (authorization, requestId) => signPrincipalAssertion(KEY, claimed(id), { requestId, authorization, policyVersion: 'other' })],
];

describe('principal assertion', () => {
  describe('straight to a subgraph, for a principal disabled in the database', () => {
    beforeAll(() => setStatus(DISABLED, 'disabled'));
    afterAll(() => setStatus(DISABLED, 'active'));

    it('honours a genuine assertion bound to this call: the principal is not read again', async () => {
      const res = await direct(DISABLED, genuine(DISABLED));
      expect(res.status).toBe(200);
      expect(res.json.errors).toBeUndefined();
    });

    it.each(FALLBACKS)('refuses it with an assertion %s: the subgraph read the principal', async (_, make) => {
      const res = await direct(DISABLED, make(DISABLED));
      expect(res.status).toBe(401);
      expect(res.json.data ?? null).toBeNull();
      expect(errorCodes(res.json)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('claiming admin roles for an analyst', () => {
    let emails: string[];
    beforeAll(async () => {
      const plain = await direct('p-admin', () => null);
      emails = JSON.stringify(plain.json.data).match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? [];
    });

    it('grants them with a genuine assertion (the roles are the gateway\'s word): the control for the cases below', async () => {
      expect(emails.length).toBeGreaterThan(0);
      const res = await direct(ANALYST, genuine(ANALYST));
      for (const e of emails) expect(JSON.stringify(res.json)).toContain(e);
    });

    it.each(FALLBACKS.filter(([name]) => name !== 'missing'))('grants nothing with an assertion %s: emails stay masked', async (_, make) => {
      const res = await direct(ANALYST, make(ANALYST));
      expect(res.status).toBe(200);
      expect(res.json.errors).toBeUndefined();
      for (const e of emails) expect(JSON.stringify(res.json)).not.toContain(e);
    });
  });

  it('refuses a principal through the gateway on the request after it was disabled', async () => {
    const client = async () => postGraphQL(koe.platform.gatewayUrl, { query: EMAILS }, { authorization: `Bearer ${await koe.token(DISABLED)}` });
    expect((await client()).status).toBe(200);
    await setStatus(DISABLED, 'disabled');
    try {
      const second = await client();
      expect(second.status).toBe(401);
      expect(second.json.data ?? null).toBeNull();
      expect(errorCodes(second.json)).toEqual(['UNAUTHENTICATED']);
    } finally {
      await setStatus(DISABLED, 'active');
    }
  });
});
