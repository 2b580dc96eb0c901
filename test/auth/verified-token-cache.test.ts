/**
 * The verified-token cache (issue 16) saves the signature check and nothing else: a disabled
 * principal's cached token is refused on its next request, a tampered copy of a cached token and
 * an expired token are refused, an entry never outlives its token's `exp`, and a token verified
 * under one deployment's secret means nothing under another's. Against the run's real database,
 * through `authenticate()` as every server calls it.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, type AuthenticateOptions } from '../../src/auth/authenticate.js';
import { issueConsoleToken, issueToken } from '../../src/auth/jwt.js';
import { VerifiedTokenCache } from '../../src/auth/verified-token-cache.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { clonePrincipal } from '../support/principals.js';
import { runDatabaseUrl } from '../support/run-database.js';

const SECRET = new TextEncoder().encode('verified-token-cache-test-secret-0123456789');
const OTHER_SECRET = new TextEncoder().encode('another-deployment-secret-0123456789abcdef');

let orm: MikroORM;
beforeAll(async () => {
  orm = await openOrm({ url: runDatabaseUrl() });
}, 60_000);
afterAll(async () => orm?.close(true));

const as = (cache: VerifiedTokenCache, extra: Partial<AuthenticateOptions> = {}): AuthenticateOptions => ({ jwtSecret: SECRET, oidc: null, tokenCache: cache, ...extra });
const auth = (token: string, opts: AuthenticateOptions) => authenticate(`Bearer ${token}`, orm.em.fork(), opts);
const refused = (token: string, opts: AuthenticateOptions) => expect(auth(token, opts)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });

/** The token with one character of `part` (0 header, 1 payload, 2 signature) changed. */
function tampered(token: string, part: number): string {
  const parts = token.split('.');
  const p = parts[part]!;
  const i = Math.floor(p.length / 2);
  parts[part] = `${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}`;
  return parts.join('.');
}

describe(VerifiedTokenCache.name, () => {
  it('keeps a verified token, and still reads the principal: a disabled one is refused on its next request', async () => {
    const cache = new VerifiedTokenCache();
    const id = await clonePrincipal(orm, 'p-token-cache-leaver', 'p-analyst');
    const token = await issueToken(SECRET, id, 600);
    expect((await auth(token, as(cache))).id).toBe(id);
    expect(cache.size).toBe(1);
    expect((await auth(token, as(cache))).id).toBe(id);
    await orm.em.getConnection().execute(`update principal set status = 'disabled' where id = ?`, [id]);
    await refused(token, as(cache));
  });

  it('refuses a tampered copy of a cached token, signature or payload', async () => {
    const cache = new VerifiedTokenCache();
    const token = await issueToken(SECRET, 'p-analyst', 600);
    await auth(token, as(cache));
    for (const part of [0, 1, 2]) await refused(tampered(token, part), as(cache));
    // A payload naming someone else under the cached token's signature.
    const [header, , signature] = token.split('.');
    const admin = Buffer.from(JSON.stringify({ sub: 'p-admin', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    await refused(`${header}.${admin}.${signature}`, as(cache));
    expect(cache.size).toBe(1);
  });

  it('never caches an expired token, and an entry ends at its token\'s exp', async () => {
    const cache = new VerifiedTokenCache({ maxAgeMs: 3600_000 });
    const expired = await issueToken(SECRET, 'p-analyst', -60);
    await refused(expired, as(cache));
    expect(cache.size).toBe(0);
    const token = await issueToken(SECRET, 'p-analyst', 60);
    await auth(token, as(cache));
    expect(cache.size).toBe(1);
    // Past exp and the verifier's 5 s clock tolerance, well within the cache's maximum age.
    const afterExp = new Date(Date.now() + 70_000);
    await refused(token, as(cache, { now: afterExp }));
  });

  it('does not answer for another secret, nor keep console tokens (minted per request)', async () => {
    const cache = new VerifiedTokenCache();
    const token = await issueToken(SECRET, 'p-analyst', 600);
    await auth(token, as(cache));
    await refused(token, as(cache, { jwtSecret: OTHER_SECRET }));
    await auth(await issueConsoleToken(SECRET, 'p-analyst', 60, Date.now()), as(cache));
    expect(cache.size).toBe(1);
  });

  it('holds at most maxEntries, dropping the least recently used', () => {
    const cache = new VerifiedTokenCache({ maxEntries: 2 });
    const now = Date.now();
    const exp = Math.floor(now / 1000) + 600;
    cache.set('s', 'a', 'p-a', exp, now);
    cache.set('s', 'b', 'p-b', exp, now);
    expect(cache.get('s', 'a', now)).toBe('p-a');
    cache.set('s', 'c', 'p-c', exp, now);
    expect([cache.get('s', 'a', now), cache.get('s', 'b', now), cache.get('s', 'c', now)]).toEqual(['p-a', null, 'p-c']);
    expect(cache.get('t', 'a', now)).toBeNull();
  });
});
