/**
 * Nothing secret leaves through the side doors: with the log at `trace`, the ORM's query log on and
 * the console captured, a representative set of requests (every role's reads, lookups by e-mail and
 * phone, a text search, a write, refusals) leaves no personal plaintext, no ciphertext, no master
 * key and no unwrapped data key in any of them, nor in the audit events those requests wrote.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { normalizeEmail, normalizePhone } from '../../src/crypto/index.js';
import { CustomerEntity } from '../../src/data/entities/index.js';
import { generateDemoData } from '../../src/data/seed/demo-data.js';
import { TEST_MASTER_KEY, testCrypto, unsealed } from '../support/crypto.js';
import { postGraphQL, startTestKoe, TEST_JWT_SECRET, type TestKoe } from '../support/koe.js';

const demo = generateDemoData();
const looked = demo.customers.find((c) => /^0[789]0-/.test(c.phone))!;
const tag = randomBytes(4).toString('hex');
const mutation = {
  name: `ログ 確認${tag}`,
  email: `log.check.${tag}@example.jp`,
  phone: `070-${String(parseInt(tag.slice(0, 4), 16) % 10000).padStart(4, '0')}-${String(parseInt(tag.slice(4), 16) % 10000).padStart(4, '0')}`,
  address: `京都府京都市中京区ログ町${tag}`,
  birthDate: '1991-09-09',
};
const feedbackBody = `ログ検査用の本文${tag}：店員さんが親切でした。`;

const logLines: string[] = [];
const consoleLines: string[] = [];
let koe: TestKoe;
let firstSeq = 0;
let touched: string[] = [];

type Gql = Awaited<ReturnType<typeof postGraphQL>>['json'];
async function as(principal: string, query: string, variables: Record<string, unknown> = {}, purpose?: string): Promise<Gql> {
  const headers: Record<string, string> = { authorization: `Bearer ${await koe.token(principal)}` };
  if (purpose) headers['x-koe-purpose'] = purpose;
  return (await postGraphQL(koe.platform.gatewayUrl, { query, variables }, headers)).json;
}

const DASHBOARD = `{
  customers(first: 25) { edges { node { id customerKey name nameKana email phone address birthDate prefecture purchases { productName store amount } } } }
  feedbacks(first: 25) { edges { node { id subject body note rating customer { id name email } } } }
}`;
const ROLES: Array<[string, string?]> = [
  ['p-admin'],
  ['p-analyst'],
  ['p-bi'],
  ['p-support-east'],
  ['p-marketing'],
  ['p-auditor'],
  ['p-dpo', 'compliance'],
  ['p-ingest'],
];

beforeAll(async () => {
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  koe = await startTestKoe(undefined, { logger });
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    // Observed, not replaced: the console still prints.
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a, Object.getOwnPropertyNames(a ?? {})))).join(' '));
      original(...args);
    });
  }
  const [last] = (await koe.orm.em.fork().getConnection().execute(`select coalesce(max(seq), 0) as seq from audit_event`)) as Array<{ seq: string }>;
  firstSeq = Number(last!.seq);
  koe.resetQueries();
  logLines.splice(0);

  // The representative requests.
  const responses: Gql[] = [];
  for (const [principal, purpose] of ROLES) responses.push(await as(principal, DASHBOARD, {}, purpose));
  const FIND = `query($f: CustomerFilter) { customers(first: 5, filter: $f) { edges { node { id name email phone } } } }`;
  responses.push(await as('p-admin', FIND, { f: { email: looked.email.toUpperCase() } }));
  responses.push(await as('p-admin', FIND, { f: { phone: `+81 ${looked.phone.slice(1)}` } }));
  responses.push(await as('p-support-east', FIND, { f: { email: looked.email } }));
  responses.push(await as('p-admin', `query($t: String) { feedbacks(first: 10, filter: { text: $t }) { edges { node { id body } } } }`, { t: '配達' }));
  const upsert = await as('p-ingest', `mutation($in: UpsertCustomerInput!) { upsertCustomer(input: $in) { id } }`, { in: mutation });
  expect(upsert.errors).toBeUndefined();
  const newId = (upsert.data as { upsertCustomer: { id: string } }).upsertCustomer.id;
  responses.push(await as('p-admin', `query($id: ID!) { customer(id: $id) { id name email phone address birthDate } }`, { id: newId }));
  const submitted = await as('p-ingest', `mutation($in: SubmitFeedbackInput!) { submitFeedback(input: $in) { id } }`, {
    in: { customerId: newId, channel: 'WEB', body: feedbackBody },
  });
  expect(submitted.errors).toBeUndefined();
  // Refusals: FORBIDDEN, BAD_USER_INPUT (order, a malformed e-mail), UNAUTHENTICATED (forged token).
  const forbidden = await as('p-analyst', FIND, { f: { phone: looked.phone } });
  expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const badOrder = await as('p-admin', `{ customers(first: 3, orderBy: { field: EMAIL }) { edges { node { id } } } }`);
  expect(badOrder.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const badEmail = await as('p-admin', `mutation($in: UpsertCustomerInput!) { upsertCustomer(input: $in) { id } }`, {
    in: { ...mutation, email: `not-an-address-${tag}`, phone: mutation.phone },
  });
  expect(badEmail.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(JSON.stringify(badEmail)).not.toContain(`not-an-address-${tag}`);
  const forgedToken = (await koe.token('p-admin')).replace(/\.[^.]+$/, `.${randomBytes(32).toString('base64url')}`);
  const forged = await postGraphQL(koe.platform.gatewayUrl, { query: FIND, variables: { f: { email: looked.email } } }, { authorization: `Bearer ${forgedToken}` });
  expect(forged.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

  // Every customer whose personal fields some response carried.
  const ids = new Set<string>([newId, looked.id]);
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.id === 'string' && ('email' in o || 'name' in o)) ids.add(o.id);
      Object.values(o).forEach(collect);
    }
  };
  responses.forEach((r) => collect(r.data));
  touched = [...ids];
  expect(logLines.length).toBeGreaterThan(0);
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await koe?.stop();
});

/** Values that must appear in no log line, query text, console line or audit event. */
async function secrets(): Promise<Array<{ what: string; value: string }>> {
  const out: Array<{ what: string; value: string }> = [];
  const em = koe.orm.em.fork();
  const crypto = await testCrypto(koe.orm);
  const customers = await em.find(CustomerEntity, { id: { $in: touched } });
  expect(customers.length).toBeGreaterThan(20);
  for (const stored of customers) {
    for (const f of ['name', 'nameKana', 'email', 'phone', 'address', 'birthDate'] as const) {
      const sealed = stored[f];
      if (typeof sealed === 'string' && sealed.length >= 12) out.push({ what: `ciphertext of ${stored.id}.${f}`, value: sealed.slice(0, 40) });
    }
    let plain: CustomerEntity;
    try {
      plain = await unsealed(koe.orm, 'customer', stored);
    } catch {
      continue; // erased by another test file meanwhile: nothing left to leak
    }
    for (const f of ['name', 'nameKana', 'email', 'phone', 'address'] as const) {
      const v = plain[f];
      if (typeof v === 'string' && v.length >= 5) out.push({ what: `${stored.id}.${f}`, value: v });
    }
    if (plain.email) out.push({ what: `${stored.id}.email normalised`, value: normalizeEmail(plain.email) });
    const key = crypto.cachedKey(stored.id) ?? (await crypto.loadKeys(em, [stored.id])).get(stored.id);
    if (key) {
      out.push({ what: `data key of ${stored.id} (base64)`, value: key.toString('base64') });
      out.push({ what: `data key of ${stored.id} (base64url)`, value: key.toString('base64url') });
      out.push({ what: `data key of ${stored.id} (hex)`, value: key.toString('hex') });
    }
  }
  out.push({ what: 'mutation e-mail', value: mutation.email });
  out.push({ what: 'mutation phone', value: mutation.phone });
  out.push({ what: 'mutation phone digits', value: normalizePhone(mutation.phone) });
  out.push({ what: 'mutation address', value: mutation.address });
  out.push({ what: 'mutation name', value: mutation.name });
  out.push({ what: 'feedback body', value: feedbackBody });
  out.push({ what: 'malformed e-mail input', value: `not-an-address-${tag}` });
  out.push({ what: 'master key (base64)', value: TEST_MASTER_KEY });
  out.push({ what: 'master key (hex)', value: Buffer.from(TEST_MASTER_KEY, 'base64').toString('hex') });
  out.push({ what: 'JWT secret', value: Buffer.from(TEST_JWT_SECRET).toString('utf8') });
  return out;
}

