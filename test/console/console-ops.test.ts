/**
 * The console's SSO sign-in, Explorer, Keys and lifecycle screen and the Overview's attention items,
 * in Debian's chromium against a real Koe and a real OpenID Connect provider (oidc-provider on
 * 127.0.0.1). Koe runs in OIDC mode throughout (KOE_JWKS_URL at the provider): development HS256
 * tokens are refused, so every sign-in here goes through SSO, and every console request proves the
 * session's own tokens still work in that mode.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { createRemoteJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, chromiumMissingMessage } from '../support/browser-env.js';
import { launchChromium, offLoopback, openConsole, seriousA11yViolations, type ConsolePage } from '../support/browser.js';
import { startTestKoe, type TestKoe } from '../support/koe.js';
import { reserveIdp, type TestIdp } from '../support/oidc-provider.js';
import { SsoRefusal, verifyIdToken } from '../../src/server/console/console-sso.js';

const SHOTS = new URL('../../docs/console/', import.meta.url).pathname;
const CLIENT_ID = 'koe-console';
const CLIENT_SECRET = 'koe-console-test-client-secret';
const OTHER_APP = { client_id: 'other-app', client_secret: 'other-app-secret', redirect_uris: ['http://127.0.0.1:9/cb'] };
const ENV = ['KOE_OIDC_ISSUER', 'KOE_OIDC_CLIENT_ID', 'KOE_OIDC_CLIENT_SECRET', 'KOE_JWKS_URL', 'KOE_JWT_ISSUER', 'KOE_JWT_AUDIENCE'];

if (!hasChromium()) console.warn(chromiumMissingMessage());

type GqlBody = { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: string } }> };

/**
 * The Explorer's serious and critical violations, GraphiQL's editor tab excepted: GraphiQL renders
 * a tab (role=tab) holding its own close button (nested-interactive), which the console cannot
 * change short of forking GraphiQL; both are reachable by keyboard. Everything else is scanned.
 */
async function explorerA11y(page: Page): Promise<string[]> {
  const { AxeBuilder } = await import('@axe-core/playwright');
  const result = await new AxeBuilder({ page }).exclude('.graphiql-tab').analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 200)}`).join(' | ')}`);
}

function gqlFromPage(page: Page, query: string): Promise<GqlBody> {
  return page.evaluate(async (q) => {
    const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-koe-console': '1' }, body: JSON.stringify({ query: q }) });
    return res.json();
  }, query) as Promise<GqlBody>;
}

