/**
 * Say what happened, to the right audience. Guards against: a statement timeout on a locked table
 * answered as "database unreachable" (the operator then looks at the network, not at the lock);
 * `/readyz` on a client port telling anyone `connect ECONNREFUSED 127.0.0.1:<port>` (a map of the
 * network). The database is reached through a TCP relay this file closes, so the refusal is a real
 * ECONNREFUSED on loopback.
 */
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth/jwt.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { startPlatform, type Platform } from '../../src/server/platform.js';
import { loadPolicy } from '../../src/server/policy.js';
import { testCrypto } from '../support/crypto.js';
import { POLICY_DIR, postGraphQL, TEST_JWT_SECRET, TEST_PSEUDONYM_KEY } from '../support/koe.js';
import { seededScratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const STATEMENT_TIMEOUT_MS = 1_000;
const FEEDBACK = '{ feedbacks(first: 3) { edges { node { id body } } } }';

/** A loopback TCP relay to PostgreSQL that can refuse connections (closed) and open again on the same port. */
class Relay {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}
  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => (client.destroy(), upstream.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }
}

let db: ScratchKoeDb;
let relay: Relay;
let orm: MikroORM;
let platform: Platform;
let auth: Record<string, string>;

beforeAll(async () => {
  db = await seededScratchKoeDb({ customers: 20, feedback: 40 });
  const url = new URL(db.url);
  relay = new Relay({ host: url.hostname, port: Number(url.port || 5432) });
  await relay.open();
  url.hostname = '127.0.0.1';
  url.port = String(relay.port);
  orm = await openOrm({ url: url.toString(), statementTimeoutMs: STATEMENT_TIMEOUT_MS, acquireTimeoutMs: 3_000 });
  platform = await startPlatform({
    orm,
    crypto: await testCrypto(orm),
    jwtSecret: TEST_JWT_SECRET,
    pseudonymKey: TEST_PSEUDONYM_KEY,
    policy: await loadPolicy(POLICY_DIR),
    ports: { gateway: 0, customers: 0, feedback: 0, audit: 0 },
    adminPort: 0,
  });
  auth = { authorization: `Bearer ${await issueToken(TEST_JWT_SECRET, 'p-admin')}` };
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await orm?.close(true);
  await relay?.close();
  await db?.drop();
});

describe('a statement timeout on a locked table', () => {
  it('answers 503 SERVICE_UNAVAILABLE saying the database timed out (reason DATABASE_TIMEOUT), with Retry-After, through the gateway and straight from the subgraph', async () => {
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('begin; lock table feedback in access exclusive mode');
      for (const url of [platform.gatewayUrl, platform.subgraphUrls.feedback]) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query: FEEDBACK }) });
        const body = (await res.json()) as { data?: unknown; errors: Array<{ message: string; extensions: Record<string, unknown> }> };
        expect(res.status, `${url}: ${JSON.stringify(body)}`).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        expect(body.data ?? null).toBeNull();
        expect(body.errors).toHaveLength(1);
        expect(body.errors[0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'DATABASE_TIMEOUT' });
        expect(body.errors[0]!.message).toMatch(/did not answer in time/);
        expect(body.errors[0]!.message).not.toMatch(/unreachable/);
      }
    } finally {
      await locker.query('rollback').catch(() => undefined);
      await locker.end();
    }
    expect((await postGraphQL(platform.gatewayUrl, { query: FEEDBACK }, auth)).status).toBe(200);
  }, 60_000);
});

describe('/readyz while PostgreSQL refuses connections', () => {
  it('tells a client port only which check failed, without address or driver text; the admin port has the detail', async () => {
    await relay.close();
    try {
      // The pool's idle connections were cut: the first query meets them, the next a refused connect.
      await postGraphQL(platform.gatewayUrl, { query: FEEDBACK }, auth);
      const down = await postGraphQL(platform.gatewayUrl, { query: FEEDBACK }, auth);
      expect(down.status).toBe(503);
      expect(down.json.errors![0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'DATABASE_UNREACHABLE' });

      for (const url of [platform.gatewayUrl, ...Object.values(platform.subgraphUrls)]) {
        const res = await fetch(url.replace('/graphql', '/readyz'));
        const text = await res.text();
        expect(res.status).toBe(503);
        expect(JSON.parse(text)).toMatchObject({ status: 'not ready', checks: { database: { ok: false, reason: 'database unreachable' } } });
        expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|localhost|\d+\.\d+\.\d+\.\d+/);
        expect(text).not.toContain(String(relay.port));
      }
      const admin = await fetch(platform.metricsUrl!.replace('/metrics', '/readyz'));
      const detail = (await admin.json()) as { checks: { database: { ok: boolean; detail?: string } } };
      expect(admin.status).toBe(503);
      expect(detail.checks.database.detail).toContain(`ECONNREFUSED 127.0.0.1:${relay.port}`);
    } finally {
      await relay.open();
    }
    const ready = await fetch(platform.gatewayUrl.replace('/graphql', '/readyz'));
    expect(ready.status).toBe(200);
  }, 60_000);
});
