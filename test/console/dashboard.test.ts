/**
 * The web dashboard (examples/dashboard, as `npm run dashboard` serves it) in Debian's chromium against
 * a real Koe on a database of this file's own: a support agent sees their own team's customers'
 * contact details in the clear and every other team's masked, an analyst sees masked values only, the
 * numbers on screen are the ones feedbackStats gives that role, and nothing leaves 127.0.0.1.
 */
import { createServer, type AddressInfo } from 'node:net';
import { print } from 'graphql';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardInboxDocument, DashboardStatsDocument, type DashboardInboxQuery, type DashboardStatsQuery } from '../../examples/dashboard/generated/graphql.js';
import { periodStart } from '../../examples/dashboard/src/period.js';
import { hasChromium } from '../support/browser-env.js';
import { launchChromium, offLoopback, openConsole, seriousA11yViolations, type ConsolePage } from '../support/browser.js';
import { serveDashboard, type ServedDashboard } from '../support/dashboard.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { postAs } from '../support/koe.js';
import { seededScratchKoe, type SeededScratchKoe } from '../support/scratch-koe-db.js';

const SHOTS = new URL('../../docs/dashboard/', import.meta.url).pathname;
const WEEKS = 26; // the dashboard's default period

type Lang = 'ja' | 'en';
interface Opened extends ConsolePage {
  consoleErrors: string[];
  /** What the page POSTed to /graphql: a document's hash, or its text. */
  sent: Array<{ documentId?: string; query?: string }>;
}
interface Customer {
  id: string;
  email: string;
  teamId: string;
}

const nps = (n: number | null, lang: Lang) => (n === null ? '—' : new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: 1 }).format(n));

