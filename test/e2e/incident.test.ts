/**
 * Issue 19 §1, on a scratch database of its own (it disables principals and edits the trail): a
 * support agent's API key reads known customers through the gateway, PLAIN for its own team and
 * MASKED for another; `koe incident report` and the `incidentReport` query list exactly those
 * customers with the fields and times the trail holds; contact details only for the DPO declaring
 * compliance; containment disables and revokes (next request 401) and spares the last admin; a
 * tampered audit row makes the report say verification failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-key-admin.js';
import { ApiKeyEntity, AuditEventEntity, PrincipalEntity } from '../../src/data/entities/index.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { errorCodes, postAs, postGraphQL, type TestKoe } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';
import { loadFixtures, type Fixtures } from '../support/records.js';
import { asSuperuser } from '../support/audit-chain.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
let fx: Fixtures;
let key: { key: string; prefix: string };
let t0: Date;
let t1: Date;
/** The customer of the feedback read (not necessarily `fx.east`). */
let owner: string;

const ADMIN = { id: 'p-admin', roles: ['admin'], policyVersion: 'test', via: 'cli' as const };
const cli = (...args: string[]) => runKoe(['incident', ...args], koeCliEnv(db.url));
const withKey = (k: string, query: string, variables: Record<string, unknown> = {}) =>
  postGraphQL(koe.platform.gatewayUrl, { query, variables }, { authorization: `ApiKey ${k}` });

const CUSTOMER = `query Incident_Customer($id: ID!) { customer(id: $id) { id name email phone } }`;
const FEEDBACK = `query Incident_Feedback($id: ID!) { feedback(id: $id) { id body } }`;
const REPORT = `query($p: ID, $k: String) { incidentReport(principalId: $p, apiKeyPrefix: $k) {
  verification { ok problem } upperBound eventsRead notes
  customers { customerId firstAt lastAt plain { field category exact firstAt lastAt } masked { field } customer { id email } }
  categories { category decision customers values } principals { principalId roles purpose requests } requests { requestId outcome } } }`;

interface ReportJson {
  verification: { ok: boolean; problem: string | null };
  upperBound: boolean;
  customers: Array<{ customerId: string; firstAt: string; lastAt: string; plain: Array<{ field: string; exact: boolean; firstAt: string; lastAt: string }>; masked: Array<{ field: string }>; contact?: { email: string | null } | null; customer?: { email: string | null } | null }>;
  categories: Array<{ category: string; decision: string; customers: number; values: number }>;
  principals: Array<{ principalId: string; roles: string[]; purpose: string | null }>;
}

beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe({ customers: 30, feedback: 60 }));
  fx = await loadFixtures(db.orm);
  await clonePrincipal(db.orm, 'i-agent', 'p-support-east');
  await clonePrincipal(db.orm, 'i-agent2', 'p-support-west');
  const made = await createApiKey(db.orm.em.fork(), { principalId: 'i-agent', name: 'laptop', expiresAt: null }, ADMIN);
  key = { key: made.key, prefix: made.row.prefix };
  await createApiKey(db.orm.em.fork(), { principalId: 'i-agent2', name: 'laptop', expiresAt: null }, ADMIN);
  // The scripted incident: its own team's customer (PLAIN), another team's (MASKED), and its own team's feedback.
  t0 = new Date();
  for (const [query, id] of [[CUSTOMER, fx.east.id], [CUSTOMER, fx.west.id], [FEEDBACK, fx.eastFeedback.id]] as const) {
    const res = await withKey(key.key, query, { id });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.errors).toBeUndefined();
  }
  t1 = new Date();
  const [row] = (await db.sql('select customer_id::text as id from feedback where id = ?', [fx.eastFeedback.id])) as Array<{ id: string }>;
  owner = row!.id;
}, 180_000);

afterAll(async () => {
  await stop?.();
});

const readCustomers = () => [...new Set([fx.east.id, fx.west.id, owner])].sort();

