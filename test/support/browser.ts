/**
 * A chromium page on the console that keeps the evidence the tests assert on: every request URL
 * (none may leave 127.0.0.1) and every Content-Security-Policy violation the page reports.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM } from './browser-env.js';

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  requests: string[];
  cspViolations: string[];
  close(): Promise<void>;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export async function openConsole(browser: Browser, url: string, lang: 'ja' | 'en' = 'en'): Promise<ConsolePage> {
  const context = await browser.newContext({ locale: lang === 'ja' ? 'ja-JP' : 'en-US', viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const cspViolations: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  // Run by the browser before the page's own scripts (a string: this file is not compiled for the DOM).
  await context.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))",
  );
  await page.goto(url);
  return { context, page, requests, cspViolations, close: () => context.close() };
}

export async function signInWith(page: Page, credential: string): Promise<void> {
  await page.getByLabel(/Token or API key|トークンまたは API キー/).fill(credential);
  await page.getByRole('button', { name: /^(Sign in|サインイン)$/ }).click();
  await page.getByTestId('me-id').waitFor();
}

/** Serious and critical accessibility violations of the page as it is now. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
}

/** Requests whose host is not the loopback address. */
export const offLoopback = (urls: readonly string[]) => urls.filter((u) => !/^(data:|about:|blob:)/.test(u) && new URL(u).hostname !== '127.0.0.1');