describe.skipIf(!hasChromium())('Koe Console operations in chromium, signed in through a real OIDC provider', () => {
  let koe: TestKoe;
  let idp: TestIdp;
  let browser: Browser;
  let consoleUrl: string;
  let callbackUrl: string;
  const pages: ConsolePage[] = [];

  const open = async (lang: 'ja' | 'en' = 'en') => {
    const p = await openConsole(browser, consoleUrl, lang);
    // The provider's development pages import a web font; nothing may leave 127.0.0.1, so it is refused here.
    await p.context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
    pages.push(p);
    return p;
  };
  const nav = (page: Page) => page.getByRole('navigation').getByRole('button');

  /** Through the provider's own login and consent pages, as a person would. */
  async function ssoSignIn(page: Page, principal: string): Promise<void> {
    await page.getByRole('link', { name: /Sign in with SSO|SSO でサインイン/ }).click();
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.locator('input[name=login]').fill(principal);
    await page.locator('input[name=password]').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    const consent = page.getByRole('button', { name: 'Continue' });
    await Promise.race([consent.waitFor().then(() => consent.click()), page.waitForURL((u) => u.href.startsWith(consoleUrl))]);
    await page.waitForURL((u) => u.href.startsWith(consoleUrl));
    await page.getByTestId('me-id').waitFor();
  }

  /**
   * A sign-in begun outside the browser (its flow cookie kept here), finished by a person in the
   * browser at the provider: the browser's callback lacks the flow cookie, so Koe refuses it on the
   * state before touching the code, and the code is left for this test to present.
   */
  async function codeForFlowKeptHere(p: ConsolePage, principal: string): Promise<{ url: URL; flowCookie: string }> {
    const start = await fetch(`${consoleUrl}/auth/sso`, { redirect: 'manual' });
    expect(start.status).toBe(303);
    const flow = start.headers.getSetCookie().find((c) => c.startsWith('koe_console_sso='))!;
    expect(flow).toMatch(/HttpOnly; SameSite=Lax/);
    let hit: URL | null = null;
    p.page.on('request', (r) => {
      if (r.url().startsWith(callbackUrl)) hit = new URL(r.url());
    });
    await p.page.goto(start.headers.get('location')!);
    await p.page.locator('input[name=login]').fill(principal);
    await p.page.locator('input[name=password]').fill('any');
    await p.page.getByRole('button', { name: 'Sign-in' }).click();
    const consent = p.page.getByRole('button', { name: 'Continue' });
    await consent.waitFor({ timeout: 10_000 }).then(() => consent.click()).catch(() => {});
    await p.page.waitForURL((u) => u.href.startsWith(consoleUrl));
    expect(hit).not.toBeNull();
    return { url: hit!, flowCookie: flow.split(';')[0]! };
  }

  const callback = (url: URL, cookie: string) => fetch(url, { redirect: 'manual', headers: { cookie } });
  const sessionCookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('koe_console=') && !c.startsWith('koe_console=;'));

  beforeAll(async () => {
    idp = await reserveIdp();
    Object.assign(process.env, {
      KOE_OIDC_ISSUER: idp.issuer, KOE_OIDC_CLIENT_ID: CLIENT_ID, KOE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      // OIDC mode for bearer tokens too: the provider's keys, our audience; HS256 development tokens refused.
      KOE_JWKS_URL: `${idp.issuer}/jwks`, KOE_JWT_ISSUER: idp.issuer, KOE_JWT_AUDIENCE: 'koe-api',
    });
    koe = await startTestKoe();
    for (const name of ENV) delete process.env[name];
    consoleUrl = koe.platform.gatewayUrl.replace(/\/graphql$/, '/console');
    callbackUrl = `${consoleUrl}/auth/callback`;
    await idp.serve([{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [callbackUrl] }, OTHER_APP]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    const all = pages.flatMap((p) => p.requests);
    for (const p of pages) await p.close();
    await browser?.close();
    await koe?.stop();
    await idp?.close();
    expect(pages.flatMap((p) => p.cspViolations)).toEqual([]);
    // The provider's font import was refused in the browser; nothing else left 127.0.0.1.
    expect(offLoopback(all).filter((u) => !u.startsWith('https://fonts.googleapis.com/'))).toEqual([]);
  });

  it('the development token is refused in OIDC mode, and the sign-in screen offers SSO', async () => {
    const { page } = await open('en');
    await page.getByLabel('Token or API key').fill(await koe.token('p-admin'));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    await page.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
  });

  it('signs in with SSO through the provider (code flow, PKCE S256, state, nonce) as the mapped principal, audited', async () => {
    const p = await open('en');
    const authorize: string[] = [];
    p.page.on('request', (r) => {
      if (r.url().startsWith(`${idp.issuer}/auth?`)) authorize.push(r.url());
    });
    await ssoSignIn(p.page, 'p-dpo');
    expect(await p.page.getByTestId('me-id').textContent()).toBe('p-dpo');
    const q = new URL(authorize[0]!).searchParams;
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(q.get('state')).toMatch(/^[\w-]{32}$/);
    expect(q.get('nonce')).toMatch(/^[\w-]{32}$/);
    // The session cookie is the token sign-in's: HttpOnly, SameSite=Strict; the flow cookie is gone.
    const cookies = await p.context.cookies(consoleUrl);
    expect(cookies.find((c) => c.name === 'koe_console')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect((await p.context.cookies(callbackUrl)).find((c) => c.name === 'koe_console_sso')).toBeUndefined();
    // Its console requests work in OIDC mode, and the sign-in is in the audit trail.
    const events = await gqlFromPage(p.page, '{ auditEvents(first: 5, filter: { action: "console.signIn", actorId: "p-dpo" }) { edges { node { outcome subgraph } } } }');
    const edges = (events.data as { auditEvents: { edges: Array<{ node: { outcome: string; subgraph: string } }> } }).auditEvents.edges;
    expect(edges[0]?.node).toEqual({ outcome: 'ok', subgraph: 'gateway' });
  });

  it('refuses a callback with the wrong state, honours the right one once, and refuses the replayed code', async () => {
    const p = await open('en');
    const { url, flowCookie } = await codeForFlowKeptHere(p, 'p-auditor');
    // The browser without the flow cookie was refused and told why, in words.
    await p.page.getByRole('alert').filter({ hasText: 'was not begun in this browser' }).waitFor();
    expect((await p.context.cookies(consoleUrl)).find((c) => c.name === 'koe_console')).toBeUndefined();
    const forged = new URL(url);
    forged.searchParams.set('state', randomBytes(24).toString('base64url'));
    const wrongState = await callback(forged, flowCookie);
    expect(wrongState.status).toBe(303);
    expect(wrongState.headers.get('location')).toBe('/console/?sso=state');
    expect(sessionCookieOf(wrongState)).toBeUndefined();
    // Without the browser's flow cookie (another browser holding the link) the state is refused too.
    expect((await callback(url, '')).headers.get('location')).toBe('/console/?sso=state');

    const genuine = await callback(url, flowCookie);
    expect(genuine.headers.get('location')).toBe('/console/');
    expect(sessionCookieOf(genuine)).toBeDefined();

    const replay = await callback(url, flowCookie);
    expect(replay.headers.get('location')).toBe('/console/?sso=exchange');
    expect(sessionCookieOf(replay)).toBeUndefined();
  });

  it('refuses an ID token the provider issued for another application (audience), and one for another sign-in (nonce)', async () => {
    const p = await open('en');
    const verifier = randomBytes(32).toString('base64url');
    const auth = new URL(`${idp.issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: OTHER_APP.client_id, redirect_uri: OTHER_APP.redirect_uris[0]!, response_type: 'code', scope: 'openid', state: 's', nonce: 'n-other',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    }).toString();
    let code: string | null = null;
    await p.page.route('http://127.0.0.1:9/**', (route) => {
      code = new URL(route.request().url()).searchParams.get('code');
      return route.fulfill({ status: 204, body: '' });
    });
    await p.page.goto(auth.toString());
    await p.page.locator('input[name=login]').fill('p-admin');
    await p.page.locator('input[name=password]').fill('any');
    await p.page.getByRole('button', { name: 'Sign-in' }).click();
    const consent = p.page.getByRole('button', { name: 'Continue' });
    await consent.waitFor({ timeout: 10_000 }).then(() => consent.click()).catch(() => {});
    await expect.poll(() => code, { timeout: 10_000 }).not.toBeNull();
    const res = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${OTHER_APP.client_id}:${OTHER_APP.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: OTHER_APP.redirect_uris[0]!, code_verifier: verifier }),
    });
    const { id_token: idToken } = (await res.json()) as { id_token: string };
    const keys = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
    // Genuine, for its own audience and nonce.
    expect(await verifyIdToken(idToken, keys, { issuer: idp.issuer, clientId: OTHER_APP.client_id, nonce: 'n-other' })).toBe('p-admin');
    // Koe's check: our client id as audience.
    const aud = await verifyIdToken(idToken, keys, { issuer: idp.issuer, clientId: CLIENT_ID, nonce: 'n-other' }).catch((e: unknown) => e);
    expect(aud).toBeInstanceOf(SsoRefusal);
    expect((aud as SsoRefusal).message).toBe('ID token aud claim rejected');
    const nonce = await verifyIdToken(idToken, keys, { issuer: idp.issuer, clientId: OTHER_APP.client_id, nonce: 'n-mine' }).catch((e: unknown) => e);
    expect((nonce as SsoRefusal).message).toBe('the nonce does not match this sign-in');
  });

  it('admin: the Keys screen lists the KEK versions, the lifecycle dry run and the audit retention; overview attention links to the screens', async () => {
    const { page } = await open('en');
    await ssoSignIn(page, 'p-admin');
    expect(await nav(page).allTextContents()).toEqual(expect.arrayContaining(['Keys & lifecycle', 'Explorer']));
    const attention = page.getByTestId('attention');
    await attention.getByRole('list').waitFor();
    const review = attention.locator('[data-attention=review]');
    await review.waitFor();
    await review.getByRole('link').click();
    await page.locator('#access-h').waitFor();

    await nav(page).getByText('Keys & lifecycle').click();
    const kek = page.getByTestId('kek-table');
    await kek.waitFor();
    expect(await kek.getByRole('rowheader').count()).toBeGreaterThanOrEqual(1);
    await page.getByTestId('rotation').waitFor();
    expect(await page.getByTestId('lifecycle-table').getByRole('rowheader').allTextContents()).toEqual(expect.arrayContaining(['feedback', 'purchases', 'contactDetails']));
    expect(await page.getByTestId('retention-table').getByRole('rowheader').allTextContents()).toEqual(expect.arrayContaining(['default', 'mutation']));
  });

  it('analyst: no Keys screen, no attention probes for what it may not read, a forced keyStatus is FORBIDDEN; the Explorer shows masked values', async () => {
    const { page } = await open('en');
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql')) sent.push(r.postData() ?? '');
    });
    await ssoSignIn(page, 'p-analyst');
    expect(await nav(page).allTextContents()).toEqual(['Overview', 'Explorer']);
    await page.getByTestId('attention').getByText('Nothing needs attention').waitFor();
    expect(sent.filter((b) => /keyStatus|lifecycleDryRun|auditEvents|principals|grantRequests/.test(b))).toEqual([]);
    expect((await gqlFromPage(page, '{ keyStatus { active } }')).errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await gqlFromPage(page, '{ lifecycleDryRun { asOf } }')).errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);

    // GraphiQL opens with the query it kept from last time (its own storage), as a returning user's would.
    // (A string: this file is not compiled for the DOM.)
    await page.evaluate("localStorage.removeItem('graphiql:tabState'); localStorage.setItem('graphiql:query', '{ customers(first: 3) { edges { node { email phone } } } }')");
    // The schema is the analyst's own SDL (/console/schema), not introspection (test/console/console-hardening.test.ts).
    const schema = page.waitForResponse((r) => r.url().endsWith('/console/schema'));
    await nav(page).getByText('Explorer').click();
    expect((await schema).status()).toBe(200);
    const explorer = page.getByTestId('explorer');
    await explorer.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 30_000 });
    const answer = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('customers(first: 3)'));
    await explorer.getByRole('button', { name: /Execute query/ }).click();
    const body = (await (await answer).json()) as { data: { customers: { edges: Array<{ node: { email: string } }> } } };
    const emails = body.data.customers.edges.map((e) => e.node.email);
    expect(emails.length).toBe(3);
    for (const email of emails) expect(email).toContain('*');
    await expect.poll(async () => explorer.locator('.graphiql-response').textContent(), { timeout: 15_000 }).toContain(emails[0]!);
  });

  it('GET /graphql from a browser lands on the Explorer, not on a page that loads from the internet', async () => {
    const p = await open('en');
    await p.page.goto(koe.platform.gatewayUrl);
    expect(p.page.url()).toBe(`${consoleUrl}/#explorer`);
    // A GraphQL client's GET is still GraphQL.
    const res = await fetch(`${koe.platform.gatewayUrl}?query=%7B__typename%7D`, { headers: { accept: 'application/json' } });
    expect(res.status).not.toBe(303);
  });

  it('a Koe that does not answer (503 from the proxy in front) is said so in Japanese, and the screen works on the next try', async () => {
    const { page } = await open('ja');
    await ssoSignIn(page, 'p-admin');
    await page.getByTestId('attention').getByRole('list').waitFor();
    // What a load balancer answers while no Koe instance is up: not GraphQL, no body to read.
    await page.route('**/graphql', (r) => r.fulfill({ status: 503, contentType: 'text/plain', body: 'Service Unavailable' }));
    await nav(page).getByText('鍵とライフサイクル').click();
    expect(await page.getByRole('alert').textContent()).toContain('Koe から応答がありません（HTTP 503）');
    await page.screenshot({ path: `${SHOTS}error-503-ja.png` });
    await page.unroute('**/graphql');
    await nav(page).getByText('概要').click();
    await nav(page).getByText('鍵とライフサイクル').click();
    await page.getByTestId('kek-table').waitFor();
  });

  it('each new screen in ja and en: no serious or critical accessibility violation, screenshots in docs/console', async () => {
    for (const lang of ['ja', 'en'] as const) {
      const { page, cspViolations } = await open(lang);
      await page.getByRole('link', { name: /Sign in with SSO|SSO でサインイン/ }).waitFor();
      await page.screenshot({ path: `${SHOTS}signin-sso-${lang}.png` });
      await ssoSignIn(page, 'p-admin');
      await page.getByTestId('attention').getByRole('list').waitFor();
      expect(await seriousA11yViolations(page), `overview ${lang}`).toEqual([]);
      await page.screenshot({ path: `${SHOTS}overview-attention-${lang}.png` });
      await nav(page).getByText(lang === 'ja' ? '鍵とライフサイクル' : 'Keys & lifecycle').click();
      await page.getByTestId('kek-table').waitFor();
      expect(await seriousA11yViolations(page), `keys ${lang}`).toEqual([]);
      await page.screenshot({ path: `${SHOTS}keys-${lang}.png`, fullPage: true });
      await nav(page).getByText(lang === 'ja' ? 'エクスプローラー' : 'Explorer').click();
      await page.getByTestId('explorer').locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 30_000 });
      await page.getByTestId('explorer').getByRole('button', { name: /Execute query/ }).click();
      await expect.poll(async () => page.getByTestId('explorer').locator('.graphiql-response').textContent(), { timeout: 15_000 }).toContain('p-admin');
      expect(await explorerA11y(page), `explorer ${lang}`).toEqual([]);
      await page.screenshot({ path: `${SHOTS}explorer-${lang}.png` });
      expect(cspViolations).toEqual([]);
    }
  }, 240_000);
});