describe('koe incident report', () => {
  let json: ReportJson;
  let md: string;
  let mdDpo: { code: number; stdout: string; stderr: string };
  let mdAuditor: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    const [j, m, d, a] = await Promise.all([
      cli('report', '--api-key', key.prefix, '--format', 'json'),
      cli('report', '--principal', 'i-agent', '--format', 'md'),
      cli('report', '--principal', 'i-agent', '--format', 'md', '--actor', 'p-dpo'),
      cli('report', '--principal', 'i-agent', '--format', 'md', '--actor', 'p-auditor'),
    ]);
    expect(j.code, j.stderr).toBe(0);
    expect(m.code, m.stderr).toBe(0);
    json = JSON.parse(j.stdout) as ReportJson;
    md = m.stdout;
    mdDpo = d;
    mdAuditor = a;
  }, 400_000);

  it('lists exactly the customers read, PLAIN for its own team and MASKED for the other, with times inside the incident', () => {
    expect(json.verification).toMatchObject({ ok: true, problem: null });
    const byId = new Map(json.customers.map((c) => [c.customerId, c]));
    expect([...byId.keys()].sort()).toEqual(readCustomers());
    const east = byId.get(fx.east.id)!;
    const eastFields = ['Customer.email', 'Customer.name', 'Customer.phone', ...(owner === fx.east.id ? ['Feedback.body'] : [])];
    expect(east.plain.map((f) => f.field)).toEqual(eastFields);
    expect(east.plain.every((f) => f.exact)).toBe(true);
    // The feedback body belongs to the feedback's customer, found through the feedback record.
    expect(byId.get(owner)!.plain.map((f) => f.field)).toContain('Feedback.body');
    if (owner !== fx.east.id) expect(byId.get(owner)!.plain.map((f) => f.field)).toEqual(['Feedback.body']);
    expect(east.masked).toEqual([]);
    const west = byId.get(fx.west.id)!;
    expect(west.plain).toEqual([]);
    expect(west.masked.map((f) => f.field)).toEqual(['Customer.email', 'Customer.name', 'Customer.phone']);
    for (const c of json.customers) {
      expect(Date.parse(c.firstAt)).toBeGreaterThanOrEqual(t0.getTime() - 1000);
      expect(Date.parse(c.lastAt)).toBeLessThanOrEqual(t1.getTime() + 1000);
    }
    expect(json.upperBound).toBe(false);
    expect(json.principals).toEqual([expect.objectContaining({ principalId: 'i-agent', roles: ['support_agent'] })]);
  });

  it('counts values per category as SQL over the trail does', async () => {
    const rows = (await db.sql(
      `select f->>'field' as field, f->>'decision' as decision, sum((f->>'count')::int)::int as n
         from audit_event, jsonb_array_elements(fields) f where actor_id = 'i-agent' group by 1, 2`,
    )) as Array<{ field: string; decision: string; n: number }>;
    const sum = (field: string, decision: string) => rows.filter((r) => r.field === field && r.decision === decision).reduce((a, r) => a + r.n, 0);
    const cat = (category: string, decision: string) => json.categories.find((c) => c.category === category && c.decision === decision);
    expect(cat('EMAIL', 'PLAIN')).toEqual({ category: 'EMAIL', decision: 'PLAIN', customers: 1, values: sum('Customer.email', 'PLAIN') });
    expect(cat('FREE_TEXT', 'PLAIN')?.customers).toBe(1);
    expect(cat('EMAIL', 'MASKED')).toEqual({ category: 'EMAIL', decision: 'MASKED', customers: 1, values: sum('Customer.email', 'MASKED') });
    expect(cat('FREE_TEXT', 'PLAIN')?.values).toBe(sum('Feedback.body', 'PLAIN'));
    expect(sum('Customer.email', 'PLAIN')).toBeGreaterThan(0);
  });

  it('drafts the APPI preliminary report with every item, 要記入 where a person must write, and no contact details by default', () => {
    for (const heading of ['概要', '漏えい等が発生し又は発生したおそれがある個人データの項目', '本人の数', '原因', '二次被害又はそのおそれの有無及びその内容', '本人への対応', '公表', '再発防止のための措置']) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('要記入');
    expect(md).toContain('検証済み');
    expect(md).toContain(fx.east.id);
    expect(md).not.toContain(fx.east.email);
  });

  it('adds contact details for the DPO (PLAIN for compliance), and not for an auditor', () => {
    expect(mdDpo.code, mdDpo.stderr).toBe(0);
    expect(mdDpo.stdout).toContain(fx.east.email);
    expect(mdAuditor.code, mdAuditor.stderr).toBe(0);
    expect(mdAuditor.stdout).not.toContain(fx.east.email);
    expect(mdAuditor.stderr).toContain('contact details left out');
  });

  it('records each report, and the disclosure of contact details with purpose compliance', async () => {
    const events = await db.orm.em.fork().find(AuditEventEntity, { action: 'incident.report' });
    expect(events).toHaveLength(4);
    const dpo = events.find((e) => e.actorId === 'p-dpo')!;
    expect(dpo).toMatchObject({ purpose: 'compliance', detail: expect.objectContaining({ contactsIncluded: true }) });
    // Only the customers whose contact details were printed (the MASKED one included: the report lists both).
    expect(dpo.resources.sort()).toEqual(readCustomers().map((id) => `Customer:${id}`));
    expect(events.find((e) => e.actorId === 'p-auditor')?.detail).toMatchObject({ contactsIncluded: false });
  });
});

