/**
 * The data step of the encryption migration on a database that holds rows from before field
 * encryption: `koe migrate` seals every plaintext value in place (with the right owner's key and
 * bound to its record and column), sets the blind indexes, keeps values already sealed, and a
 * second run has nothing left to do.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptExistingRows, FieldCrypto, NIL_OWNER } from '../../src/data/encryption/index.js';
import { TEST_MASTER_KEY, testKeyProvider } from '../support/crypto.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const BULK = 1_234; // more than one batch of 500

const alice = {
  id: randomUUID(),
  name: '移行 花子',
  name_kana: 'イコウ ハナコ',
  email: 'Hanako.Migrate@Example.JP',
  phone: '080-1111-2222',
  address: '〒100-0001 東京都千代田区千代田1-1',
  birth_date: '1980-02-29',
};
/** Half migrated already (an interrupted run): the e-mail is sealed, the rest is not. */
const bob = { id: randomUUID(), name: '途中 次郎', name_kana: 'トチュウ ジロウ', email: 'jiro.half@example.jp', phone: '+81 3-1234-5678', address: '大阪府大阪市北区1-2-3', birth_date: '1975-07-07' };
const purchase = { id: randomUUID(), product_name: '移行テスト用 炊飯器', store: '渋谷店' };
const ownFeedback = { id: randomUUID(), body: '炊飯器の蓋が閉まりません。花子より 080-1111-2222', note: '折り返し連絡済み' };
const anonFeedback = { id: randomUUID(), body: '匿名のご意見：駐車場が狭いです。' };

let db: ScratchKoeDb;
let bobSealedEmail: string;
beforeAll(async () => {
  db = await scratchKoeDb();
  const insertCustomer = (c: typeof alice, email: string) =>
    db.sql(
      `insert into customer (id, customer_key, name, name_kana, email, phone, address, prefecture, birth_date, team_id, segment, created_at, last_activity_at)
       values (?, ?, ?, ?, ?, ?, ?, '東京都', ?, 'team-east', 'individual', now(), now())`,
      [c.id, `ck-${c.id}`, c.name, c.name_kana, email, c.phone, c.address, c.birth_date],
    );
  await insertCustomer(alice, alice.email);
  const bobKey = (await db.crypto.ensureKeys(db.orm.em.fork(), [bob.id])).get(bob.id)!;
  bobSealedEmail = db.crypto.encrypt(bobKey, 'customer', 'email', bob.id, bob.email)!;
  await insertCustomer(bob, bobSealedEmail);
  await db.sql(`update customer set email_bidx = ? where id = ?`, [db.crypto.blind('email', bob.email), bob.id]);
  await db.sql(
    `insert into purchase (id, customer_id, ordered_at, product_name, category, amount, store) values (?, ?, now(), ?, '家電', 19800, ?)`,
    [purchase.id, alice.id, purchase.product_name, purchase.store],
  );
  await db.sql(
    `insert into feedback (id, customer_id, channel, received_at, subject, body, rating, tags, status, team_id, note)
     values (?, ?, 'EMAIL', now(), '炊飯器について', ?, 3, '{家電}', 'OPEN', 'team-east', ?), (?, null, 'WEB', now(), null, ?, null, '{}', 'OPEN', null, null)`,
    [ownFeedback.id, alice.id, ownFeedback.body, ownFeedback.note, anonFeedback.id, anonFeedback.body],
  );
  await db.sql(
    `insert into feedback (id, customer_id, channel, received_at, body, tags, status)
     select gen_random_uuid(), null, 'SURVEY', now(), 'bulk plaintext feedback #' || i, '{}', 'OPEN' from generate_series(1, ${BULK}) i`,
  );
});
afterAll(async () => db?.drop());

const koeCli = (args: readonly string[]) => runKoe(args, { ...koeCliEnv(db.url), KOE_MASTER_KEY: TEST_MASTER_KEY });

const row = async (table: string, id: string) => ((await db.sql(`select * from "${table}" where id = ?`, [id])) as Array<Record<string, string | null>>)[0]!;

async function opened(table: 'customer' | 'purchase' | 'feedback', owner: string, id: string, columns: string[]) {
  const key = (await db.crypto.loadKeys(db.orm.em.fork(), [owner])).get(owner);
  expect(key, `data key of ${owner}`).toBeDefined();
  const r = await row(table, id);
  return Object.fromEntries(columns.map((c) => [c, db.crypto.decrypt(key!, table, c, id, r[c] ?? null)]));
}

