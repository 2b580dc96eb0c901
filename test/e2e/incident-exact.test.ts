/**
 * Issue 19 §1 (tight bound) and §3, on a scratch database of its own: a support agent's API key
 * reads pages of customers, its own team's (PLAIN) and other teams' (MASKED) mixed in one page,
 * and a feedback page. Every event now says which record returned which field, so the report lists
 * exactly the customers returned with exactly their fields (no upper bound), equal to SQL over the
 * trail; an older event without the mapping is still reported, as an upper bound, and the chain
 * holding both verifies. Then the evidence pack is written, verifies, and fails after one byte changes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents } from '../../src/audit/append.js';
import { createApiKey } from '../../src/auth/api-key-admin.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { postGraphQL, type TestKoe } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;

const ADMIN = { id: 'p-admin', roles: ['admin'], policyVersion: 'test', via: 'cli' as const };
const cli = (...args: string[]) => runKoe(args, koeCliEnv(db.url));

const PAGE = `query Night_Customers($first: Int!, $after: String) { customers(first: $first, after: $after) {
  edges { node { id teamId name email phone } } pageInfo { endCursor } } }`;
const FEEDBACKS = `query Night_Feedback { feedbacks(first: 8) { edges { node { id body customer { id } } } } }`;

interface Field { field: string; exact: boolean }
interface ReportJson {
  verification: { ok: boolean };
  upperBound: boolean;
  exposureEvents: { exact: number; upperBound: number };
  customers: Array<{ customerId: string; plain: Field[]; masked: Field[] }>;
  categories: Array<{ category: string; decision: string; customers: number; values: number }>;
}

/** What the scripted requests returned, from their responses: customer -> PLAIN / MASKED fields. */
const returned = new Map<string, { plain: Set<string>; masked: Set<string> }>();
const note = (customer: string, decision: 'plain' | 'masked', field: string) => {
  let r = returned.get(customer);
  if (!r) returned.set(customer, (r = { plain: new Set(), masked: new Set() }));
  r[decision].add(field);
};

beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe({ customers: 40, feedback: 80 }));
  await clonePrincipal(db.orm, 'n-agent', 'p-support-east');
  const made = await createApiKey(db.orm.em.fork(), { principalId: 'n-agent', name: 'laptop', expiresAt: null }, ADMIN);
  const post = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await postGraphQL(koe.platform.gatewayUrl, { query, variables }, { authorization: `ApiKey ${made.key}` });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.errors).toBeUndefined();
    return res.json.data as Record<string, { edges: Array<{ node: Record<string, unknown> }>; pageInfo?: { endCursor: string } }>;
  };
  // The scripted incident: two pages of customers, every team mixed in each page, then feedback.
  let after: string | null = null;
  for (let i = 0; i < 2; i++) {
    const data = await post(PAGE, { first: 7, after });
    for (const { node } of data.customers!.edges) {
      const own = node.teamId === 'team-east';
      for (const f of ['name', 'email', 'phone']) note(node.id as string, own ? 'plain' : 'masked', `Customer.${f}`);
    }
    after = data.customers!.pageInfo!.endCursor;
  }
  const fb = await post(FEEDBACKS);
  // The agent's policy gives feedback body PLAIN for its own team, DENIED elsewhere (rows are filtered).
  const teams = new Map(
    ((await db.sql('select id::text as id, team_id from feedback')) as Array<{ id: string; team_id: string | null }>).map((r) => [r.id, r.team_id]),
  );
  for (const { node } of fb.feedbacks!.edges) {
    const customer = (node.customer as { id: string } | null)?.id;
    if (customer && node.body !== null) note(customer, teams.get(node.id as string) === 'team-east' ? 'plain' : 'masked', 'Feedback.body');
  }
  // An event written before per-record exposure existed: two customers, PLAIN email, no mapping.
  const [a, b] = (await db.sql('select id::text as id from customer order by id limit 2')) as Array<{ id: string }>;
  await appendAuditEvents(db.orm.em.fork(), [{
    at: new Date(), actorId: 'n-legacy', roles: ['support_agent'], action: 'query', outcome: 'ok', operationName: 'Old', operationHash: null,
    purpose: null, subgraph: 'customers', resources: [`Customer:${a!.id}`, `Customer:${b!.id}`], fields: [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }],
    policyVersion: 'old', requestId: 'legacy-1', clientAddress: null, detail: null,
  }]);
}, 240_000);

afterAll(async () => {
  await stop?.();
});

