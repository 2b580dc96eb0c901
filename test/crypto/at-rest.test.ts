/**
 * What someone with a copy of the database (a dump, a backup, a replica) sees after seeding: no
 * personal value of any seeded customer and no feedback body anywhere in the public schema, only
 * `ENC1:` ciphertext in the encrypted columns and keyed hashes in the blind-index columns.
 */
import 'reflect-metadata';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDatabaseUrl } from '../support/run-database.js';
import { normalizeEmail, normalizeName, normalizePhone } from '../../src/crypto/index.js';
import { ENCRYPTED_COLUMNS, type FieldCrypto } from '../../src/data/encryption/index.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { generateDemoData } from '../../src/data/seed/demo-data.js';
import { testCrypto } from '../support/crypto.js';

// The data set test/setup/prepare-database.ts seeded (seedDemoData with the default options).
const demo = generateDemoData();

let client: pg.Client;
let orm: MikroORM;
let crypto: FieldCrypto;
beforeAll(async () => {
  client = new pg.Client({ connectionString: runDatabaseUrl() });
  await client.connect();
  orm = await openOrm({ url: runDatabaseUrl(), poolMax: 2 });
  crypto = await testCrypto(orm);
});
afterAll(async () => {
  await client?.end();
  await orm?.close(true);
});

interface Secret {
  value: string;
  what: string;
}

function seededSecrets(): Secret[] {
  const out: Secret[] = [];
  for (const c of demo.customers) {
    for (const field of ['name', 'nameKana', 'email', 'phone', 'address', 'birthDate'] as const) {
      out.push({ value: c[field], what: `customer ${c.id} ${field}` });
    }
    // The normalised forms that blind indexes are computed from must not be stored either.
    out.push({ value: normalizeEmail(c.email), what: `customer ${c.id} normalised email` });
    out.push({ value: normalizePhone(c.phone), what: `customer ${c.id} normalised phone` });
    // A two-character name (`林舞`) is too short to tell a leak from chance; the spaced form is still scanned.
    if (normalizeName(c.name).length >= 3) out.push({ value: normalizeName(c.name), what: `customer ${c.id} normalised name` });
  }
  for (const f of demo.feedback) out.push({ value: f.body, what: `feedback ${f.id} body` });
  return out;
}

/** Every occurrence of any secret in `text`: secrets are bucketed by their first 3 characters, so one pass suffices. */
function finder(secrets: Secret[]): (text: string) => Secret[] {
  const byPrefix = new Map<string, Secret[]>();
  for (const s of secrets) {
    if (s.value.length < 3) throw new Error(`secret too short to scan for: ${s.what}`);
    const p = s.value.slice(0, 3);
    const list = byPrefix.get(p);
    if (list) list.push(s);
    else byPrefix.set(p, [s]);
  }
  return (text) => {
    const hits: Secret[] = [];
    for (let i = 0; i + 3 <= text.length; i++) {
      const candidates = byPrefix.get(text.slice(i, i + 3));
      if (!candidates) continue;
      for (const s of candidates) if (text.startsWith(s.value, i)) hits.push(s);
    }
    return hits;
  };
}

