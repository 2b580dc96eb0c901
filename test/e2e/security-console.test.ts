/**
 * The console's session as an attacker probes it, over plain HTTP against a real gateway (the
 * cookie flags, the CSRF header and idle timeout have their own tests in
 * test/server/console-session.test.ts):
 * - token type confusion: the session cookie is no bearer token, a bearer token is no session
 *   cookie, and a session past its 12-hour maximum is refused however recently it was used;
 * - no mutation over GET through the session (a link or an image could send one);
 * - every /console response, errors included, carries the CSP and no-framing headers;
 * - `/graphql` opened in a browser redirects to the console only, whatever the query string says.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrincipalEntity } from '../../src/data/entities/index.js';
import { sealSession, SESSION_MAX_SECONDS } from '../../src/server/console/console-session.js';
import { startTestKoe, TEST_JWT_SECRET, type TestKoe } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';

let koe: TestKoe;
let base: string;
beforeAll(async () => {
  koe = await startTestKoe();
  base = koe.platform.gatewayUrl.replace(/\/graphql$/, '');
}, 120_000);
afterAll(async () => koe?.stop());

const signIn = async (principal: string) => {
  const res = await fetch(`${base}/console/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-koe-console': '1' }, body: JSON.stringify({ credential: await koe.token(principal) }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
};
const me = (headers: Record<string, string>) =>
  fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ me { id } }' }) });

describe('session token type confusion', () => {
  it('the session cookie\'s value is refused as a bearer token, with or without the console header', async () => {
    const value = (await signIn('p-auditor')).slice('koe_console='.length);
    expect((await me({ authorization: `Bearer ${value}` })).status).toBe(401);
    expect((await me({ authorization: `Bearer ${value}`, 'x-koe-console': '1' })).status).toBe(401);
  });

  it('a bearer token is refused as the session cookie', async () => {
    const token = await koe.token('p-auditor');
    const res = await me({ cookie: `koe_console=${token}`, 'x-koe-console': '1' });
    expect(res.status).toBe(401);
  });

  it('a session past its 12-hour maximum is refused, even used a second ago', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = sealSession(TEST_JWT_SECRET, { sub: 'p-auditor', iat: now - SESSION_MAX_SECONDS - 1, seen: now - 1 });
    expect((await me({ cookie: `koe_console=${old}`, 'x-koe-console': '1' })).status).toBe(401);
    const young = sealSession(TEST_JWT_SECRET, { sub: 'p-auditor', iat: now - SESSION_MAX_SECONDS + 60, seen: now - 1 });
    expect((await me({ cookie: `koe_console=${young}`, 'x-koe-console': '1' })).status).toBe(200);
  });
});

describe('no state change over GET', () => {
  it('an admin\'s session does not disable a principal from a GET /graphql, and nothing changes', async () => {
    const target = await clonePrincipal(koe.orm, `p-sec-console-${randomUUID().slice(0, 8)}`, 'p-analyst');
    const cookie = await signIn('p-admin');
    const query = `mutation { disablePrincipal(principalId: "${target}") { id status } }`;
    const res = await fetch(`${base}/graphql?query=${encodeURIComponent(query)}`, { headers: { cookie, 'x-koe-console': '1', accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await res.text()).not.toContain('"disabled"');
    expect((await koe.orm.em.fork().findOneOrFail(PrincipalEntity, { id: target })).status).toBe('active');
  });
});

describe('headers on every console response', () => {
  it.each<[string, string, RequestInit]>([
    ['the page', '/console/', {}],
    ['a missing asset (404)', '/console/assets/missing-0123.js', {}],
    ['a POST to the page (405)', '/console/', { method: 'POST' }],
    ['the session without the console header (403)', '/console/session', {}],
    ['the session\'s options', '/console/session', { headers: { 'x-koe-console': '1' } }],
    ['SSO when not configured (404)', '/console/auth/sso', {}],
  ])('%s', async (_what, path, init) => {
    const res = await fetch(`${base}${path}`, { redirect: 'manual', ...init });
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self';.*frame-ancestors 'none'/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|\*|https?:)/);
    expect([res.headers.get('x-frame-options'), res.headers.get('x-content-type-options'), res.headers.get('referrer-policy')]).toEqual(['DENY', 'nosniff', 'no-referrer']);
  });
});

describe('no open redirect', () => {
  it.each([['/graphql'], ['/graphql?next=https://evil.example/'], ['/graphql?redirect=//evil.example&query=%7B__typename%7D']])('GET %s from a browser goes to the console\'s Explorer only', async (path) => {
    const res = await fetch(`${base}${path}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/#explorer');
  });
});