function leaks(haystack: string, list: Array<{ what: string; value: string }>): string[] {
  return list.filter((s) => haystack.includes(s.value)).map((s) => s.what);
}

describe('logs and query text', () => {
  it('the pino log at trace carries no plaintext, no ciphertext, no master key and no data key', async () => {
    const all = logLines.join('\n');
    expect(leaks(all, await secrets())).toEqual([]);
    expect(all).not.toContain('ENC1:');
    // And it did log the requests (so the check is not vacuous).
    expect(logLines.filter((l) => l.includes('"request"')).length).toBeGreaterThanOrEqual(ROLES.length);
  });

  it('the ORM query log holds statements without their parameters', async () => {
    const all = koe.queries.join('\n');
    expect(koe.queries.length).toBeGreaterThan(20);
    expect(all).toMatch(/from "customer"/);
    expect(leaks(all, await secrets())).toEqual([]);
    expect(all).not.toContain('ENC1:');
  });

  it('nothing was written to the console with a secret in it', async () => {
    const all = consoleLines.join('\n');
    expect(leaks(all, await secrets())).toEqual([]);
    expect(all).not.toContain('ENC1:');
  });
});

describe('audit events of those requests', () => {
  it('hold neither the input e-mail or phone of the write nor ciphertext', async () => {
    const rows = (await koe.orm.em.fork().getConnection().execute(`select e::text as t from audit_event e where seq > ? order by seq`, [firstSeq])) as Array<{ t: string }>;
    expect(rows.length).toBeGreaterThanOrEqual(ROLES.length);
    const all = rows.map((r) => r.t).join('\n');
    expect(all).toContain('upsertCustomer');
    for (const v of [mutation.email, mutation.phone, normalizePhone(mutation.phone), mutation.address, mutation.name, feedbackBody, `not-an-address-${tag}`]) {
      expect(all).not.toContain(v);
    }
    expect(all).not.toContain('ENC1:');
  });

  it('hold no e-mail or phone used as a lookup filter', async () => {
    const rows = (await koe.orm.em.fork().getConnection().execute(`select e::text as t from audit_event e where seq > ? order by seq`, [firstSeq])) as Array<{ t: string }>;
    const all = rows.map((r) => r.t).join('\n').toLowerCase();
    for (const v of [looked.email, looked.phone, looked.phone.slice(1), normalizePhone(looked.phone)]) expect(all).not.toContain(v.toLowerCase());
  });
});
