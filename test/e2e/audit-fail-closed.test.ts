/**
 * Fail closed: while the database refuses audit rows, no personal data leaves, neither through
 * the gateway nor straight from a subgraph; when it accepts them again, requests work and are
 * recorded. Runs on its own database, since it breaks audit inserts for everyone on it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/verify.js';
import { AuditEventEntity } from '../../src/data/entities/index.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';
import { TEST_CHECKPOINT_KEY } from '../support/audit-chain.js';
import { seededScratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
let koe: TestKoe;
beforeAll(async () => {
  db = await seededScratchKoeDb();
  // The recorder reads its checkpoint key and interval once, at start: sign every 3rd event here.
  const saved = { key: process.env.KOE_MASTER_KEY, every: process.env.KOE_AUDIT_CHECKPOINT_EVERY };
  Object.assign(process.env, { KOE_MASTER_KEY: 'koe-test-master-key', KOE_AUDIT_CHECKPOINT_EVERY: '3' });
  try {
    koe = await startTestKoe(undefined, { databaseUrl: db.url });
  } finally {
    restoreEnv('KOE_MASTER_KEY', saved.key);
    restoreEnv('KOE_AUDIT_CHECKPOINT_EVERY', saved.every);
  }
});
afterAll(async () => {
  await koe?.stop();
  await db?.drop();
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

const REFUSE_AUDIT_ROWS = `
  create or replace function koe_test_refuse_audit() returns trigger language plpgsql as $$
  begin raise exception 'audit store refuses rows'; end $$;
  create trigger koe_test_refuse_audit before insert on audit_event for each row execute function koe_test_refuse_audit();`;
const ACCEPT_AUDIT_ROWS = 'drop trigger if exists koe_test_refuse_audit on audit_event';

const EMAILS = '{ customers(first: 5) { edges { node { id name email } } } }';

async function asAdmin(url: string, requestId: string = randomUUID()) {
  const res = await postGraphQL(url, { query: EMAILS }, { authorization: `Bearer ${await koe.token('p-admin')}`, 'x-request-id': requestId });
  return { ...res, text: JSON.stringify(res.json) };
}

const auditCount = () => koe.orm.em.fork().count(AuditEventEntity, {});

describe('useAuditRecorder (fail closed)', () => {
  it('sends no data while audit rows are refused, and records again once they are accepted', async () => {
    const before = await asAdmin(koe.platform.gatewayUrl);
    const emails = (before.json.data as { customers: { edges: Array<{ node: { email: string } }> } }).customers.edges.map((e) => e.node.email);
    expect(emails).toHaveLength(5);
    const recorded = await auditCount();

    await db.superuser(REFUSE_AUDIT_ROWS);
    try {
      for (const url of [koe.platform.gatewayUrl, koe.platform.subgraphUrls.customers]) {
        const r = await asAdmin(url);
        expect(r.json.errors?.length).toBeGreaterThan(0);
        expect(r.json.data ?? null).toBeNull();
        for (const email of emails) expect(r.text).not.toContain(email);
        expect(r.text).not.toContain('@');
      }
      const direct = await asAdmin(koe.platform.subgraphUrls.customers);
      expect(direct.status).toBe(503);
      expect(direct.json.errors![0]!.extensions!.code).toBe('AUDIT_UNAVAILABLE');
      // A refusal that cannot be recorded is not answered as a plain 401 either.
      const anonymous = await postGraphQL(koe.platform.subgraphUrls.customers, { query: EMAILS }, { authorization: 'Bearer forged' });
      expect(anonymous.json.errors![0]!.extensions!.code).toBe('AUDIT_UNAVAILABLE');
      expect(await auditCount()).toBe(recorded);
    } finally {
      await db.superuser(ACCEPT_AUDIT_ROWS);
    }

    const requestId = `after-${randomUUID()}`;
    const after = await asAdmin(koe.platform.gatewayUrl, requestId);
    expect(after.text).toContain(emails[0]!);
    // The customers subgraph's event and the gateway's edge event.
    expect(await koe.orm.em.fork().count(AuditEventEntity, { requestId, action: { $in: ['query', 'edge'] } })).toBe(2);
    expect((await verifyChain(db.sql)).ok).toBe(true);
  });

  // Guards the gateway path on its own: a plan over two subgraphs, and the second subgraph called
  // directly, must leak nothing when the audit store refuses rows (not only the customers subgraph).
  it('sends no personal data from a query spanning both subgraphs, through the gateway or at the feedback subgraph', async () => {
    const SPANNING = '{ feedbacks(first: 5) { edges { node { id body customer { id name email } } } } }';
    const as = async (url: string, query: string) => {
      const res = await postGraphQL(url, { query }, { authorization: `Bearer ${await koe.token('p-admin')}`, 'x-request-id': randomUUID() });
      return { ...res, text: JSON.stringify(res.json) };
    };
    const before = await as(koe.platform.gatewayUrl, SPANNING);
    const nodes = (before.json.data as { feedbacks: { edges: Array<{ node: { body: string; customer: { email: string } | null } }> } }).feedbacks.edges.map((e) => e.node);
    const secrets = nodes.flatMap((n) => [n.body, n.customer?.email]).filter((v): v is string => typeof v === 'string' && v.length > 3);
    expect(secrets.length).toBeGreaterThan(3);
    const recorded = await auditCount();

    await db.superuser(REFUSE_AUDIT_ROWS);
    try {
      const attempts = [
        await as(koe.platform.gatewayUrl, SPANNING),
        await as(koe.platform.gatewayUrl, '{ feedbacks(first: 5) { edges { node { id body } } } }'),
        await as(koe.platform.subgraphUrls.feedback, '{ feedbacks(first: 5) { edges { node { id body } } } }'),
      ];
      for (const r of attempts) {
        expect(r.json.errors?.length).toBeGreaterThan(0);
        expect(r.json.data ?? null).toBeNull();
        for (const v of secrets) expect(r.text).not.toContain(v);
      }
      expect(attempts[2]!.status).toBe(503);
      expect(attempts[2]!.json.errors![0]!.extensions!.code).toBe('AUDIT_UNAVAILABLE');
      expect(await auditCount()).toBe(recorded);
    } finally {
      await db.superuser(ACCEPT_AUDIT_ROWS);
    }
  });

  it('signs a checkpoint every N events, and verify checks them with the key', async () => {
    for (let i = 0; i < 4; i++) await asAdmin(koe.platform.subgraphUrls.feedback);
    const checkpoints = await db.sql<{ seq: string }>('select seq::text as seq from audit_checkpoint order by audit_checkpoint.seq');
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(checkpoints.every((c) => BigInt(c.seq) % 3n === 0n)).toBe(true);
    const report = await verifyChain(db.sql, { key: TEST_CHECKPOINT_KEY });
    expect(report).toMatchObject({ ok: true, signaturesChecked: true, checkpoints: checkpoints.length });
  });
});
