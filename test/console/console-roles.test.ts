/**
 * The console's Access, Audit and Data subjects screens in Debian's chromium against a real Koe on
 * a database of this file's own (the periodic review decides on every flagged principal, and the
 * DPO erases a customer): each role does its work through the screens, the API is asked afterwards
 * (graphql-request, the principal's own token) whether it took effect, and what a role may not do
 * is neither offered nor possible when forced from its own session.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../support/browser-env.js';
import { launchChromium, offLoopback, openConsole, seriousA11yViolations, signInWith, type ConsolePage } from '../support/browser.js';
import { postAs } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';
import { seededScratchKoe, type SeededScratchKoe } from '../support/scratch-koe-db.js';

const SHOTS = new URL('../../docs/console/', import.meta.url).pathname;
const GRANTEE = 'p-roles-grantee';
const REVIEWED = 'p-roles-reviewed';
const SECOND_ADMIN_TARGET = 'p-roles-leaver';
const KEYHOLDER = 'p-roles-keyholder';

type Answer = { status: number; body: { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: string } }> } };

/** A GraphQL request from inside the page, as the console's own script sends it (cookie + header). */
function gqlFromPage(page: Page, query: string, variables: Record<string, unknown> = {}, purpose?: string): Promise<Answer> {
  return page.evaluate(
    async ([q, v, p]) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-koe-console': '1' };
      if (p) headers['x-koe-purpose'] = p;
      const res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: q, variables: v }) });
      return { status: res.status, body: await res.json() };
    },
    [query, variables, purpose ?? ''] as const,
  ) as Promise<Answer>;
}
const codes = (a: Answer) => (a.body.errors ?? []).map((e) => e.extensions?.code);

