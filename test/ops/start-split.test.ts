/**
 * `koe start` as separate services: each server in processes of its own (KOE_WORKERS per server,
 * sharing its port), a server started alone with `--only`, and Ctrl-C stopping every process.
 * Guards against: a worker left running after the primary stopped (an orphan holding a port and
 * database connections), a standalone server that needs the others to start or answer, a gateway
 * that cannot be pointed at subgraphs elsewhere, metrics that only show the primary's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth/jwt.js';
import { groupProcesses, interruptGroup, koeScratch, startKoeProcess, type KoeProcess, type KoeScratch } from '../support/koe-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const QUERY = '{ customers(first: 2) { edges { node { id segment } } } }';
const DASHBOARD = '{ feedbacks(first: 2) { edges { node { id channel customer { id segment } } } } }';

let scratch: KoeScratch;
let koe: KoeProcess;
let token: string;

beforeAll(async () => {
  scratch = await koeScratch();
  koe = await startKoeProcess(scratch, 600_000, { KOE_WORKERS: '2' }, { detached: true, serverProcesses: true });
  token = await issueToken(new TextEncoder().encode(scratch.env.KOE_JWT_SECRET!), 'p-admin');
}, 720_000);
afterAll(async () => {
  if (koe && koe.child.exitCode === null) process.kill(-koe.pid, 'SIGKILL');
  await scratch?.remove();
}, 60_000);

async function post(url: string, query: string, auth = true): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** `koe start --only <server>` in a child process, resolved with its URL once it prints it. */
async function startOnly(server: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null>; lines: string[] }> {
  const full: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries({ ...scratch.env, KOE_ADMIN_PORT: undefined, ...env })) {
    if (v === undefined) delete full[k];
    else full[k] = v;
  }
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/koe.js'), 'start', '--only', server], { cwd: ROOT, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`--only ${server} printed no URL:\n${lines.join('\n')}`)), 240_000);
    const onData = (b: Buffer) => {
      for (const line of b.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(line);
        const m = new RegExp(`^\\s+${server}\\s+(http\\S+)`).exec(line);
        if (m) (clearTimeout(timer), resolve(m[1]!));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`--only ${server} exited (${code}):\n${lines.join('\n')}`))));
  });
  return { child, url, exited, lines };
}

const subgraphUrl = (name: string) => koe.lines.find((l) => new RegExp(`^\\s+${name}\\s+http`).test(l))!.trim().split(/\s+/)[1]!;

describe('koe start with separate server processes (KOE_WORKERS=2)', () => {
  it('runs two processes per server and serves through the gateway, metrics summed over them', async () => {
    const group = await groupProcesses(koe.pid);
    for (const server of ['gateway', 'customers', 'feedback', 'audit']) {
      expect(group.filter((l) => l.includes(`start --only ${server}`)), group.join('\n')).toHaveLength(2);
    }
    expect(koe.lines.join('\n')).toMatch(/8 server processes, 2 per server/);
    const ok = await post(koe.gatewayUrl, DASHBOARD);
    expect(ok.status).toBe(200);
    expect((ok.body.data as { feedbacks: { edges: unknown[] } }).feedbacks.edges).toHaveLength(2);
    // Denials hold in every process: no credentials, 401 from the gateway and from a subgraph alike.
    expect((await post(koe.gatewayUrl, DASHBOARD, false)).status).toBe(401);
    expect((await post(subgraphUrl('customers'), QUERY, false)).status).toBe(401);
    const metrics = await (await fetch(`${koe.adminUrl}/metrics`)).text();
    for (const server of ['gateway', 'customers', 'feedback']) expect(metrics).toMatch(new RegExp(`koe_requests_total\\{server="${server}",[^}]*outcome="ok"\\} [1-9]`));
  }, 120_000);

  it('serves a subgraph alone (--only customers) and a gateway alone in front of subgraphs elsewhere (--only gateway)', async () => {
    const customers = await startOnly('customers', { KOE_CUSTOMERS_PORT: '0' });
    const gateway = await startOnly('gateway', { PORT: '0', KOE_CUSTOMERS_URL: customers.url, KOE_FEEDBACK_URL: subgraphUrl('feedback'), KOE_AUDIT_URL: subgraphUrl('audit') });
    try {
      const ready = await fetch(customers.url.replace(/\/graphql$/, '/readyz'));
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
      const own = await post(customers.url, QUERY);
      expect(own.status).toBe(200);
      expect((own.body.data as { customers: { edges: unknown[] } }).customers.edges).toHaveLength(2);
      expect((await post(customers.url, QUERY, false)).status).toBe(401);
      expect((await fetch(gateway.url.replace(/\/graphql$/, '/readyz'))).status).toBe(200);
      const through = await post(gateway.url, DASHBOARD);
      expect(through.status).toBe(200);
      expect((through.body.data as { feedbacks: { edges: unknown[] } }).feedbacks.edges).toHaveLength(2);
    } finally {
      customers.child.kill('SIGTERM');
      gateway.child.kill('SIGTERM');
      expect(await customers.exited).toBe(0);
      expect(await gateway.exited).toBe(0);
    }
  }, 420_000);

  it('stops every process of the group on Ctrl-C (SIGINT to the group), leaving none behind', async () => {
    const before = await groupProcesses(koe.pid);
    expect(before.length).toBeGreaterThanOrEqual(9); // the primary, 8 workers, PostgreSQL's processes
    const { code, left } = await interruptGroup(koe);
    expect(code).toBe(0);
    expect(left, left.join('\n')).toEqual([]);
    expect(koe.lines.join('\n')).toMatch(/Stopped\./);
  }, 120_000);
});
