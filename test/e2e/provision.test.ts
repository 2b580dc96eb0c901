/**
 * Third-party provision (APPI Art. 27–30): `koe provision export` to a recipient abroad gives only
 * the feedback of customers consenting to transfer abroad, masked as the recipient's policy says,
 * counts the customers left out, and writes a provision record that the database keeps for 3
 * years; the DPO (compliance) and auditors find it by customer, analysts may not; a subject export
 * of an included customer lists it; `recordProvision` records a domestic provision on third_party.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASKERS } from '../../src/policies/maskers/index.js';
import type { SubjectExport } from '../../src/data/subject-export.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { errorCodes, postAs, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const OPTS = { customers: 40, feedback: 300 };

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
let dir: string;
beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe(OPTS));
  dir = mkdtempSync(join(tmpdir(), 'koe-provision-'));
}, 120_000);
afterAll(async () => {
  await stop?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const as = (principal: string, query: string, variables?: Record<string, unknown>, purpose?: string) => postAs(koe, principal, query, variables, purpose);
const codes = errorCodes;

/** Customers with feedback, split by an active consent to `purpose` (granted, not withdrawn, not erased). */
async function split(purpose: string): Promise<{ consenting: Set<string>; without: Set<string> }> {
  const rows = (await db.sql(
    `select distinct f.customer_id::text as id,
            exists (select 1 from consent k join customer c on c.id = k.customer_id
                     where k.customer_id = f.customer_id and k.purpose = ? and k.granted_at <= now() and k.withdrawn_at is null and c.erased_at is null) as ok
       from feedback f where f.customer_id is not null`,
    [purpose],
  )) as Array<{ id: string; ok: boolean }>;
  return { consenting: new Set(rows.filter((r) => r.ok).map((r) => r.id)), without: new Set(rows.filter((r) => !r.ok).map((r) => r.id)) };
}

const RECORDS = `query($f: ProvisionRecordFilter) { provisionRecords(filter: $f, first: 10) { totalCount edges { cursor node {
  id providedAt recipientId recipientName recipientCountry consentPurpose dataItems customerIds excludedCount keepUntil } } } }`;

