/**
 * Health, readiness, metrics and request logs on a real platform: what an operator scrapes and
 * reads, and that no personal data reaches the log.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDatabaseUrl } from '../support/run-database.js';
import { issueToken } from '../../src/auth/jwt.js';
import { loadConfig } from '../../src/config/index.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { testCrypto } from '../support/crypto.js';
import { startPlatform, type Platform } from '../../src/server/platform.js';
import { loadPolicy } from '../../src/server/policy.js';
import { startSubgraph } from '../../src/server/subgraph-server.js';
import { POLICY_DIR, postGraphQL, TEST_JWT_SECRET, TEST_PSEUDONYM_KEY } from '../support/koe.js';

let orm: MikroORM;
let platform: Platform;
const lines: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
const base = async (o: MikroORM = orm) => ({ crypto: await testCrypto(o), jwtSecret: TEST_JWT_SECRET, pseudonymKey: TEST_PSEUDONYM_KEY, policy: await loadPolicy(POLICY_DIR) });

beforeAll(async () => {
  orm = await openOrm({ url: runDatabaseUrl() });
  platform = await startPlatform({ orm, ...(await base()), ports: { gateway: 0, customers: 0, feedback: 0, audit: 0 }, adminPort: 0, logger });
});
afterAll(async () => {
  await platform?.stop();
  await orm?.close(true);
});

/** The sum of the samples of the series matching `series` (anchored at a line's start) in a Prometheus text page; 0 when none. */
function sampleSum(page: string, series: RegExp): number {
  const line = new RegExp(`^${series.source} (\\S+)$`, 'gm');
  return [...page.matchAll(line)].reduce((sum, m) => sum + Number(m[1]), 0);
}

const DASHBOARD = 'query Dashboard { feedbacks(first: 5) { edges { node { id body customer { id name email } } } } }';
const LOOKUP = 'query Lookup($email: String) { feedbacks(first: 5) { edges { node { id body customer { id name email } } } } customers(first: 1, filter: { email: $email }) { totalCount } }';

describe('operations', () => {
  it('answers /healthz and /readyz on every server', async () => {
    for (const url of [platform.gatewayUrl, ...Object.values(platform.subgraphUrls)]) {
      expect((await fetch(url.replace('/graphql', '/healthz'))).status).toBe(200);
      const ready = await fetch(url.replace('/graphql', '/readyz'));
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true }, policy: { ok: true } } });
    }
  });

  it('reports 503 with the reason when the database is gone', async () => {
    const own = await openOrm({ url: runDatabaseUrl() });
    const sub = await startSubgraph('customers', { orm: own, config: loadConfig(), ...(await base(own)) }, '127.0.0.1', 0);
    try {
      await own.close(true);
      const res = await fetch(sub.url.replace('/graphql', '/readyz'));
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; checks: { database: { ok: boolean; reason?: string } } };
      expect(body.status).toBe('not ready');
      expect(body.checks.database.ok).toBe(false);
      expect(body.checks.database.reason).toBeTruthy();
    } finally {
      await sub.close();
    }
  });

  it('counts requests, outcomes and field decisions in /metrics', async () => {
    const auth = { authorization: `Bearer ${await issueToken(TEST_JWT_SECRET, 'p-analyst')}` };
    // One registry per process (processMetrics): files run before this one in the worker may have
    // counted already, so the counts asserted are what these four requests added.
    const scrape = async () => (await fetch(platform.metricsUrl!)).text();
    const before = await scrape();
    for (let i = 0; i < 3; i++) await postGraphQL(platform.gatewayUrl, { query: DASHBOARD }, auth);
    await postGraphQL(platform.gatewayUrl, { query: '{ nope }' }, auth);
    const text = await scrape();
    const added = (series: RegExp) => sampleSum(text, series) - sampleSum(before, series);
    expect(text).toMatch(/koe_requests_total\{server="gateway",operation="Dashboard",outcome="ok"\} \d+/);
    expect(added(/koe_requests_total\{server="gateway",operation="Dashboard",outcome="ok"\}/)).toBe(3);
    // The gateway names the operations of its query plan after the client's: Dashboard__feedback__0.
    expect(text).toMatch(/koe_requests_total\{server="feedback",operation="Dashboard__feedback__\d+",outcome="ok"\} \d+/);
    expect(added(/koe_requests_total\{server="feedback",operation="Dashboard__feedback__\d+",outcome="ok"\}/)).toBe(3);
    expect(added(/koe_requests_total\{server="gateway",operation="anonymous",outcome="graphql_validation_failed"\}/)).toBe(1);
    expect(text).toMatch(/koe_request_duration_seconds_bucket\{le="0.1",server="gateway",outcome="ok"\}/);
    expect(text).toMatch(/koe_field_decisions_total\{role="analyst",field="Customer.name",decision="MASKED"\} \d+/);
    expect(text).toMatch(/koe_db_pool_connections\{state="used"\}/);
  });

  it('logs one line per request with the gateway request id and no personal data', async () => {
    lines.splice(0);
    const auth = { authorization: `Bearer ${await issueToken(TEST_JWT_SECRET, 'p-admin')}`, 'x-request-id': 'log-test-0001' };
    const res = await postGraphQL(platform.gatewayUrl, { query: LOOKUP, variables: { email: 'hanako@example.jp' } }, auth);
    expect(res.status).toBe(200);
    const mine = lines.filter((l) => l.requestId === 'log-test-0001');
    // customers answers the root field and, when the page has customers, the _entities fetch too.
    expect(new Set(mine.map((l) => l.server))).toEqual(new Set(['customers', 'feedback', 'gateway']));
    for (const l of mine) expect(l).toMatchObject({ msg: 'request', operation: expect.stringMatching(/^Lookup(__\w+)?$/), outcome: 'ok', status: 200 });
    const all = JSON.stringify(lines);
    expect(all).not.toContain('hanako');
    expect(all).not.toContain('Bearer');
    for (const e of (res.json.data as { feedbacks: { edges: Array<{ node: { body: string } }> } }).feedbacks.edges) expect(all).not.toContain(e.node.body);
  });
});
