/**
 * Guards against a feedback subject handing out the personal data customers type into it: it was
 * stored and served in plaintext, so an analyst or a BI tool read "山田です test@example.jp" word for
 * word. Now it is sealed at rest like the body, masked by the free-text masker wherever the body is,
 * counted in `piiFlags`, and `koe migrate` seals subjects and back-fills the flags of rows stored
 * before (resumably).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillPiiFlags } from '../../src/data/pii-flags-backfill.js';
import { TEST_MASTER_KEY } from '../support/crypto.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { errorCodes, postAs, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const EMAIL = 'yamada.taro@example.jp';
const PHONE = '090-1234-5678';
const SUBJECT = `山田です。返信は ${EMAIL} へ`;
const BODY = '注文した商品がまだ届きません。';

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
let id: string;
beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe({ customers: 10, feedback: 10 }));
  const res = await postAs(koe, 'p-ingest', `mutation($s: String!, $b: String!) { submitFeedback(input: { channel: EMAIL, subject: $s, body: $b }) { id } }`, { s: SUBJECT, b: BODY });
  expect(res.errors).toBeUndefined();
  id = (res.data as { submitFeedback: { id: string } }).submitFeedback.id;
}, 120_000);
afterAll(() => stop?.());

const BY_ID = `query($id: ID!) { feedback(id: $id) { id subject body piiFlags } }`;
const read = async (principal: string, purpose?: string): Promise<GraphQLBody> => postAs(koe, principal, BY_ID, { id }, purpose);
const subjectOf = (res: GraphQLBody) => (res.data as { feedback: { subject: string | null } | null }).feedback?.subject;

describe('Feedback.subject', () => {
  it('is ciphertext at rest: neither the e-mail nor any word of the subject is in the column', async () => {
    const [row] = await db.sql<{ subject: string; pii_flags: string[]; pii_scanned_at: Date | null }>(`select subject, pii_flags, pii_scanned_at from feedback where id = ?`, [id]);
    expect(row!.subject.startsWith('ENC1:')).toBe(true);
    expect(row!.subject).not.toContain(EMAIL);
    expect(row!.subject).not.toContain('山田');
    // The flags come from the subject as well as the body (the body holds no PII here).
    expect(row!.pii_flags).toEqual(['EMAIL']);
    expect(row!.pii_scanned_at).not.toBeNull();
  });

  it('reads back in plain for an admin', async () => {
    const res = await read('p-admin');
    expect(res.errors).toBeUndefined();
    expect(subjectOf(res)).toBe(SUBJECT);
  });

  it('reads masked for an analyst: the e-mail typed in the subject comes back as a marker', async () => {
    const res = await read('p-analyst', 'analytics');
    expect(res.errors).toBeUndefined();
    expect(subjectOf(res)).toBe('山田です。返信は [EMAIL] へ');
    expect(JSON.stringify(res)).not.toContain(EMAIL);
  });

  it('reads masked for a BI tool, as its policy says', async () => {
    const res = await read('p-bi');
    expect(res.errors).toBeUndefined();
    expect(subjectOf(res)).toBe('山田です。返信は [EMAIL] へ');
  });

  it('is DENIED to the auditor and to the DPO without a compliance case (null and FORBIDDEN)', async () => {
    for (const [principal, purpose] of [['p-auditor', undefined], ['p-dpo', undefined]] as const) {
      const res = await postAs(koe, principal, `query($id: ID!) { feedback(id: $id) { id subject } }`, { id }, purpose);
      expect(JSON.stringify(res)).not.toContain(EMAIL);
      if (res.data && (res.data as { feedback: unknown }).feedback) {
        expect(subjectOf(res)).toBeNull();
        expect(errorCodes(res)).toContain('FORBIDDEN');
      }
    }
  });

  it('is found by an admin’s text search, and the search is refused to roles that read it masked', async () => {
    const SEARCH = `query($t: String!) { feedbacks(first: 10, filter: { text: $t }) { edges { node { id } } } }`;
    const found = await postAs(koe, 'p-admin', SEARCH, { t: 'yamada.taro' });
    expect(found.errors).toBeUndefined();
    expect((found.data as { feedbacks: { edges: Array<{ node: { id: string } }> } }).feedbacks.edges.map((e) => e.node.id)).toEqual([id]);
    expect(errorCodes(await postAs(koe, 'p-analyst', SEARCH, { t: 'yamada.taro' }, 'analytics'))).toEqual(['FORBIDDEN']);
  });
});

describe('koe migrate on feedback stored before', () => {
  // Stored the old way: subject and body in plaintext, no flags, never scanned.
  const planted = Array.from({ length: 3 }, (_, i) => ({ id: randomUUID(), subject: `電話は ${PHONE} まで (${i})`, body: `メールは ${EMAIL} にください` }));

  it('seals a plaintext subject and fills the piiFlags of old rows, with progress on stderr; a rerun changes nothing', { timeout: 240_000 }, async () => {
    for (const p of planted) {
      await db.sql(`insert into feedback (id, customer_id, channel, received_at, subject, body, tags, status) values (?, null, 'EMAIL', now(), ?, ?, '{}', 'OPEN')`, [p.id, p.subject, p.body]);
    }
    const env = { ...koeCliEnv(db.url), KOE_MASTER_KEY: TEST_MASTER_KEY };
    const run = await runKoe(['migrate', '--progress'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Computed piiFlags of feedback stored before them: 3 rows');
    expect(run.stderr).toMatch(/scanning feedback for piiFlags .*3\/3 rows/);
    for (const text of [EMAIL, PHONE]) expect(run.stdout + run.stderr).not.toContain(text);

    const rows = await db.sql<{ id: string; subject: string; pii_flags: string[]; pii_scanned_at: Date | null }>(
      `select id, subject, pii_flags, pii_scanned_at from feedback where id = any(?::uuid[])`,
      [`{${planted.map((p) => p.id).join(',')}}`],
    );
    expect(rows).toHaveLength(3);
    const nil = (await db.crypto.loadKeys(db.orm.em.fork(), ['00000000-0000-0000-0000-000000000000'])).values().next().value!;
    for (const r of rows) {
      expect(r.subject.startsWith('ENC1:')).toBe(true);
      expect(db.crypto.decrypt(nil, 'feedback', 'subject', r.id, r.subject)).toBe(planted.find((p) => p.id === r.id)!.subject);
      expect(r.pii_flags).toEqual(['EMAIL', 'PHONE']);
      expect(r.pii_scanned_at).not.toBeNull();
    }
    const again = await runKoe(['migrate'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('Computed piiFlags');
  });

  it('resumes after an interruption: rows of committed batches stay done, the rest is done by the next run', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const rid of ids) {
      await db.sql(`insert into feedback (id, customer_id, channel, received_at, body, tags, status) values (?, null, 'WEB', now(), ?, '{}', 'OPEN')`, [rid, `連絡先 ${EMAIL}`]);
    }
    const crash = new Error('interrupted');
    await expect(
      backfillPiiFlags(db.orm.em.fork(), db.crypto, (done) => {
        if (done >= 2) throw crash;
      }, 2),
    ).rejects.toBe(crash);
    const [mid] = await db.sql<{ n: number }>(`select count(*)::int as n from feedback where pii_scanned_at is null`);
    expect(mid!.n).toBe(3);
    expect(await backfillPiiFlags(db.orm.em.fork(), db.crypto, undefined, 2)).toBe(3);
    const flags = await db.sql<{ pii_flags: string[] }>(`select pii_flags from feedback where id = any(?::uuid[])`, [`{${ids.join(',')}}`]);
    expect(flags.map((f) => f.pii_flags)).toEqual(ids.map(() => ['EMAIL']));
    expect(await backfillPiiFlags(db.orm.em.fork(), db.crypto)).toBe(0);
  });
});
