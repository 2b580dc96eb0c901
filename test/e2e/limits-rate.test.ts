/**
 * The per-principal rate limit lives in Postgres, so two instances on one database agree: with a
 * limit of 5 requests a minute, the sixth request is refused whichever instance it reaches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDatabaseUrl } from '../support/run-database.js';
import { issueToken } from '../../src/auth/jwt.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import type { LimitSettings } from '../../src/server/limits/settings.js';
import { startPlatform, type Platform } from '../../src/server/platform.js';
import { loadPolicy } from '../../src/server/policy.js';
import { POLICY_DIR, TEST_JWT_SECRET, TEST_PSEUDONYM_KEY } from '../support/koe.js';
import { testCrypto } from '../support/crypto.js';

let orm: MikroORM;
const platforms: Platform[] = [];
const sql = (q: string, params: readonly string[] = []) => orm.em.getConnection().getKnex().raw(q, params) as Promise<{ rows: Array<Record<string, unknown>> }>;

async function start(limits: Partial<LimitSettings>): Promise<Platform> {
  const p = await startPlatform({
    orm,
    crypto: await testCrypto(orm),
    jwtSecret: TEST_JWT_SECRET,
    pseudonymKey: TEST_PSEUDONYM_KEY,
    policy: await loadPolicy(POLICY_DIR),
    ports: { gateway: 0, customers: 0, feedback: 0, audit: 0 },
    limits,
  });
  platforms.push(p);
  return p;
}

/** A principal of its own (a copy of a demo one), so other test files never share its counters. */
async function freshPrincipal(id: string, like = 'p-analyst'): Promise<Record<string, string>> {
  await sql(`insert into principal select (jsonb_populate_record(null::principal, to_jsonb(p) || jsonb_build_object('id', ?::text))).* from principal p where p.id = ? on conflict do nothing`, [id, like]);
  await sql('delete from rate_limit_window where principal_id = ?', [id]);
  return { 'content-type': 'application/json', authorization: `Bearer ${await issueToken(TEST_JWT_SECRET, id)}` };
}

/** Windows are calendar minutes: start well inside one so the count cannot reset halfway. */
async function awayFromMinuteEnd(): Promise<void> {
  const { rows } = await sql('select extract(second from now())::float as s');
  const s = Number(rows[0]!.s);
  if (s > 45) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
}

beforeAll(async () => {
  orm = await openOrm({ url: runDatabaseUrl() });
});
afterAll(async () => {
  for (const p of platforms) await p.stop();
  await orm?.close(true);
});

const post = (url: string, headers: Record<string, string>, query: string) => fetch(url, { method: 'POST', headers, body: JSON.stringify({ query }) });
const FEEDBACK_WITH_CUSTOMERS = '{ feedbacks(first: 3) { edges { node { id customer { id name } } } } }';

describe('the per-principal rate limit', () => {
  it('refuses the sixth request of a minute across two instances with 429 and Retry-After', async () => {
    const [a, b] = [await start({ requestsPerMinute: 5 }), await start({ requestsPerMinute: 5 })];
    const headers = await freshPrincipal('p-rate-test-requests');
    await awayFromMinuteEnd();
    // Through the gateway a request counts once, even though it reaches two subgraphs.
    const direct = '{ customers(first: 1) { totalCount } }';
    const five = [[a.gatewayUrl, FEEDBACK_WITH_CUSTOMERS], [b.gatewayUrl, FEEDBACK_WITH_CUSTOMERS], [a.gatewayUrl, FEEDBACK_WITH_CUSTOMERS], [b.subgraphUrls.customers, direct], [b.gatewayUrl, FEEDBACK_WITH_CUSTOMERS]];
    for (const [url, query] of five) {
      const res = await post(url!, headers, query!);
      expect(res.status, await res.clone().text()).toBe(200);
    }
    for (const [url, query] of [[a.gatewayUrl, FEEDBACK_WITH_CUSTOMERS], [b.subgraphUrls.feedback, '{ feedbacks(first: 1) { totalCount } }']] as const) {
      const res = await post(url, headers, query);
      expect(res.status, await res.clone().text()).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const json = (await res.json()) as { data?: unknown; errors: Array<{ extensions: Record<string, unknown> }> };
      expect(json.data).toBeUndefined();
      expect(json.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'requests', max: 5 });
    }
    // Another principal is not affected.
    const other = await freshPrincipal('p-rate-test-other');
    expect((await post(a.gatewayUrl, other, FEEDBACK_WITH_CUSTOMERS)).status).toBe(200);
  });

  it('refuses once the PLAIN reads of the minute pass their limit', async () => {
    const p = await start({ requestsPerMinute: 1000, plainReadsPerMinute: 50 });
    // A support agent, not an admin: a second active admin would break the last-admin test running alongside.
    const headers = await freshPrincipal('p-rate-test-plain', 'p-support-east');
    await awayFromMinuteEnd();
    // The agent reads its own team's names in PLAIN: 100 rows cross the line, the request after is refused.
    const query = '{ customers(first: 100, filter: { teamId: "team-east" }) { edges { node { id name } } } }';
    expect((await post(p.subgraphUrls.customers, headers, query)).status).toBe(200);
    const res = await post(p.gatewayUrl, headers, '{ customers(first: 1) { totalCount } }');
    expect(res.status, await res.clone().text()).toBe(429);
    expect(((await res.json()) as { errors: Array<{ extensions: Record<string, unknown> }> }).errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'PLAIN reads' });
  });
});