describe('koe migrate (encryptExistingRows)', () => {
  it('seals every plaintext row, reports how many, and leaves no plaintext behind', { timeout: 60_000 }, async () => {
    const run = await koeCli(['migrate']);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Encrypted rows stored in plaintext: customer 2, purchase 1, feedback ${BULK + 2}`);
    // The CLI prints counts, never values or keys.
    const printed = run.stdout + run.stderr;
    for (const v of [alice.email, alice.phone, alice.name, ownFeedback.body, TEST_MASTER_KEY]) expect(printed).not.toContain(v);

    const left = (await db.sql(
      `select (select count(*) from customer where name not like 'ENC1:%' or name_kana not like 'ENC1:%' or email not like 'ENC1:%' or phone not like 'ENC1:%' or address not like 'ENC1:%' or birth_date not like 'ENC1:%') as customer,
              (select count(*) from purchase where product_name not like 'ENC1:%' or store not like 'ENC1:%') as purchase,
              (select count(*) from feedback where body not like 'ENC1:%' or note not like 'ENC1:%') as feedback`,
    )) as Array<Record<string, string>>;
    expect(left[0]).toEqual({ customer: '0', purchase: '0', feedback: '0' });
  });

  it("decrypts every value to its original with its owner's key (customer, purchase, own and anonymous feedback)", async () => {
    const { id: _a, ...aliceFields } = alice;
    expect(await opened('customer', alice.id, alice.id, Object.keys(aliceFields))).toEqual(aliceFields);
    const { id: _b, ...bobFields } = bob;
    expect(await opened('customer', bob.id, bob.id, Object.keys(bobFields))).toEqual(bobFields);
    expect(await opened('purchase', alice.id, purchase.id, ['product_name', 'store'])).toEqual({ product_name: purchase.product_name, store: purchase.store });
    expect(await opened('feedback', alice.id, ownFeedback.id, ['body', 'note'])).toEqual({ body: ownFeedback.body, note: ownFeedback.note });
    expect(await opened('feedback', NIL_OWNER, anonFeedback.id, ['body', 'note'])).toEqual({ body: anonFeedback.body, note: null });
    const bulk = (await db.sql(`select id, body from feedback where channel = 'SURVEY' order by id`)) as Array<{ id: string; body: string }>;
    expect(bulk).toHaveLength(BULK);
    const nil = (await db.crypto.loadKeys(db.orm.em.fork(), [NIL_OWNER])).get(NIL_OWNER)!;
    const bodies = new Set(bulk.map((b) => db.crypto.decrypt(nil, 'feedback', 'body', b.id, b.body)));
    expect(bodies.size).toBe(BULK);
    expect(bodies).toContain(`bulk plaintext feedback #${BULK}`);
  });

  it('keeps a value sealed before the run as it was, and binds each new one to its record and column', async () => {
    expect((await row('customer', bob.id)).email).toBe(bobSealedEmail);
    // Alice's e-mail ciphertext copied onto Bob does not open (other key, other record).
    const aliceEmail = (await row('customer', alice.id)).email!;
    const key = (await db.crypto.loadKeys(db.orm.em.fork(), [alice.id])).get(alice.id)!;
    expect(() => db.crypto.decrypt(key, 'customer', 'phone', alice.id, aliceEmail)).toThrow();
    expect(() => db.crypto.decrypt(key, 'customer', 'email', bob.id, aliceEmail)).toThrow();
    // The opened-value cache answers only for the same place and ciphertext: a rewritten value is opened afresh.
    const before = db.crypto.decrypt(key, 'customer', 'email', alice.id, aliceEmail);
    const rewritten = db.crypto.encrypt(key, 'customer', 'email', alice.id, 'rewritten@example.jp')!;
    expect(db.crypto.decrypt(key, 'customer', 'email', alice.id, rewritten)).toBe('rewritten@example.jp');
    expect(db.crypto.decrypt(key, 'customer', 'email', alice.id, aliceEmail)).toBe(before);
    expect(() => db.crypto.decrypt(key, 'customer', 'name', alice.id, rewritten)).toThrow();
  });

  it('sets the blind indexes from the plaintext, so exact lookups find migrated customers', async () => {
    const a = await row('customer', alice.id);
    expect(a.email_bidx).toBe(db.crypto.blind('email', 'hanako.migrate@example.jp'));
    expect(a.phone_bidx).toBe(db.crypto.blind('phone', '+81 80-1111-2222'));
    expect(a.name_bidx).toBe(db.crypto.blind('name', '移行　花子'));
    const b = await row('customer', bob.id);
    expect(b.email_bidx).toBe(db.crypto.blind('email', bob.email));
    expect(b.phone_bidx).toBe(db.crypto.blind('phone', '03-1234-5678'));
    expect(b.name_bidx).toBe(db.crypto.blind('name', bob.name));
  });

  it('is idempotent: a second run seals nothing and changes no stored value', async () => {
    const before = await db.sql(`select id, name, email, body from (select id, name, email, null as body from customer union all select id, null, null, body from feedback) x order by id`);
    const counts = await encryptExistingRows(db.orm.em.fork(), db.crypto);
    expect(counts).toEqual({ customer: 0, purchase: 0, feedback: 0 });
    const after = await db.sql(`select id, name, email, body from (select id, name, email, null as body from customer union all select id, null, null, body from feedback) x order by id`);
    expect(after).toEqual(before);
    // The CLI says so too: nothing to apply and nothing sealed.
    const run = await koeCli(['migrate']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('Encrypted rows');
  }, 60_000);
});

describe('an interrupted batch', () => {
  const dave = { id: '7fffffff-0000-4000-8000-00000000000d', name: '一括 四郎', name_kana: 'イッカツ シロウ', email: 'shiro.batch@example.jp', phone: '090-4444-5555', address: '福岡県北九州市1-1', birth_date: '1987-07-07' };
  const carol = { id: '7fffffff-0000-4000-8000-00000000000e', name: '再試行 三郎', name_kana: 'サイシコウ サブロウ', email: 'saburo.retry@example.jp', phone: '090-3333-4444', address: '福岡県福岡市中央区1-1', birth_date: '1988-08-08' };

  beforeAll(async () => {
    for (const c of [dave, carol]) {
      await db.sql(
        `insert into customer (id, customer_key, name, name_kana, email, phone, address, prefecture, birth_date, created_at, last_activity_at)
         values (?, ?, ?, ?, ?, ?, ?, '福岡県', ?, now(), now())`,
        [c.id, `ck-${c.id}`, c.name, c.name_kana, c.email, c.phone, c.address, c.birth_date],
      );
    }
    // The batch fails at Carol (as a statement timeout or a lost connection would), after Dave was updated.
    await db.superuser(`
      create function koe_test_fail_update() returns trigger language plpgsql as $$ begin raise exception 'simulated failure'; end $$;
      create trigger koe_test_fail_update before update on customer for each row when (new.id = '${carol.id}') execute function koe_test_fail_update();`);
    await expect(encryptExistingRows(db.orm.em.fork(), db.crypto)).rejects.toThrow(/simulated failure/);
    await db.superuser(`drop trigger koe_test_fail_update on customer; drop function koe_test_fail_update();`);
  });

  // Regression guard: a batch is one transaction ("stopped and run again at any point"); its row
  // lock keeps a concurrent write from being overwritten with the sealed old value.
  it('a failed batch changes none of its rows', async () => {
    expect((await row('customer', dave.id)).email).toBe(dave.email);
  });

  // Regression guard: a data key created during a batch that rolled back must not stay usable in
  // memory only; a retry in the same process would seal values under a key the database never kept.
  it('a retry in the same process seals with keys that are stored in the database', async () => {
    expect(await encryptExistingRows(db.orm.em.fork(), db.crypto)).toMatchObject({ customer: expect.any(Number) });
    const fresh = await FieldCrypto.open(db.orm.em.fork(), testKeyProvider());
    const keys = await fresh.loadKeys(db.orm.em.fork(), [carol.id, dave.id]);
    expect(keys.size, 'the data keys the values were sealed with are stored').toBe(2);
    for (const c of [carol, dave]) expect(fresh.decrypt(keys.get(c.id)!, 'customer', 'email', c.id, (await row('customer', c.id)).email!)).toBe(c.email);
  });
});
