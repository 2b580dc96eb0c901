/**
 * The gateway's proof that it counted a request (`x-koe-counted`), attacked straight at a subgraph:
 * a forged, truncated, borrowed or replayed proof must not let a request go uncounted, so the
 * rate limit refuses the caller past its limit with 429 RATE_LIMITED whatever the header says.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTED_HEADER, countedProof, proofKey } from '../../src/server/limits/counted-proof.js';
import { startTestKoe, TEST_JWT_SECRET, type TestKoe } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';

const LIMIT = 3;
let koe: TestKoe;
beforeAll(async () => {
  koe = await startTestKoe(undefined, { limits: { requestsPerMinute: LIMIT, plainReadsPerMinute: 0 } });
});
afterAll(async () => koe?.stop());

/** Windows are calendar minutes: start well inside one so the count cannot reset halfway. */
async function awayFromMinuteEnd(): Promise<void> {
  const s = new Date().getUTCSeconds();
  if (s > 45) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
}

const QUERY = '{ customers(first: 1) { totalCount } }';

async function direct(principal: string, requestId: string, proof: string | null): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${await koe.token(principal)}`,
    'x-request-id': requestId,
  };
  if (proof !== null) headers[COUNTED_HEADER] = proof;
  return fetch(koe.platform.subgraphUrls.customers, { method: 'POST', headers, body: JSON.stringify({ query: QUERY }) });
}

/** Sends LIMIT requests with the proofs `proofFor` makes (all must pass), then one more: refused. */
async function expectCounted(name: string, proofFor: (i: number) => { requestId: string; proof: string | null }): Promise<void> {
  const principal = await clonePrincipal(koe.orm, `p-proof-${name}-${randomBytes(3).toString('hex')}`);
  await awayFromMinuteEnd();
  for (let i = 0; i < LIMIT; i++) {
    const { requestId, proof } = proofFor(i);
    const res = await direct(principal, requestId, proof);
    expect(res.status, await res.clone().text()).toBe(200);
  }
  const { requestId, proof } = proofFor(LIMIT);
  const res = await direct(principal, requestId, proof);
  expect(res.status, await res.clone().text()).toBe(429);
  const json = (await res.json()) as { data?: unknown; errors: Array<{ extensions: Record<string, unknown> }> };
  expect(json.data).toBeUndefined();
  expect(json.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'requests', max: LIMIT });
}

const rid = () => `r-${randomUUID()}`;
/** A proof as the gateway makes it for `requestId` (under the key derived from the test JWT secret). */
const genuine = (requestId: string) => countedProof(proofKey(TEST_JWT_SECRET), requestId);

describe('a subgraph called directly with a proof it did not get from the gateway', () => {
  it('counts a request with no proof (the baseline)', async () => {
    await expectCounted('none', () => ({ requestId: rid(), proof: null }));
  });

  it.each([
    ['its whole length', (real: string) => randomBytes(real.length).toString('base64url').slice(0, real.length)],
    ['its MAC (time and nonce kept)', (real: string) => {
      const mac = real.slice(real.lastIndexOf('.') + 1);
      return `${real.slice(0, real.length - mac.length)}${randomBytes(mac.length).toString('base64url').slice(0, mac.length)}`;
    }],
  ])('counts a proof forged over %s in the right alphabet', async (name, forge) => {
    await expectCounted(`forged-${name.split(' ')[1]}`, () => {
      const requestId = rid();
      return { requestId, proof: forge(genuine(requestId)) };
    });
  });

  it('counts a genuine proof with one character changed', async () => {
    await expectCounted('flipped', () => {
      const requestId = rid();
      const real = genuine(requestId);
      return { requestId, proof: `${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}` };
    });
  });

  it.each([
    ['one character short', (p: string) => p.slice(0, -1)],
    ['cut in half', (p: string) => p.slice(0, Math.floor(p.length / 2))],
    ['empty', () => ''],
    ['padded with one character', (p: string) => `${p}A`],
  ])('counts a genuine proof %s', async (name, spoil) => {
    await expectCounted(name.split(' ')[0]!, () => {
      const requestId = rid();
      return { requestId, proof: spoil(genuine(requestId)) };
    });
  });

  // The JWT secret is not the proof key: whoever can mint tokens still cannot mint proofs with it.
  it('counts a proof made with the JWT secret itself instead of its derived proof key', async () => {
    await expectCounted('raw-secret', () => {
      const requestId = rid();
      return { requestId, proof: countedProof(TEST_JWT_SECRET, requestId) };
    });
  });

  it("counts a genuine proof borrowed from another request (another request id)", async () => {
    const borrowed = genuine(rid());
    await expectCounted('borrowed', () => ({ requestId: rid(), proof: borrowed }));
  });

  it('counts a genuine proof replayed with its own request id', async () => {
    const requestId = rid();
    const captured = genuine(requestId);
    // The first use may be the gateway's own fetch; every replay after it must count.
    await direct(await clonePrincipal(koe.orm, `p-proof-first-${randomBytes(3).toString('hex')}`), requestId, captured);
    await expectCounted('replayed', () => ({ requestId, proof: captured }));
  });

  // Shows that the header is honoured at all, so the refusals above are not an accident of the limit.
  it('does not count requests carrying fresh genuine proofs, as from the gateway', async () => {
    const principal = await clonePrincipal(koe.orm, `p-proof-genuine-${randomBytes(3).toString('hex')}`);
    await awayFromMinuteEnd();
    for (let i = 0; i < LIMIT + 2; i++) {
      const requestId = rid();
      const res = await direct(principal, requestId, genuine(requestId));
      expect(res.status, await res.clone().text()).toBe(200);
    }
  });
});