describe('koe incident report with per-record exposure', () => {
  let json: ReportJson;

  beforeAll(async () => {
    const r = await cli('incident', 'report', '--principal', 'n-agent', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    json = JSON.parse(r.stdout) as ReportJson;
  }, 120_000);

  it('lists exactly the customers and fields the requests returned, PLAIN and MASKED, all exact', () => {
    expect(json.verification.ok).toBe(true);
    expect(json.upperBound).toBe(false);
    expect(json.exposureEvents.upperBound).toBe(0);
    expect(json.exposureEvents.exact).toBeGreaterThan(0);
    const shown = json.customers.filter((c) => c.plain.length + c.masked.length > 0);
    expect(shown.map((c) => c.customerId).sort()).toEqual([...returned.keys()].sort());
    for (const c of shown) {
      const want = returned.get(c.customerId)!;
      expect({ id: c.customerId, plain: c.plain.map((f) => f.field).sort(), masked: c.masked.map((f) => f.field).sort() }).toEqual({
        id: c.customerId, plain: [...want.plain].sort(), masked: [...want.masked].sort(),
      });
      expect([...c.plain, ...c.masked].every((f) => f.exact)).toBe(true);
    }
    // The pages mix teams: both decisions occur, so an upper bound would have given PLAIN to others' customers.
    expect([...returned.values()].some((r) => r.plain.size > 0) && [...returned.values()].some((r) => r.masked.size > 0 && r.plain.size === 0)).toBe(true);
  });

  it('equals SQL over the trail: per customer and field, from detail.exposure; values per category from fields', async () => {
    const rows = (await db.sql(
      `select distinct substr(e.resources[(i.value)::int + 1], 10) as customer, d.decision, f.value as field
         from audit_event e, jsonb_array_elements(e.detail->'exposure') g, jsonb_array_elements_text(g->'records') i,
              lateral (values ('PLAIN', g->'plain'), ('MASKED', g->'masked')) d(decision, list), jsonb_array_elements_text(coalesce(d.list, '[]')) f
        where e.actor_id = 'n-agent' and e.resources[(i.value)::int + 1] like 'Customer:%'`,
    )) as Array<{ customer: string; decision: string; field: string }>;
    const sqlCustomer = rows.map((r) => `${r.customer} ${r.decision} ${r.field}`);
    const reported = json.customers.flatMap((c) => [
      ...c.plain.filter((f) => f.field.startsWith('Customer.')).map((f) => `${c.customerId} PLAIN ${f.field}`),
      ...c.masked.filter((f) => f.field.startsWith('Customer.')).map((f) => `${c.customerId} MASKED ${f.field}`),
    ]);
    expect(reported.sort()).toEqual(sqlCustomer.sort());
    const [emailPlain] = (await db.sql(
      `select coalesce(sum((f->>'count')::int), 0)::int as n from audit_event, jsonb_array_elements(fields) f
        where actor_id = 'n-agent' and f->>'field' = 'Customer.email' and f->>'decision' = 'PLAIN'`,
    )) as Array<{ n: number }>;
    const cat = json.categories.find((c) => c.category === 'EMAIL' && c.decision === 'PLAIN');
    expect(cat?.values).toBe(emailPlain!.n);
    expect(cat?.customers).toBe([...returned.values()].filter((r) => r.plain.has('Customer.email')).length);
  });

  it('reports an older event without the mapping as an upper bound, and says so', async () => {
    const r = await cli('incident', 'report', '--principal', 'n-legacy', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const legacy = JSON.parse(r.stdout) as ReportJson;
    expect(legacy.verification.ok).toBe(true);
    expect(legacy.exposureEvents).toEqual({ exact: 0, upperBound: 1 });
    expect(legacy.upperBound).toBe(true);
    expect(legacy.customers).toHaveLength(2);
    expect(legacy.customers.every((c) => c.plain.length === 1 && c.plain[0]!.exact === false)).toBe(true);
    const md = await cli('incident', 'report', '--principal', 'n-legacy', '--format', 'md');
    expect(md.stdout).toContain('upper bound: 1 older events');
  }, 120_000);
});

describe('koe evidence', () => {
  let dir: string;

  beforeAll(async () => {
    const c = await cli('incident', 'contain', '--principal', 'n-agent', '--reason', 'INC-19 night reads', '--actor', 'p-admin');
    expect(c.code, c.stderr).toBe(0);
    dir = join(mkdtempSync(join(tmpdir(), 'koe-evidence-')), 'pack');
    const day = 86_400_000;
    const r = await cli('evidence', '--from', new Date(Date.now() - day).toISOString(), '--to', new Date(Date.now() + day).toISOString(), '--out', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('[4/13] chain verification');
  }, 180_000);

  it('writes the sections with their SOC 2 and APPI mapping and the facts of the period', () => {
    const pack = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as { sections: Array<{ id: string; soc2: string[]; appi: string[]; rows: unknown[][]; tests: string[] }> };
    const byId = new Map(pack.sections.map((s) => [s.id, s]));
    expect([...byId.keys()]).toEqual(['access-reviews', 'grants', 'leavers', 'chain', 'checkpoints', 'alerts', 'incidents', 'keys', 'lifecycle', 'subject-requests', 'provision', 'policy-versions', 'policy-changes']);
    expect(byId.get('chain')!.rows[0]![0]).toBe(true);
    expect(byId.get('leavers')!.rows.map((r) => r[0])).toContain('n-agent');
    expect(byId.get('incidents')!.rows.map((r) => r[1])).toEqual(expect.arrayContaining(['incident.report', 'incident.contain']));
    expect(byId.get('grants')!.rows.map((r) => r[1])).toContain('access.createApiKey');
    expect(byId.get('keys')!.rows.length).toBeGreaterThan(0);
    expect(byId.get('provision')!.appi).toEqual(['Art. 27', 'Art. 28', 'Art. 29']);
    for (const s of pack.sections) expect(s.soc2.length + s.appi.length).toBeGreaterThan(0);
    for (const s of pack.sections) expect(s.tests.length, s.id).toBeGreaterThan(0);
    const html = readFileSync(join(dir, 'evidence.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//i);
    expect(html).toContain('@media print');
    expect(html).toContain('n-agent');
  });

  it('verifies, and fails after one byte of the report, the JSON or the manifest changes', async () => {
    const ok = await cli('evidence', 'verify', dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('intact');
    for (const name of ['evidence.html', 'evidence.json', 'manifest.json']) {
      const path = join(dir, name);
      const original = readFileSync(path);
      const edited = Buffer.from(original);
      const at = Math.floor(edited.length / 2);
      edited[at] = edited[at] === 0x41 ? 0x42 : 0x41;
      writeFileSync(path, edited);
      const bad = await cli('evidence', 'verify', dir);
      expect(bad.code, `${name}: ${bad.stdout}`).toBe(1);
      expect(bad.stderr).toContain('does NOT verify');
      writeFileSync(path, original);
    }
    expect((await cli('evidence', 'verify', dir)).code).toBe(0);
  }, 180_000);
});