describe.skipIf(!hasChromium())('Koe Console people screens in chromium', () => {
  let s: SeededScratchKoe;
  let browser: Browser;
  let consoleUrl: string;
  const pages: ConsolePage[] = [];
  let pii: string[] = [];
  let customer: { id: string; email: string; name: string };

  const open = async (lang: 'ja' | 'en' = 'en') => {
    const p = await openConsole(browser, consoleUrl, lang);
    pages.push(p);
    return p;
  };
  const tab = (page: Page, name: string | RegExp) => page.getByRole('navigation').getByRole('button', { name });
  const settled = (page: Page) => page.getByRole('status').filter({ hasText: /Loading|読み込み中/ }).first().waitFor({ state: 'detached' });
  const api = async (who: string, query: string, variables: Record<string, unknown> = {}, purpose?: string) => (await s.koe.client(who, purpose ? { purpose } : {})).request<Record<string, unknown>>(query, variables);

  beforeAll(async () => {
    s = await seededScratchKoe({ customers: 30, feedback: 60 });
    consoleUrl = s.koe.platform.gatewayUrl.replace(/\/graphql$/, '/console');
    browser = await launchChromium();
    await clonePrincipal(s.koe.orm, GRANTEE, 'p-bi', ['bi_readonly']);
    await clonePrincipal(s.koe.orm, REVIEWED, 'p-analyst', ['analyst', 'marketing']);
    await clonePrincipal(s.koe.orm, SECOND_ADMIN_TARGET, 'p-auditor', ['auditor']);
    // Not bi_readonly: its keys may send published documents only, and this key sends `{ me { id } }` (docs/trusted-documents.md).
    await clonePrincipal(s.koe.orm, KEYHOLDER, 'p-analyst', ['analyst']);
    // The seeded customers' plaintext as an admin reads it: none of it may show to an auditor or analyst.
    const res = (await postAs(s.koe, 'p-admin', '{ customers(first: 30) { edges { node { id name email phone address } } } }')) as { data: { customers: { edges: Array<{ node: Record<string, string> }> } } };
    const nodes = res.data.customers.edges.map((e) => e.node);
    pii = nodes.flatMap((n) => [n.name!, n.email!, n.phone!, n.address!]).filter((v) => typeof v === 'string' && v.length > 3);
    expect(pii.length).toBeGreaterThan(50);
    customer = { id: nodes[0]!.id!, email: nodes[0]!.email!, name: nodes[0]!.name! };
  }, 240_000);

  afterAll(async () => {
    const all = pages.flatMap((p) => p.requests);
    for (const p of pages) await p.close();
    await browser?.close();
    await s?.stop();
    expect(offLoopback(all)).toEqual([]);
    expect(pages.flatMap((p) => p.cspViolations)).toEqual([]);
  });

  it('admin grants a role → the grant is on the Audit screen with its detail → the grantee’s next API request sees the new decision', async () => {
    const before = (await api(GRANTEE, '{ me { decisions { field decision } } }')) as { me: { decisions: Array<{ field: string; decision: string }> } };
    expect(before.me.decisions.find((d) => d.field === 'Customer.email')?.decision).toBe('DENIED');

    const { page, requests, cspViolations } = await open('en');
    await signInWith(page, await s.koe.token('p-admin'));
    await tab(page, 'Access').click();
    await page.getByTestId('principals-table').waitFor();
    const form = page.getByTestId('grant-form');
    await form.getByLabel('Principal').fill(GRANTEE);
    await form.locator('select[name=role] option[value=analyst]').waitFor({ state: 'attached' });
    await form.getByLabel(/^Role/).selectOption('analyst');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    await page.getByRole('dialog').getByLabel(/^Reason/).fill('joins the analytics team');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Done.').waitFor();

    const after = (await api(GRANTEE, '{ me { decisions { field decision } } }')) as typeof before;
    expect(after.me.decisions.find((d) => d.field === 'Customer.email')?.decision).toBe('MASKED');

    await tab(page, 'Audit').click();
    await page.getByLabel('Action').fill('access.grantRole');
    await page.getByLabel(/^Record/).fill(`Principal:${GRANTEE}`);
    await page.getByRole('button', { name: 'Apply' }).click();
    const row = page.getByTestId('audit-table').getByRole('row').filter({ hasText: `Principal:${GRANTEE}` }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('p-admin');
    await row.getByRole('button').first().click();
    const detail = page.getByTestId('event-detail');
    await detail.getByText('Chain position').waitFor();
    expect(await detail.textContent()).toContain('access.grantRole');
    expect(await detail.textContent()).toMatch(/Policy version/);
    expect(offLoopback(requests)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('admin manages a principal: an API key shown once works, its revocation holds, an expiry set, each with a reason and a confirmation', async () => {
    const { page } = await open('en');
    await signInWith(page, await s.koe.token('p-admin'));
    await tab(page, 'Access').click();
    const row = page.getByTestId('principals-table').locator(`tr[data-principal="${KEYHOLDER}"]`);
    await row.waitFor();
    expect(await row.textContent()).toMatch(/never used/);
    await row.getByRole('button', { name: `Details: ${KEYHOLDER}` }).click();
    const panel = page.getByTestId('principal-panel');
    await panel.getByText('No API keys.').waitFor();
    await panel.getByLabel('Key name').fill('looker');
    await panel.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByRole('button', { name: 'Confirm' }).isDisabled(), 'a reason is required').toBe(true);
    await dialog.getByLabel(/^Reason/).fill('BI dashboard');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const key = (await panel.getByTestId('new-key').locator('output').textContent())!;
    expect(key).toMatch(/^koe_/);
    const withKey = await fetch(s.koe.platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `ApiKey ${key}` }, body: JSON.stringify({ query: '{ me { id } }' }) });
    expect(((await withKey.json()) as { data: { me: { id: string } } }).data.me.id).toBe(KEYHOLDER);

    await panel.getByRole('button', { name: 'Revoke key looker' }).click();
    await page.getByRole('dialog').getByLabel(/^Reason/).fill('rotated');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await panel.getByTestId('keys-table').getByText('revoked').waitFor();
    const revoked = await fetch(s.koe.platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `ApiKey ${key}` }, body: JSON.stringify({ query: '{ me { id } }' }) });
    expect(revoked.status).toBe(401);
    expect(await panel.textContent(), 'the key is shown once only').not.toContain(key);

    await panel.getByLabel('Expires (JST)').first().fill('2030-04-01T09:00');
    await panel.getByRole('button', { name: 'Set expiry' }).click();
    await page.getByRole('dialog').getByLabel(/^Reason/).fill('contract ends');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await row.getByText('2030').waitFor();
    const p = (await api('p-admin', `query($id: ID!) { principal(id: $id) { expiresAt } }`, { id: KEYHOLDER })) as { principal: { expiresAt: string } };
    expect(p.principal.expiresAt).toBe('2030-04-01T00:00:00.000Z');
  });

  it('a periodic review decided in the console, signed off, applied, and downloaded as CSV', async () => {
    const { page } = await open('en');
    await signInWith(page, await s.koe.token('p-admin'));
    await tab(page, 'Access').click();
    const review = page.getByTestId('periodic-review');
    await review.getByRole('button', { name: 'Start a review' }).click();
    const start = page.getByRole('dialog').getByRole('button', { name: 'Confirm' });
    expect(await start.isDisabled(), 'no review without a reason').toBe(true);
    await page.getByRole('dialog').getByLabel(/^Reason/).fill('quarterly review Q4');
    await start.click();
    const items = review.getByTestId('review-items');
    await items.waitFor();
    await review.getByTestId('reviews-table').getByText('quarterly review Q4').waitFor();
    // Beside the flags: what the principal's roles allow and it never used (it never signed in).
    expect(await items.locator(`tr[data-principal="${REVIEWED}"]`).textContent()).toMatch(/role marketing not used in 90 days/);
    const ids = await items.locator('tr[data-principal]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-principal')!));
    expect(ids).toContain(REVIEWED);
    // Segregation of duties: the admin's own item is refused with the rule, and a second admin decides it.
    expect(ids).toContain('p-admin');
    await items.locator('tr[data-principal="p-admin"]').getByRole('button', { name: 'Record decision' }).click();
    await review.getByRole('alert').filter({ hasText: 'another reviewer must decide p-admin' }).waitFor();
    const reviewId = ((await api('p-auditor', `{ periodicReviews(first: 1) { edges { node { id } } } }`)) as { periodicReviews: { edges: Array<{ node: { id: string } }> } }).periodicReviews.edges[0]!.node.id;
    const second = await clonePrincipal(s.koe.orm, 'p-console-admin2', 'p-admin'); // this file's own database: a second admin is fine
    await api(second, `mutation($id: ID!) { decidePeriodicReview(reviewId: $id, principalId: "p-admin", action: "keep") { decision } }`, { id: reviewId });
    for (const id of ids.filter((i) => i !== 'p-admin')) {
      const r = items.locator(`tr[data-principal="${id}"]`);
      if (id === REVIEWED) {
        await r.getByLabel(`Decision ${id}`).selectOption('revoke:marketing');
        await r.getByLabel(`Reason ${id}`).fill('left the campaign team');
        expect(await r.getByLabel(`Decision ${id}`).inputValue()).toBe('revoke:marketing');
      }
      await r.getByRole('button', { name: 'Record decision' }).click();
      await items.locator(`tr[data-principal="${id}"]`).getByText('decided').waitFor();
    }
    await review.getByText(`${ids.length} of ${ids.length} principals decided`).waitFor();
    const recorded = (await api('p-auditor', `{ periodicReviews(first: 1) { edges { node { id } } } }`)) as { periodicReviews: { edges: Array<{ node: { id: string } }> } };
    const decided = (await api('p-auditor', `query($id: ID!) { periodicReviewItems(reviewId: $id, first: 100) { edges { node { principalId decision } } } }`, { id: recorded.periodicReviews.edges[0]!.node.id })) as { periodicReviewItems: { edges: Array<{ node: { principalId: string; decision: string } }> } };
    expect(decided.periodicReviewItems.edges.find((e) => e.node.principalId === REVIEWED)?.node.decision).toBe('revoke:marketing');
    await review.getByRole('button', { name: 'Sign off and apply' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await review.getByTestId('reviews-table').getByText('signed off').waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), review.getByRole('button', { name: 'Download CSV' }).first().click()]);
    expect(download.suggestedFilename()).toMatch(/^access-review-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toContain('"principal","name","status","roles","flags","decision","reason","decided by","decided at"');
    expect(lines).toHaveLength(ids.length + 1);
    expect(lines.find((l) => l.includes(`"${REVIEWED}"`))).toContain('"revoke:marketing","left the campaign team","p-admin"');
    expect(lines.filter((l) => l.includes('"keep"'))).toHaveLength(ids.length - 1);
    const roles = (await api(REVIEWED, '{ me { roles } }')) as { me: { roles: string[] } };
    expect(roles.me.roles).toEqual(['analyst']);
  }, 180_000);

  it('auditor: audit screens work (chain verified with its result, event detail), access is read-only, no customer PII anywhere, admin actions fail when forced', async () => {
    const { page, requests, cspViolations } = await open('en');
    await signInWith(page, await s.koe.token('p-auditor'));
    expect(await page.getByRole('navigation').getByRole('button').allTextContents()).toEqual(['Overview', 'Audit', 'Policy', 'Access', 'Explorer']);
    const texts: string[] = [await page.content()];
    await tab(page, 'Audit').click();
    await page.getByTestId('audit-table').waitFor();
    await page.getByRole('button', { name: 'Verify the chain now' }).click();
    await page.getByTestId('chain-badge').filter({ hasText: 'ok' }).waitFor();
    expect(await page.getByTestId('chain-result').textContent()).toMatch(/intact, \d+ events up to seq \d+/);
    await page.getByTestId('audit-table').getByRole('row').nth(1).getByRole('button').click();
    await page.getByTestId('event-detail').getByText('Chain position').waitFor();
    texts.push(await page.content());
    await page.getByLabel('Alerts only').check();
    await settled(page);
    texts.push(await page.content());

    await tab(page, 'Access').click();
    await page.getByTestId('principals-table').waitFor();
    await page.getByText('Read-only').waitFor();
    expect(await page.getByTestId('grant-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Start a review' }).count()).toBe(0);
    await page.getByRole('button', { name: `Details: ${KEYHOLDER}` }).click();
    const panel = page.getByTestId('principal-panel');
    await panel.getByTestId('keys-table').or(panel.getByText('No API keys.')).waitFor();
    expect(await page.getByRole('button', { name: /Create API key|Disable|Revoke key/ }).count()).toBe(0);
    // The review signed off above, when this file runs whole: downloadable by auditors too.
    await page.getByTestId('periodic-review').waitFor();
    texts.push(await page.content());
    await tab(page, 'Policy').click();
    await page.getByTestId('policy-matrix').waitFor();
    texts.push(await page.content());
    const all = texts.join('\n');
    for (const value of pii) expect(all).not.toContain(value);

    for (const [query, vars] of [
      [`mutation($p: ID!) { createApiKey(principalId: $p, name: "x") { key } }`, { p: KEYHOLDER }],
      [`mutation($p: ID!) { disablePrincipal(principalId: $p) { status } }`, { p: KEYHOLDER }],
      [`mutation($p: ID!) { setPrincipalExpiry(principalId: $p, expiresAt: null) { id } }`, { p: KEYHOLDER }],
      [`mutation { startPeriodicReview { id } }`, {}],
    ] as const) {
      expect(codes(await gqlFromPage(page, query, vars)), query).toEqual(['FORBIDDEN']);
    }
    expect(codes(await gqlFromPage(page, `query($c: ID!) { subjectExport(customerId: $c) }`, { c: customer.id }, 'compliance'))).toEqual(['FORBIDDEN']);
    const forcedPii = await gqlFromPage(page, '{ customers(first: 5) { edges { node { email } } } }');
    expect(JSON.stringify(forcedPii.body.data ?? {})).not.toMatch(/@/);
    expect(offLoopback(requests)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('dpo: finds a customer by e-mail, exports, restricts and lifts, erases with a typed confirmation; the customer then reads as erased', async () => {
    const { page } = await open('en');
    await signInWith(page, await s.koe.token('p-dpo'));
    expect(await page.getByRole('navigation').getByRole('button').allTextContents()).toEqual(['Overview', 'Audit', 'Policy', 'Keys & lifecycle', 'Explorer', 'Data subjects']);
    await tab(page, 'Data subjects').click();
    await page.getByLabel('Exact value').fill(customer.email);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    const detail = page.getByTestId('subject-detail');
    await detail.getByTestId('subject-held').waitFor();
    expect(await detail.getByTestId('subject-held').textContent()).toContain(customer.name);

    const [download] = await Promise.all([page.waitForEvent('download'), detail.getByRole('button', { name: 'Export (JSON)' }).click()]);
    expect(download.suggestedFilename()).toBe(`subject-${customer.id}.json`);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(exported)).toContain(customer.email);

    await detail.getByLabel('marketing').check();
    await detail.getByRole('button', { name: 'Restrict…' }).click();
    await page.getByRole('dialog').getByLabel(/^Reason/).fill('request 2026-12-05 #41');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await detail.getByTestId('restrictions').getByText('marketing').waitFor();
    const restricted = (await api('p-dpo', `query($c: ID!) { useRestriction(customerId: $c) { purposes } }`, { c: customer.id }, 'compliance')) as { useRestriction: { purposes: string[] } };
    expect(restricted.useRestriction.purposes).toEqual(['marketing']);
    // The restriction is the subject request left open: on the Overview, and listed on Data subjects.
    await tab(page, 'Overview').click();
    const attention = page.getByTestId('attention').locator('[data-attention=restrictions]');
    expect(await attention.textContent()).toMatch(/\d+ customer\(s\) under a use restriction/);
    await attention.getByRole('link').click();
    const listed = page.getByTestId('open-restrictions').locator(`tr[data-customer="${customer.id}"]`);
    expect(await listed.textContent()).toContain('marketing');
    await listed.getByRole('button').click();
    await detail.getByTestId('restrictions').getByText('marketing').waitFor();
    await detail.getByRole('button', { name: 'Lift (marketing)…' }).click();
    await page.getByRole('dialog').getByLabel(/^Reason/).fill('ground ended');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await detail.getByText('No restriction.').waitFor();

    await detail.getByRole('button', { name: 'Erase…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Reason/).fill('erasure request #42');
    const confirm = dialog.getByRole('button', { name: 'Confirm' });
    expect(await confirm.isDisabled(), 'not before the phrase is typed').toBe(true);
    await dialog.getByLabel(/Type .* to confirm/).fill('wrong');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type .* to confirm/).fill(customer.id.slice(0, 8));
    await confirm.click();
    await detail.getByTestId('subject-state').filter({ hasText: 'erased' }).waitFor();
    expect(await detail.textContent()).not.toContain(customer.email);

    const res = await postAs(s.koe, 'p-dpo', `query($id: ID!) { customer(id: $id) { id email name } }`, { id: customer.id }, 'compliance');
    expect((res.data as { customer: { email: string | null } }).customer.email).toBeNull();
    expect(new Set((res.errors ?? []).map((e) => e.extensions?.code))).toEqual(new Set(['DATA_ERASED']));
  }, 120_000);

  it('analyst: only masked values, no access, audit or subject screens; forced reads refused', async () => {
    const { page } = await open('en');
    await signInWith(page, await s.koe.token('p-analyst'));
    expect(await page.getByRole('navigation').getByRole('button').allTextContents()).toEqual(['Overview', 'Explorer']);
    for (const value of pii) expect(await page.content()).not.toContain(value);
    const masked = await gqlFromPage(page, '{ customers(first: 10) { edges { node { email name } } } }');
    const emails = (masked.body.data as { customers: { edges: Array<{ node: { email: string | null } }> } }).customers.edges.map((e) => e.node.email).filter((e) => e !== null);
    expect(emails.length).toBeGreaterThan(0);
    for (const e of emails) expect(e).toContain('***');
    expect(codes(await gqlFromPage(page, '{ accessReview { totalCount } }'))).toEqual(['FORBIDDEN']);
    expect(codes(await gqlFromPage(page, '{ verifyAuditChain { status } }'))).toEqual(['FORBIDDEN']);
    expect(codes(await gqlFromPage(page, `query($c: ID!) { useRestriction(customerId: $c) { purposes } }`, { c: customer.id }, 'compliance'))).toEqual(['FORBIDDEN']);
  });

  it('a principal disabled by another admin in the console loses its own console on its next request', async () => {
    const victim = await open('en');
    await signInWith(victim.page, await s.koe.token(SECOND_ADMIN_TARGET));
    const { page } = await open('en');
    await signInWith(page, await s.koe.token('p-admin'));
    await tab(page, 'Access').click();
    await page.getByRole('button', { name: `Details: ${SECOND_ADMIN_TARGET}` }).click();
    await page.getByTestId('principal-panel').getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('dialog').getByLabel(/^Reason/).fill('left the company');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('principal-panel').getByText('disabled').first().waitFor();
    await tab(victim.page, 'Audit').click();
    await victim.page.getByText('Your session ended. Sign in again.').waitFor();
    expect((await gqlFromPage(victim.page, '{ me { id } }')).status).toBe(401);
  });

  it('each people screen in ja and en: no serious or critical accessibility violation, screenshots in docs/console', async () => {
    for (const lang of ['ja', 'en'] as const) {
      const admin = await open(lang);
      await signInWith(admin.page, await s.koe.token('p-admin'));
      await tab(admin.page, lang === 'ja' ? 'アクセス権' : 'Access').click();
      await admin.page.getByTestId('principals-table').waitFor();
      await admin.page.getByRole('button', { name: new RegExp(`: ${KEYHOLDER}$`) }).click();
      await admin.page.getByTestId('keys-table').waitFor();
      await admin.page.getByTestId('reviews-table').waitFor();
      await settled(admin.page);
      expect(await seriousA11yViolations(admin.page), `access ${lang}`).toEqual([]);
      await admin.page.screenshot({ path: `${SHOTS}access-manage-${lang}.png`, fullPage: true });
      if (lang === 'ja') expect(await admin.page.getByTestId('principals-table').textContent()).toMatch(/有効|無効/);

      await tab(admin.page, lang === 'ja' ? '監査ログ' : 'Audit').click();
      await admin.page.getByTestId('audit-table').waitFor();
      await admin.page.getByTestId('chain-result').waitFor();
      await admin.page.getByTestId('audit-table').getByRole('row').nth(1).getByRole('button').click();
      await admin.page.getByTestId('event-detail').locator('dl').waitFor();
      await settled(admin.page);
      expect(await seriousA11yViolations(admin.page), `audit ${lang}`).toEqual([]);
      await admin.page.screenshot({ path: `${SHOTS}audit-detail-${lang}.png`, fullPage: true });

      const dpo = await open(lang);
      await signInWith(dpo.page, await s.koe.token('p-dpo'));
      await tab(dpo.page, lang === 'ja' ? 'データ主体' : 'Data subjects').click();
      const [, other] = ((await postAs(s.koe, 'p-admin', '{ customers(first: 3) { edges { node { email } } } }')).data as { customers: { edges: Array<{ node: { email: string } }> } }).customers.edges;
      await dpo.page.locator('input[name=value]').fill(other!.node.email);
      await dpo.page.locator('[data-testid=subject-search] button[type=submit]').click();
      await dpo.page.getByTestId('subject-held').waitFor();
      expect(await seriousA11yViolations(dpo.page), `subjects ${lang}`).toEqual([]);
      await dpo.page.screenshot({ path: `${SHOTS}subjects-${lang}.png`, fullPage: true });
      expect(offLoopback([...admin.requests, ...dpo.requests])).toEqual([]);
      expect([...admin.cspViolations, ...dpo.cspViolations]).toEqual([]);
    }
  }, 240_000);
});