describe('koe provision export, to a recipient abroad', () => {
  let abroad: Awaited<ReturnType<typeof split>>;
  let out: string;
  let run: { code: number; stdout: string; stderr: string };
  let record: Record<string, unknown>;

  beforeAll(async () => {
    abroad = await split('transfer_abroad');
    out = join(dir, 'sg.jsonl');
    run = await koeCli(['provision', 'export', '--recipient', 'sg_analytics', '--purpose', 'analytics', '--out', out, '--actor', 'p-dpo']);
    const rows = (await db.sql(
      `select r.*, r.id::text as id, array(select customer_id::text from provision_customer pc where pc.provision_id = r.id order by 1) as customers from provision_record r where recipient_id = 'sg_analytics'`,
    )) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    record = rows[0]!;
  }, 120_000);

  it('exports only the feedback of customers consenting to transfer abroad and reports the rest as excluded', async () => {
    expect(run.code, run.stderr).toBe(0);
    expect(abroad.consenting.size).toBeGreaterThan(0);
    expect(abroad.without.size).toBeGreaterThan(0);
    const expected = (await db.sql(`select count(*)::int as n from feedback where customer_id = any(?::uuid[])`, [`{${[...abroad.consenting].join(',')}}`])) as Array<{ n: number }>;
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { feedback: Record<string, unknown>; customer: Record<string, unknown> });
    expect(lines).toHaveLength(expected[0]!.n);
    expect(run.stderr).toContain(`Provided ${lines.length} feedback records of ${abroad.consenting.size} customers`);
    expect(run.stderr).toContain(`excluded ${abroad.without.size} customers without consent to transfer_abroad`);
  });

  it('gives only the fields of the recipient policy, masked: no ciphertext, no plaintext contact details, no stored customerKey', async () => {
    const text = readFileSync(out, 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { feedback: Record<string, unknown>; customer: Record<string, unknown> });
    for (const l of lines) {
      expect(Object.keys(l.feedback).sort()).toEqual(['body', 'rating', 'receivedAt']);
      expect(Object.keys(l.customer)).toEqual(['customerKey']);
    }
    expect(text).not.toContain('ENC1:');
    const customers = (await db.sql(`select id::text as id, customer_key, email, phone, name from customer`)) as Array<{ id: string; customer_key: string; email: string; phone: string; name: string }>;
    const em = db.orm.em.fork();
    const keys = await db.crypto.loadKeys(em, customers.map((c) => c.id));
    for (const c of customers) {
      const key = keys.get(c.id);
      if (!key) continue;
      for (const column of ['email', 'phone', 'name'] as const) {
        const plain = db.crypto.decrypt(key, 'customer', column, c.id, c[column]);
        if (plain) expect(text).not.toContain(plain);
      }
      expect(text).not.toContain(c.customer_key);
    }
    // Bodies are the freeText masker's output of the stored text, in (receivedAt, id) order.
    const stored = (await db.sql(
      `select id::text as id, customer_id::text as customer_id, body, rating from feedback where customer_id = any(?::uuid[]) order by received_at, id`,
      [`{${[...abroad.consenting].join(',')}}`],
    )) as Array<{ id: string; customer_id: string; body: string; rating: number | null }>;
    stored.forEach((f, i) => {
      const plain = db.crypto.decrypt(keys.get(f.customer_id)!, 'feedback', 'body', f.id, f.body);
      expect(lines[i]!.feedback.body).toBe(MASKERS.freeText(plain, { pseudonymKey: '' }));
      expect(lines[i]!.feedback.rating).toBe(f.rating);
    });
    // Pseudonyms are stable within one provision: one per included customer.
    expect(new Set(lines.map((l) => l.customer.customerKey)).size).toBe(abroad.consenting.size);
  });

  it('writes the provision record: recipient, customers included, data items, consent relied on, kept 3 years', () => {
    expect(record).toMatchObject({
      recipient_id: 'sg_analytics',
      recipient_name: 'Lion City Analytics Pte. Ltd.',
      recipient_address: '1 Raffles Place, Singapore 048616',
      purpose: 'analytics',
      consent_purpose: 'transfer_abroad',
      data_items: ['Customer.customerKey', 'Feedback.body', 'Feedback.rating', 'Feedback.receivedAt'],
      excluded_count: abroad.without.size,
      customer_count: abroad.consenting.size,
      actor_id: 'p-dpo',
      via: 'cli',
    });
    expect(String(record.recipient_country).trim()).toBe('SG');
    expect(record.customers).toEqual([...abroad.consenting].sort());
    const years = (new Date(record.keep_until as string).getTime() - new Date(record.provided_at as string).getTime()) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(2.99);
    expect(years).toBeLessThan(3.01);
  });

  it('records a provision.export audit event naming the record, never the data', async () => {
    const events = (await db.sql(`select actor_id, resources, detail, purpose from audit_event where action = 'provision.export'`)) as Array<{ actor_id: string; resources: string[]; detail: Record<string, unknown>; purpose: string }>;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_id: 'p-dpo', resources: [`ProvisionRecord:${record.id as string}`], purpose: 'analytics', detail: { excluded: abroad.without.size, consentPurpose: 'transfer_abroad', via: 'cli' } });
  });

  it('is kept: deleting or changing the record (or its customers) is refused before keep_until', async () => {
    await expect(db.sql(`delete from provision_record where id = ?`, [record.id])).rejects.toThrow(/kept until its retention ends/);
    await expect(db.sql(`delete from provision_customer where provision_id = ?`, [record.id])).rejects.toThrow(/kept until its retention ends/);
    await expect(db.sql(`update provision_record set excluded_count = 0 where id = ?`, [record.id])).rejects.toThrow(/kept until its retention ends/);
    const left = (await db.sql(`select count(*)::int as n from provision_customer where provision_id = ?`, [record.id])) as Array<{ n: number }>;
    expect(left[0]!.n).toBe(abroad.consenting.size);
  });

  it('is listed by customer for the DPO declaring compliance and for auditors; analysts and the DPO without compliance are refused', async () => {
    const included = [...abroad.consenting][0]!;
    for (const [who, purpose] of [['p-dpo', 'compliance'], ['p-auditor', undefined]] as const) {
      const res = await as(who, RECORDS, { f: { customerId: included } }, purpose);
      expect(res.errors, who).toBeUndefined();
      const conn = (res.data as { provisionRecords: { totalCount: number; edges: Array<{ node: Record<string, unknown> }> } }).provisionRecords;
      expect(conn.totalCount).toBe(1);
      expect(conn.edges[0]!.node).toMatchObject({ id: record.id, recipientId: 'sg_analytics', recipientCountry: 'SG', consentPurpose: 'transfer_abroad', excludedCount: abroad.without.size });
      expect(conn.edges[0]!.node.customerIds).toContain(included);
    }
    const left = [...abroad.without][0]!;
    const none = await as('p-auditor', RECORDS, { f: { customerId: left } });
    expect((none.data as { provisionRecords: { totalCount: number } }).provisionRecords.totalCount).toBe(0);
    expect(codes(await as('p-analyst', RECORDS, {}, 'analytics'))).toContain('FORBIDDEN');
    expect(codes(await as('p-dpo', RECORDS, {}))).toContain('FORBIDDEN');
  });

  it('appears in the subject export of an included customer, and not in that of an excluded one', async () => {
    const included = [...abroad.consenting][0]!;
    const res = await as('p-dpo', `query($id: ID!) { subjectExport(customerId: $id) }`, { id: included }, 'compliance');
    expect(res.errors).toBeUndefined();
    const doc = JSON.parse((res.data as { subjectExport: string }).subjectExport) as SubjectExport;
    expect(doc.provisions).toEqual([expect.objectContaining({ id: record.id, recipientName: 'Lion City Analytics Pte. Ltd.', recipientCountry: 'SG', consentPurpose: 'transfer_abroad' })]);
    const other = JSON.parse(((await as('p-dpo', `query($id: ID!) { subjectExport(customerId: $id) }`, { id: [...abroad.without][0]! }, 'compliance')).data as { subjectExport: string }).subjectExport) as SubjectExport;
    expect(other.provisions).toEqual([]);
  });

  it('refuses a purpose other than the recipient’s and an unknown recipient (exit 2), recording nothing', async () => {
    const wrong = await koeCli(['provision', 'export', '--recipient', 'sg_analytics', '--purpose', 'marketing', '--out', join(dir, 'x.jsonl'), '--actor', 'p-dpo']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('receives data for the purpose "analytics" only');
    const unknown = await koeCli(['provision', 'export', '--recipient', 'nobody', '--purpose', 'analytics', '--actor', 'p-dpo']);
    expect(unknown.code).toBe(2);
    const n = (await db.sql(`select count(*)::int as n from provision_record`)) as Array<{ n: number }>;
    expect(n[0]!.n).toBe(1);
  }, 60_000);
});