describe('the database at rest', () => {
  it('holds no seeded name, kana, e-mail, phone, address, birth date or feedback body in any text-like column of any table', async () => {
    const columns = (
      await client.query<{ table_name: string; column_name: string; data_type: string; udt_name: string }>(
        `select c.table_name, c.column_name, c.data_type, c.udt_name
           from information_schema.columns c
           join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
          where c.table_schema = 'public'
            and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb')
                 or (c.data_type = 'ARRAY' and c.udt_name in ('_text', '_varchar', '_bpchar', '_json', '_jsonb')))
          order by 1, 2`,
      )
    ).rows;
    // Sanity: the scan covers the encrypted tables and the audit trail.
    const scanned = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));
    for (const must of ['customer.email', 'customer.name', 'feedback.body', 'feedback.subject', 'purchase.product_name', 'audit_event.detail', 'data_key.wrapped']) {
      expect(scanned).toContain(must);
    }

    const find = finder(seededSecrets());
    // The scanner itself finds a planted value (in JSON, in an array literal, mid-text).
    const c0 = demo.customers[0]!;
    expect(find(JSON.stringify({ note: `call ${c0.phone}` })).map((h) => h.what)).toContain(`customer ${c0.id} phone`);
    expect(find(`{x,"${c0.email}"}`).map((h) => h.what)).toContain(`customer ${c0.id} email`);
    const leaks: string[] = [];
    let values = 0;
    for (const c of columns) {
      const rows = (await client.query<{ v: string }>(`select "${c.column_name}"::text as v from "${c.table_name}" where "${c.column_name}" is not null`)).rows;
      for (const { v } of rows) {
        values++;
        // JSON escapes non-ASCII as \uXXXX only when asked; jsonb::text keeps UTF-8, so one form suffices.
        for (const hit of find(v)) leaks.push(`${c.table_name}.${c.column_name} holds ${hit.what}`);
      }
    }
    expect(values).toBeGreaterThan(10_000);
    expect([...new Set(leaks)].slice(0, 20)).toEqual([]);
  });

  it('stores every encrypted column of every row as ENC1: ciphertext', async () => {
    for (const [table, columns] of Object.entries(ENCRYPTED_COLUMNS)) {
      for (const column of Object.values(columns)) {
        const { rows } = await client.query<{ total: string; sealed: string; plain: string }>(
          `select count("${column}") as total,
                  count(*) filter (where "${column}" ~ '^ENC1:[A-Za-z0-9_-]{38,}$') as sealed,
                  count(*) filter (where "${column}" is not null and "${column}" not like 'ENC1:%') as plain
             from "${table}"`,
        );
        const r = rows[0]!;
        expect({ table, column, plain: Number(r.plain), sealed: Number(r.sealed) }).toEqual({ table, column, plain: 0, sealed: Number(r.total) });
      }
    }
    // And the seeded rows are really there: at least one value per column that the demo data fills.
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from customer where email like 'ENC1:%' and name like 'ENC1:%' and birth_date like 'ENC1:%'`);
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(demo.customers.length);
  });

  it('stores keyed blind indexes, never the plaintext or its normalised form, and they match the seeded values', async () => {
    const ids = demo.customers.map((c) => c.id);
    const { rows } = await client.query<{ id: string; email_bidx: string | null; phone_bidx: string | null; name_bidx: string | null }>(
      `select id, email_bidx, phone_bidx, name_bidx from customer where id = any($1::uuid[])`,
      [ids],
    );
    expect(rows).toHaveLength(demo.customers.length);
    const stored = new Map(rows.map((r) => [r.id, r]));
    for (const c of demo.customers) {
      const r = stored.get(c.id)!;
      expect(r.email_bidx).toBe(crypto.blind('email', c.email));
      expect(r.phone_bidx).toBe(crypto.blind('phone', c.phone));
      expect(r.name_bidx).toBe(crypto.blind('name', c.name));
      for (const [bidx, plain] of [
        [r.email_bidx, normalizeEmail(c.email)],
        [r.phone_bidx, normalizePhone(c.phone)],
        [r.name_bidx, normalizeName(c.name)],
      ] as const) {
        expect(bidx).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(bidx).not.toContain(plain);
      }
    }
    // An index is a keyed HMAC: not an unkeyed hash anyone could compute from a guessed e-mail.
    const { createHash } = await import('node:crypto');
    const c0 = demo.customers[0]!;
    const unkeyed = createHash('sha256').update(`email\u0000${normalizeEmail(c0.email)}`).digest('base64url');
    expect(stored.get(c0.id)!.email_bidx).not.toBe(unkeyed);
  });
});