describe('incidentReport over GraphQL', () => {
  it('gives an auditor the report, without the customers’ contact details', async () => {
    const res = await postAs(koe, 'p-auditor', REPORT, { p: 'i-agent' });
    const r = (res.data as { incidentReport: ReportJson & { customers: Array<{ customerId: string; customer: { email: string | null } | null }> } }).incidentReport;
    expect(r.verification.ok).toBe(true);
    expect(r.customers.map((c) => c.customerId).sort()).toEqual(readCustomers());
    expect(r.customers.every((c) => !c.customer?.email)).toBe(true);
    expect(JSON.stringify(res)).not.toContain(fx.east.email);
  });

  it('gives the DPO declaring compliance the contact details, and not without the purpose', async () => {
    const withPurpose = await postAs(koe, 'p-dpo', REPORT, { p: 'i-agent' }, 'compliance');
    expect(withPurpose.errors).toBeUndefined();
    const emails = (withPurpose.data as { incidentReport: { customers: Array<{ customerId: string; customer: { email: string } }> } }).incidentReport.customers;
    expect(emails.find((c) => c.customerId === fx.east.id)?.customer.email).toBe(fx.east.email);
    const without = await postAs(koe, 'p-dpo', REPORT, { p: 'i-agent' });
    expect((without.data as { incidentReport: { customers: unknown[] } }).incidentReport.customers).toHaveLength(readCustomers().length);
    expect(JSON.stringify(without)).not.toContain(fx.east.email);
  });

  it('refuses an analyst and an admin (FORBIDDEN)', async () => {
    for (const who of ['p-analyst', 'p-admin']) {
      const res = await postAs(koe, who, REPORT, { p: 'i-agent' });
      expect(res.data).toBeNull();
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    }
  });
});

describe('containment', () => {
  const CONTAIN = `mutation($p: ID!, $r: String!) { containPrincipal(principalId: $p, reason: $r) { principalId status revokedKeys wasDisabled } }`;

  it('disables the principal and revokes its keys in one audited change: its next request is a 401', async () => {
    const res = await postAs(koe, 'p-admin', CONTAIN, { p: 'i-agent', r: 'INC-42 key found on a public repo' });
    expect(res.errors).toBeUndefined();
    expect((res.data as { containPrincipal: unknown }).containPrincipal).toEqual({ principalId: 'i-agent', status: 'disabled', revokedKeys: [key.prefix], wasDisabled: false });
    expect((await withKey(key.key, CUSTOMER, { id: fx.east.id })).status).toBe(401);
    const em = db.orm.em.fork();
    expect((await em.findOneOrFail(ApiKeyEntity, { prefix: key.prefix })).revokedAt).not.toBeNull();
    const [contain] = await em.find(AuditEventEntity, { action: 'incident.contain', actorId: 'p-admin' });
    expect(contain?.detail).toMatchObject({ principalId: 'i-agent', revokedKeys: [key.prefix], via: 'graphql' });
    expect(await em.count(AuditEventEntity, { action: { $in: ['access.disablePrincipal', 'access.revokeApiKey'] }, resources: { $contains: ['Principal:i-agent'] } })).toBe(2);
  });

  it('is refused for the last active admin, and nothing changes', async () => {
    const res = await postAs(koe, 'p-admin', CONTAIN, { p: 'p-admin', r: 'test' });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect((await db.orm.em.fork().findOneOrFail(PrincipalEntity, { id: 'p-admin' })).status).toBe('active');
  });

  it('is refused to an auditor (FORBIDDEN)', async () => {
    const res = await postAs(koe, 'p-auditor', CONTAIN, { p: 'i-agent2', r: 'test' });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
  });

  it('runs from the CLI for an admin actor, and not for an analyst', { timeout: 120_000 }, async () => {
    const [refused, done] = [await cli('contain', '--principal', 'i-agent2', '--reason', 'INC-43', '--actor', 'p-analyst'), await cli('contain', '--principal', 'i-agent2', '--reason', 'INC-43', '--actor', 'p-admin')];
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('containPrincipal');
    expect(done.code, done.stderr).toBe(0);
    const em = db.orm.em.fork();
    expect((await em.findOneOrFail(PrincipalEntity, { id: 'i-agent2' })).status).toBe('disabled');
    expect(await em.count(ApiKeyEntity, { principalId: 'i-agent2', revokedAt: null })).toBe(0);
  });
});

describe('a tampered trail', () => {
  it('makes the report say verification failed, from the CLI (exit 1) and over GraphQL', { timeout: 120_000 }, async () => {
    await asSuperuser(db, `update audit_event set outcome = 'denied' where seq = (select min(seq) from audit_event where actor_id = 'i-agent')`);
    const run = await cli('report', '--principal', 'i-agent', '--format', 'json');
    expect(run.code).toBe(1);
    const r = JSON.parse(run.stdout) as ReportJson;
    expect(r.verification.ok).toBe(false);
    expect(r.verification.problem).toContain('edited');
    const res = await postAs(koe, 'p-auditor', REPORT, { p: 'i-agent' });
    expect((res.data as { incidentReport: ReportJson }).incidentReport.verification.ok).toBe(false);
  });
});