describe('koe provision export, by whom', () => {
  // Guards against provision by any active principal: an analyst exported customer data to a third party.
  it('refuses an active analyst as --actor with a message naming the rule, exporting and recording nothing', async () => {
    const count = async () => ((await db.sql(`select (select count(*) from provision_record)::int as records, (select count(*) from audit_event where action = 'provision.export')::int as events`)) as Array<{ records: number; events: number }>)[0]!;
    const before = await count();
    const out = join(dir, 'analyst.jsonl');
    const run = await koeCli(['provision', 'export', '--recipient', 'jp_research', '--purpose', 'analytics', '--out', out, '--actor', 'p-analyst']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--actor p-analyst (roles: analyst) may not do this: the policy allows recordProvision to dpo');
    expect(run.stdout).toBe('');
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
    expect(await count()).toEqual(before);
  }, 60_000);

  it('refuses an export without --actor: a provision is always someone’s', async () => {
    const run = await koeCli(['provision', 'export', '--recipient', 'jp_research', '--purpose', 'analytics', '--out', join(dir, 'anon.jsonl')]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("required option '--actor <principal>' not specified");
  }, 60_000);
});

describe('recordProvision', () => {
  const RECORD = `mutation($r: ID!, $p: String!, $since: DateTime) { recordProvision(recipientId: $r, purpose: $p, since: $since) {
    id recipientId consentPurpose dataItems customerIds excludedCount via keepUntil providedAt } }`;

  it('records a domestic provision on third_party consent for the DPO declaring compliance', async () => {
    const domestic = await split('third_party');
    const res = await as('p-dpo', RECORD, { r: 'jp_research', p: 'analytics' }, 'compliance');
    expect(res.errors).toBeUndefined();
    const rec = (res.data as { recordProvision: Record<string, unknown> }).recordProvision;
    expect(rec).toMatchObject({ recipientId: 'jp_research', consentPurpose: 'third_party', excludedCount: domestic.without.size, via: 'graphql' });
    expect([...(rec.customerIds as string[])].sort()).toEqual([...domestic.consenting].sort());
    expect(rec.dataItems).toEqual(['Feedback.body', 'Feedback.rating', 'Feedback.channel', 'Feedback.receivedAt', 'Customer.prefecture']);
  });

  it('is refused for analysts, auditors and the DPO without compliance; a wrong purpose is BAD_USER_INPUT', async () => {
    expect(codes(await as('p-analyst', RECORD, { r: 'jp_research', p: 'analytics' }, 'compliance'))).toContain('FORBIDDEN');
    expect(codes(await as('p-auditor', RECORD, { r: 'jp_research', p: 'analytics' }, 'compliance'))).toContain('FORBIDDEN');
    expect(codes(await as('p-dpo', RECORD, { r: 'jp_research', p: 'analytics' }))).toContain('FORBIDDEN');
    expect(codes(await as('p-dpo', RECORD, { r: 'jp_research', p: 'marketing' }, 'compliance'))).toContain('BAD_USER_INPUT');
    expect(codes(await as('p-dpo', RECORD, { r: 'nobody', p: 'analytics' }, 'compliance'))).toContain('BAD_USER_INPUT');
  });
});

// KOE_MASTER_KEY comes from the vitest environment: the key ring the scratch database was sealed with.
const koeCli = (args: readonly string[]) => runKoe(args, koeCliEnv(db.url));
