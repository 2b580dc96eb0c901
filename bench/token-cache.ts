/**
 * What the verified-token cache (issue 16, src/auth/verified-token-cache.ts) saves per request:
 * `authenticate()` as every server calls it (signature check + the principal read from PostgreSQL),
 * cache off and on side by side, in alternating rounds, for HS256 development tokens and for RS256
 * tokens from a JWKS (OIDC mode); then the token check alone, without the database. CPU time per
 * call (this process: user + system) is the figure to compare on a shared machine; calls/s is wall.
 *
 *   npm run bench -- token-cache [--calls 500] [--rounds 4] [--checks 5000]
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { authenticate, type AuthenticateOptions } from '../src/auth/authenticate.js';
import { issueToken, verifyBearer } from '../src/auth/jwt.js';
import { VerifiedTokenCache } from '../src/auth/verified-token-cache.js';
import { openBenchDb } from './support/bench-db.js';
import { BENCH_JWT_SECRET as secret } from './support/platform.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const calls = Number(args.get('calls') ?? 500);
const rounds = Number(args.get('rounds') ?? 4);
const checks = Number(args.get('checks') ?? 5000);

interface Mode {
  name: string;
  token: string;
  opts: Omit<AuthenticateOptions, 'tokenCache'>;
}

async function rs256Mode(): Promise<{ mode: Mode; close: () => void }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'bench' }).setIssuer(issuer).setAudience('koe-api').setSubject('p-analyst').setIssuedAt().setExpirationTime('1h').sign(privateKey);
  const oidc = { jwksUrl: `${issuer}/jwks`, issuer, audience: 'koe-api' };
  return { mode: { name: 'RS256 (JWKS)', token, opts: { jwtSecret: secret, oidc } }, close: () => server.close() };
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function measure(n: number, run: () => Promise<unknown>): Promise<{ cpuUs: number; perSecond: number }> {
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await run();
  const ms = performance.now() - t0;
  return { cpuUs: (cpuMicros() - cpu0) / n, perSecond: (n / ms) * 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const log = (l: string) => console.error(l);
  const db = await openBenchDb({ customers: 10, feedback: 10 }, log);
  const rs = await rs256Mode();
  const modes: Mode[] = [{ name: 'HS256', token: await issueToken(secret, 'p-analyst', 3600), opts: { jwtSecret: secret, oidc: null } }, rs.mode];
  try {
    console.log(`authenticate() per call, ${calls} calls x ${rounds} rounds each, medians (load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    console.log('token         cache   CPU µs/call   calls/s   CPU ratio off/on');
    for (const mode of modes) {
      const cache = new VerifiedTokenCache();
      const off = { ...mode.opts, tokenCache: null };
      const on = { ...mode.opts, tokenCache: cache };
      const run = (opts: AuthenticateOptions) => () => authenticate(`Bearer ${mode.token}`, db.orm.em.fork(), opts);
      await measure(50, run(off)); // warm-up: JIT, pool, JWKS fetched
      await measure(50, run(on));
      const res = { off: [] as Array<{ cpuUs: number; perSecond: number }>, on: [] as Array<{ cpuUs: number; perSecond: number }> };
      for (let r = 0; r < rounds; r++) {
        res.off.push(await measure(calls, run(off)));
        res.on.push(await measure(calls, run(on)));
      }
      const cpuOff = median(res.off.map((x) => x.cpuUs));
      const cpuOn = median(res.on.map((x) => x.cpuUs));
      console.log(`${mode.name.padEnd(13)} off     ${cpuOff.toFixed(0).padStart(11)}   ${median(res.off.map((x) => x.perSecond)).toFixed(0).padStart(7)}`);
      console.log(`${mode.name.padEnd(13)} on      ${cpuOn.toFixed(0).padStart(11)}   ${median(res.on.map((x) => x.perSecond)).toFixed(0).padStart(7)}   ${(cpuOff / cpuOn).toFixed(2)}`);
    }
    console.log(`\ntoken check alone (verifyBearer), ${checks} checks, CPU µs/check`);
    for (const mode of modes) {
      const keys = { secret, oidc: mode.opts.oidc };
      const cache = new VerifiedTokenCache();
      const off = await measure(checks, () => verifyBearer(mode.token, keys));
      const on = await measure(checks, () => verifyBearer(mode.token, keys, Date.now(), cache));
      console.log(`${mode.name.padEnd(13)} off ${off.cpuUs.toFixed(1).padStart(7)}   on ${on.cpuUs.toFixed(1).padStart(6)}   ratio ${(off.cpuUs / on.cpuUs).toFixed(1)}`);
    }
  } finally {
    rs.close();
    await db.close();
  }
}

await main();