describe.skipIf(!hasChromium())('Koe dashboard in chromium', () => {
  let s: SeededScratchKoe;
  let served: ServedDashboard;
  let browser: Browser;
  const pages: Opened[] = [];
  const customers = new Map<string, Customer>();
  let analyst: Opened | undefined;

  /** The dashboard's own documents, asked by `principal` through the gateway: what the page must show. */
  const asRole = async <T,>(principal: string, doc: typeof DashboardStatsDocument | typeof DashboardInboxDocument, variables: Record<string, unknown>) =>
    (await postAs(s.koe, principal, print(doc), variables)).data as T;
  const period = () => ({ receivedAfter: periodStart(WEEKS) });

  const open = async (lang: Lang): Promise<Opened> => {
    const opened: Opened = { ...(await openConsole(browser, served.url, lang)), consoleErrors: [], sent: [] };
    opened.page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/graphql') opened.sent.push(JSON.parse(r.postData() ?? '{}') as Opened['sent'][number]);
    });
    opened.page.on('console', (m) => m.type() === 'error' && opened.consoleErrors.push(m.text()));
    opened.page.on('pageerror', (e) => opened.consoleErrors.push(e.message));
    pages.push(opened);
    return opened;
  };
  const signIn = async (page: Page, credential: string) => {
    await page.getByLabel(/Token or API key|トークンまたは API キー/).fill(credential);
    await page.getByRole('button', { name: /^(Sign in|サインイン)$/ }).click();
  };
  /** Charts, tables and inbox loaded; a section's error fails with the message it shows. */
  const settled = async (page: Page) => {
    const alert = page.getByRole('alert').first();
    await Promise.race([page.getByTestId('inbox-table').waitFor(), alert.waitFor().then(async () => expect.fail(`the page shows an error: ${await alert.textContent()}`))]);
    await page.getByTestId('weekly-table').waitFor();
    await page.getByRole('status').first().waitFor({ state: 'detached' });
  };
  /** Each inbox row: its feedback id, customer id and what the e-mail cell shows. */
  const inboxRows = (page: Page) =>
    page.$$eval('[data-testid=inbox-table] tbody tr', (trs) =>
      trs.map((tr) => ({ feedback: tr.getAttribute('data-feedback')!, customer: tr.getAttribute('data-customer')!, email: tr.querySelectorAll('td')[6]?.textContent ?? null })),
    );
  const npsOnScreen = (page: Page) =>
    page.$$eval('[data-testid=weekly-table] tbody tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-week')!, tr.querySelector('[data-testid=nps]')!.textContent!])));

  /** The weekly NPS the page shows equals the role's own feedbackStats, week for week, and some are not suppressed. */
  const expectStatsOf = async (page: Page, principal: string, lang: Lang) => {
    const stats = await asRole<DashboardStatsQuery>(principal, DashboardStatsDocument, { filter: period() });
    const expected = Object.fromEntries(stats.weekly.groups.map((g) => [g.key.period!, nps(g.nps, lang)]));
    expect(await npsOnScreen(page)).toEqual(expected);
    expect(stats.weekly.groups.filter((g) => g.nps !== null).length, 'weeks with an NPS to compare').toBeGreaterThan(WEEKS / 2);
    for (const g of stats.channels.groups) {
      const cell = page.locator(`[data-testid=channel-table] tr[data-channel=${g.key.channel}] td`);
      expect(await cell.textContent()).toBe(nps(g.count, lang));
    }
  };

  beforeAll(async () => {
    // Data up to now, so the default period (the last 26 weeks) has enough items per week to be counted.
    s = await seededScratchKoe({ customers: 120, feedback: 1600, now: new Date() });
    served = await serveDashboard(s.koe.platform.gatewayUrl);
    browser = await launchChromium();
    let after: string | null = null;
    do {
      const page = (await postAs(s.koe, 'p-admin', 'query($after: String) { customers(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id email teamId } } } }', { after }))
        .data as { customers: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: Array<{ node: Customer }> } };
      for (const { node } of page.customers.edges) customers.set(node.id, node);
      after = page.customers.pageInfo.hasNextPage ? page.customers.pageInfo.endCursor : null;
    } while (after);
    expect(customers.size).toBe(120);
  }, 240_000);

  afterAll(async () => {
    const requests = pages.flatMap((p) => p.requests);
    for (const p of pages) await p.close();
    await browser?.close();
    await served?.close();
    await s?.stop();
    expect(requests.length).toBeGreaterThan(0);
    expect(offLoopback(requests)).toEqual([]);
    expect(pages.flatMap((p) => p.cspViolations)).toEqual([]);
  });

  it('a support agent: own team’s customers’ e-mail in the clear, other teams’ masked, NPS as feedbackStats gives it', async () => {
    const opened = await open('en');
    const { page } = opened;
    await signIn(page, await s.koe.token('p-support-east'));
    await settled(page);
    const text = (await page.locator('body').textContent())!;
    const rows = await inboxRows(page);
    const api = await asRole<DashboardInboxQuery>('p-support-east', DashboardInboxDocument, { first: 20, ...period() });
    expect(rows.map((r) => r.feedback)).toEqual(api.feedbacks.edges.map((e) => e.node.id));
    const withCustomer = rows.filter((r) => r.customer);
    const own = withCustomer.filter((r) => customers.get(r.customer)!.teamId === 'team-east');
    const others = withCustomer.filter((r) => customers.get(r.customer)!.teamId !== 'team-east');
    expect(own.length, 'own-team rows in the inbox').toBeGreaterThan(0);
    expect(others.length, 'other teams’ rows in the inbox').toBeGreaterThan(0);
    for (const r of own) expect(r.email).toBe(customers.get(r.customer)!.email);
    for (const r of others) {
      const real = customers.get(r.customer)!.email;
      expect(text).not.toContain(real);
      expect(r.email).toBe(api.feedbacks.edges.find((e) => e.node.id === r.feedback)!.node.customer!.email);
      expect(r.email).not.toBe(real);
    }
    await expectStatsOf(page, 'p-support-east', 'en');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}dashboard-support-en.png`, fullPage: true });
    expect(opened.consoleErrors).toEqual([]);
    // Nothing is published on this Koe yet: each document is tried once by hash, then asked by text.
    const hashes = [DashboardStatsDocument, DashboardInboxDocument].map((d) => (d as unknown as { __meta__: { hash: string } }).__meta__.hash);
    expect(opened.sent.filter((b) => b.documentId).map((b) => b.documentId).sort()).toEqual([...hashes].sort());
    expect(opened.sent.filter((b) => b.query).length).toBeGreaterThanOrEqual(2);
  });

  it('once the manifest is published for the dashboard, the page sends hashes only, never operation text', async () => {
    const manifest = new URL('../../examples/dashboard/generated/persisted-documents.json', import.meta.url).pathname;
    const run = await runKoe(['documents', 'publish', manifest, '--client', 'dashboard'], koeCliEnv(s.db.url));
    expect(run.code, run.stderr).toBe(0);
    // The gateway caches a missing hash for KOE_TRUSTED_DOCUMENTS_TTL_MS (5 s): wait until it knows it.
    const hash = (DashboardStatsDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;
    const token = await s.koe.token('p-support-east');
    const byHash = async () => {
      const res = await fetch(s.koe.platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ documentId: hash, variables: { filter: period() } }) });
      return ((await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code ?? 'ok';
    };
    const deadline = Date.now() + 15_000;
    let answer = await byHash();
    while (answer === 'PERSISTED_QUERY_NOT_FOUND' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      answer = await byHash();
    }
    expect(answer).toBe('ok');
    const opened = await open('en');
    await signIn(opened.page, await s.koe.token('p-support-east'));
    await settled(opened.page);
    expect(opened.sent.length).toBeGreaterThanOrEqual(2);
    expect(opened.sent.filter((b) => b.query !== undefined || !b.documentId)).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
  });

  it('an analyst: masked contact details only, never a real e-mail; NPS as feedbackStats gives it (ja)', async () => {
    const opened = await open('ja');
    const { page } = opened;
    await signIn(page, await s.koe.token('p-analyst'));
    await settled(page);
    expect(await page.locator('h1').textContent()).toBe('Koe ダッシュボード');
    const rows = await inboxRows(page);
    const api = await asRole<DashboardInboxQuery>('p-analyst', DashboardInboxDocument, { first: 20, ...period() });
    const masked = api.feedbacks.edges.flatMap((e) => (e.node.customer?.email ? [e.node.customer.email] : []));
    expect(masked.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.customer).map((r) => r.email)).toEqual(masked);
    const text = (await page.locator('body').textContent())!;
    for (const c of customers.values()) expect(text).not.toContain(c.email);
    await expectStatsOf(page, 'p-analyst', 'ja');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}dashboard-analyst-ja.png`, fullPage: true });
    expect(opened.consoleErrors).toEqual([]);
    analyst = opened;
  });

  it('switches the analyst’s page to English in place, and remembers it', async () => {
    const { page, consoleErrors } = analyst!;
    await page.getByLabel('言語').selectOption('en');
    await page.getByRole('heading', { name: 'Negative feedback' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(await page.getByTestId('weekly-table').locator('th').first().textContent()).toBe('Week of');
    await page.screenshot({ path: `${SHOTS}dashboard-analyst-en.png`, fullPage: true });
    await page.reload();
    await page.getByRole('heading', { name: 'Negative feedback' }).waitFor();
    expect(consoleErrors).toEqual([]);
  });

  it('a gateway that does not answer: each section says Koe is unavailable, with a retry, and the session stays', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => probe.once('listening', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const down = await serveDashboard(`http://127.0.0.1:${port}/graphql`);
    try {
      const { page, context } = await open('en');
      await page.goto(down.url);
      await signIn(page, await s.koe.token('p-analyst'));
      const alerts = page.getByRole('alert');
      await alerts.nth(2).waitFor();
      for (const text of await alerts.allTextContents()) expect(text).toMatch(/^Koe is unavailable right now: .+Try again$/);
      expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(3);
      expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      await context.close();
    } finally {
      await down.close();
    }
  });

  it('a refused credential: back at sign-in with the gateway’s 401 message, and nothing kept', async () => {
    const { page } = await open('en');
    await signIn(page, 'not-a-token');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Koe did not accept the credential: .+/);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.screenshot({ path: `${SHOTS}dashboard-signin-en.png` });
  });
});
