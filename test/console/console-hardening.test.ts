/**
 * Console polish from review, in chromium against a real Koe in production mode (introspection
 * admin-only): a failed load offers "Try again" / 「再試行」 that loads again in place; the API-key
 * table's revoke column has a visible, named header (axe, every impact); date inputs carry the
 * page's language; and the Explorer of a signed-in analyst gets its schema without introspection,
 * cut to what the analyst may use.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissingMessage, hasChromium } from '../support/browser-env.js';
import { launchChromium, offLoopback, openConsole, signInWith, type ConsolePage } from '../support/browser.js';
import { startTestKoe, type TestKoe } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';

const SHOTS = new URL('../../docs/console/', import.meta.url).pathname;
const KEYHOLDER = 'p-hardening-keyholder';

if (!hasChromium()) console.warn(chromiumMissingMessage());

describe.skipIf(!hasChromium())('Koe Console hardening in chromium', () => {
  let koe: TestKoe;
  let browser: Browser;
  let consoleUrl: string;
  const pages: ConsolePage[] = [];
  const open = async (lang: 'ja' | 'en') => {
    const p = await openConsole(browser, consoleUrl, lang);
    pages.push(p);
    return p;
  };
  const nav = (page: Page) => page.getByRole('navigation').getByRole('button');

  beforeAll(async () => {
    koe = await startTestKoe(undefined, { limits: { production: true } });
    consoleUrl = koe.platform.gatewayUrl.replace(/\/graphql$/, '/console');
    await clonePrincipal(koe.orm, KEYHOLDER, 'p-analyst', ['analyst']);
    await (await koe.client('p-admin')).request(`mutation($p: ID!) { createApiKey(principalId: $p, name: "looker") { key } }`, { p: KEYHOLDER });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    const all = pages.flatMap((p) => p.requests);
    for (const p of pages) await p.close();
    await browser?.close();
    await koe?.stop();
    expect(pages.flatMap((p) => p.cspViolations)).toEqual([]);
    expect(offLoopback(all)).toEqual([]);
  });

  it.each([
    ['ja', '鍵とライフサイクル', '再試行', 'Koe から応答がありません（HTTP 503）'],
    ['en', 'Keys & lifecycle', 'Try again', 'Koe did not answer (HTTP 503)'],
  ] as const)('%s: a 503 says so with a retry button, which loads the screen again in place', async (lang, keys, retry, said) => {
    const { page } = await open(lang);
    await signInWith(page, await koe.token('p-admin'));
    // What a load balancer answers while no Koe instance is up: not GraphQL, no body to read.
    await page.route('**/graphql', (r) => r.fulfill({ status: 503, contentType: 'text/plain', body: 'Service Unavailable' }));
    await nav(page).getByText(keys).click();
    expect(await page.getByRole('alert').textContent()).toContain(said);
    await page.screenshot({ path: `${SHOTS}error-503-${lang}.png` });
    await page.unroute('**/graphql');
    await page.getByRole('button', { name: retry }).click();
    await page.getByTestId('kek-table').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it.each([['ja', '操作', 'アクセス権', `詳細: ${KEYHOLDER}`], ['en', 'Actions', 'Access', `Details: ${KEYHOLDER}`]] as const)(
    '%s: the API-key table names its revoke column, axe finds nothing at any impact; date inputs carry the language',
    async (lang, actions, access, details) => {
      const { page } = await open(lang);
      await signInWith(page, await koe.token('p-admin'));
      await nav(page).getByText(access, { exact: true }).click();
      await page.getByRole('button', { name: details }).click();
      const table = page.getByTestId('principal-panel').getByTestId('keys-table');
      await table.waitFor();
      const header = table.getByRole('columnheader', { name: actions });
      expect(await header.count()).toBe(1);
      // Shown, not only announced: the header's text sits inside its cell (an off-screen label did not).
      const [cell, text] = [await header.boundingBox(), await header.getByText(actions).boundingBox()];
      expect(text!.x).toBeGreaterThanOrEqual(cell!.x);
      const { AxeBuilder } = await import('@axe-core/playwright');
      const result = await new AxeBuilder({ page }).include('[data-testid=keys-table]').analyze();
      expect(result.violations.map((v) => `${v.id} (${v.impact})`)).toEqual([]);
      const expiry = page.getByTestId('principal-panel').locator('input[name=keyExpiresAt]');
      expect(await expiry.getAttribute('lang')).toBe(lang);
      await expiry.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `/tmp/koe-hardening-keys-${lang}.png` });
    },
  );

  it('an analyst in production: the Explorer has the analyst\'s schema without introspection', async () => {
    const { page, requests } = await open('en');
    const bodies: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql')) bodies.push(r.postData() ?? '');
    });
    await signInWith(page, await koe.token('p-analyst'));
    await nav(page).getByText('Explorer').click();
    const explorer = page.getByTestId('explorer');
    await explorer.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 60_000 });
    expect(requests.some((u) => u.endsWith('/console/schema'))).toBe(true);
    await explorer.getByRole('button', { name: /Show Documentation Explorer/ }).click();
    await explorer.getByText('Query', { exact: true }).first().click();
    await explorer.getByText('customers', { exact: true }).first().waitFor();
    expect(await explorer.getByText('auditEvents', { exact: true }).count()).toBe(0);
    expect(bodies.filter((b) => b.includes('__schema'))).toEqual([]);
    await page.screenshot({ path: '/tmp/koe-hardening-explorer-analyst.png' });
  });
});
