/** The console's session at the gateway, over plain HTTP: cookie flags, CSRF header, idle timeout, forgery, audit. */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealSession, SESSION_IDLE_SECONDS } from '../../src/server/console/console-session.js';
import { postAs, startTestKoe, TEST_JWT_SECRET, type TestKoe } from '../support/koe.js';

describe('console session', () => {
  let koe: TestKoe;
  let base: string;
  beforeAll(async () => {
    koe = await startTestKoe();
    base = koe.platform.gatewayUrl.replace(/\/graphql$/, '');
  });
  afterAll(async () => koe?.stop());

  const signIn = (credential: string, header = true) =>
    fetch(`${base}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...(header ? { 'x-koe-console': '1' } : {}) }, body: JSON.stringify({ credential }) });
  const me = (cookie: string, header = true) =>
    fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, ...(header ? { 'x-koe-console': '1' } : {}) }, body: JSON.stringify({ query: '{ me { id } }' }) });

  it('signs in with a token: an HttpOnly, SameSite=Strict cookie that works only with the console header; audited', async () => {
    const res = await signIn(await koe.token('p-auditor'));
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^koe_console=[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=1800$/);
    const cookie = setCookie.split(';')[0]!;
    expect(((await (await me(cookie)).json()) as { data: { me: { id: string } } }).data.me.id).toBe('p-auditor');
    expect((await me(cookie, false)).status).toBe(401);
    const events = (await postAs(koe, 'p-auditor', '{ auditEvents(first: 5, filter: { action: "console.signIn", actorId: "p-auditor" }) { totalCount } }')) as { data: { auditEvents: { totalCount: number } } };
    expect(events.data.auditEvents.totalCount).toBeGreaterThan(0);
  });

  it('refuses a sign-in without the console header, and a bad credential (401)', async () => {
    expect((await signIn(await koe.token('p-auditor'), false)).status).toBe(403);
    const bad = await signIn('not-a-key');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
  });

  it('refuses an idle session and a forged one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const idle = sealSession(TEST_JWT_SECRET, { sub: 'p-admin', iat: now - SESSION_IDLE_SECONDS - 60, seen: now - SESSION_IDLE_SECONDS - 1 });
    expect((await me(`koe_console=${idle}`)).status).toBe(401);
    const fresh = sealSession(TEST_JWT_SECRET, { sub: 'p-auditor', iat: now, seen: now });
    expect((await me(`koe_console=${fresh}`)).status).toBe(200);
    const [, mac] = fresh.split('.');
    const forged = `${Buffer.from(JSON.stringify({ sub: 'p-admin', iat: now, seen: now })).toString('base64url')}.${mac}`;
    expect((await me(`koe_console=${forged}`)).status).toBe(401);
    const otherKey = sealSession(new TextEncoder().encode('another-secret-0123456789-0123456789'), { sub: 'p-admin', iat: now, seen: now });
    expect((await me(`koe_console=${otherKey}`)).status).toBe(401);
  });
});
