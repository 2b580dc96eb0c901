/**
 * `koe start` in split mode (each server in processes of its own, node:cluster workers sharing a
 * port) with KOE_TLS_CERT/KOE_TLS_KEY: the same HTTPS as the single-process mode (test/e2e/https.test.ts).
 * Guards against: a worker that serves plain HTTP because the certificate never reached it, a
 * gateway that calls its subgraphs over http:// (or over https:// without trusting the certificate),
 * a port that hangs or answers data to a plain HTTP client, a console session cookie without Secure.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth/jwt.js';
import { CONSOLE_HEADER } from '../../src/server/console/serve-console.js';
import { HSTS } from '../../src/server/tls-front.js';
import { koeScratch, startKoeProcess, type KoeProcess, type KoeScratch } from '../support/koe-process.js';
import { trustingFetch } from '../support/koe.js';
import { certDir, type CertDir, type TestCert } from '../support/tls-cert.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DASHBOARD = '{ feedbacks(first: 2) { edges { node { id channel customer { id email } } } } }';

let certs: CertDir;
let cert: TestCert;
let scratch: KoeScratch;
let koe: KoeProcess;
let token: string;
let trusting: typeof fetch;

beforeAll(async () => {
  certs = certDir();
  cert = certs.selfSigned('koe');
  trusting = trustingFetch(cert.cert);
  scratch = await koeScratch();
  koe = await startKoeProcess(scratch, 600_000, { KOE_WORKERS: '2', KOE_TLS_CERT: cert.certPath, KOE_TLS_KEY: cert.keyPath }, { detached: true, serverProcesses: true });
  token = await issueToken(new TextEncoder().encode(scratch.env.KOE_JWT_SECRET!), 'p-admin');
}, 720_000);
afterAll(async () => {
  if (koe) await koe.stop();
  await scratch?.remove();
  certs?.remove();
}, 60_000);

const subgraphUrl = (name: string) => koe.lines.find((l) => new RegExp(`^\\s+${name}\\s+http`).test(l))!.trim().split(/\s+/)[1]!;
const post = (f: typeof fetch, url: string, query: string, auth = true) =>
  f(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(30_000),
  });

describe('koe start, split mode, over HTTPS (KOE_WORKERS=2, KOE_TLS_CERT/KOE_TLS_KEY)', () => {
  it('runs as server processes and prints https:// URLs for the gateway and every subgraph', () => {
    expect(koe.lines.join('\n')).toMatch(/8 server processes, 2 per server/);
    expect(koe.gatewayUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
    for (const name of ['customers', 'feedback', 'audit']) expect(subgraphUrl(name)).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
  });

  it('answers a trusting client through the gateway, which calls both subgraphs over HTTPS, on every worker', async () => {
    // Several requests: the primary hands connections round-robin, so both gateway workers answer.
    for (let i = 0; i < 4; i++) {
      const res = await post(trusting, koe.gatewayUrl, DASHBOARD);
      expect(res.status).toBe(200);
      expect(res.headers.get('strict-transport-security')).toBe(HSTS);
      const body = (await res.json()) as { data: { feedbacks: { edges: Array<{ node: { customer: { email: string | null } | null } }> } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data.feedbacks.edges).toHaveLength(2);
      expect(body.data.feedbacks.edges.some((e) => e.node.customer?.email?.includes('@'))).toBe(true);
    }
    const refused = await post(trusting, koe.gatewayUrl, DASHBOARD, false);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('strict-transport-security')).toBe(HSTS);
  }, 120_000);

  it('is refused by a client that does not trust the certificate', async () => {
    const failure = await post(fetch, koe.gatewayUrl, DASHBOARD).then(
      () => null,
      (e: unknown) => e as Error & { cause?: { code?: string } },
    );
    expect(failure?.cause?.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  });

  it('refuses plain HTTP with 400 and no data on the gateway port and on a subgraph port', async () => {
    for (const url of [koe.gatewayUrl, subgraphUrl('customers')]) {
      const res = await post(fetch, url.replace('https://', 'http://'), DASHBOARD);
      expect(res.status).toBe(400);
      const body = await res.text();
      expect(body).toContain('Koe serves HTTPS only on this port');
      expect(body).not.toContain('@');
    }
  });

  it('serves the console over HTTPS, its session cookie marked Secure', async () => {
    const page = await trusting(koe.gatewayUrl.replace('/graphql', '/console'));
    // 200 with the built console, 503 naming `npm run build:console` without it: HTTPS either way.
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('strict-transport-security')).toBe(HSTS);
    const signIn = await trusting(koe.gatewayUrl.replace('/graphql', '/console/session'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONSOLE_HEADER]: '1' },
      body: JSON.stringify({ credential: token }),
    });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('set-cookie')).toMatch(/; Secure/);
  }, 60_000);

  it('stops at once, before any database or worker starts, when the certificate does not name the listening address', async () => {
    const stranger = certs.selfSigned('stranger', { subjectAltName: 'DNS:koe.example' });
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', KOE_ADMIN_PORT: '0' };
    for (const [k, v] of Object.entries({ ...scratch.env, KOE_WORKERS: '2', KOE_TLS_CERT: stranger.certPath, KOE_TLS_KEY: stranger.keyPath })) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/koe.js'), 'start', '--no-seed'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (output += b.toString('utf8')));
    const t0 = performance.now();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).not.toBe(0);
    expect(output).toContain('KOE_TLS_CERT does not name 127.0.0.1');
    expect(output).toContain('DNS:koe.example');
    // Refused by the `koe start` process itself: no worker was forked to fail on it (and be retried).
    expect(output).not.toMatch(/failed to start|trying again|Migrations applied/);
    expect(performance.now() - t0).toBeLessThan(60_000);
  }, 90_000);
});
