/**
 * `koe access review start|list|show|decide|sign-off|csv`: the stored periodic review from the
 * shell, as child processes against a scratch database of their own (one review is open at a
 * time, and sign-off changes principals). The review is the same record the console works on.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidePeriodicReview, listPeriodicReviewItems } from '../../src/auth/periodic-review.js';
import { seedDemoData } from '../../src/data/demo-seed.js';
import { AuditEventEntity, PrincipalEntity } from '../../src/data/entities/index.js';
import { migrateUp } from '../../src/data/migrate.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { createScratchDatabase, urlForDatabase, type ScratchDatabase } from '../../src/data/postgres/index.js';
import { cliPolicy } from '../../src/cli/runtime.js';
import { testCrypto } from '../support/crypto.js';
import { runKoe } from '../support/koe-cli.js';
import { runDatabaseUrl } from '../support/run-database.js';

let scratch: ScratchDatabase;
let orm: MikroORM;
let dir: string;

const koe = (...args: string[]) => runKoe(['access', 'review', ...args], { DATABASE_URL: scratch.url, KOE_POLICY_DIR: undefined });
const ADMIN = { id: 'p-admin', roles: ['admin'], policyVersion: 'test', via: 'cli' as const };
const DAY = 86_400_000;

beforeAll(async () => {
  scratch = await createScratchDatabase(urlForDatabase(runDatabaseUrl(), 'postgres'), 'koe_test');
  orm = await openOrm({ url: scratch.url });
  await migrateUp(orm);
  await seedDemoData(orm, 'review-cli-test', await testCrypto(orm), { customers: 10, feedback: 10 });
  // Everyone used and reviewed recently, so the review holds the privileged and the one stale analyst.
  await orm.em.fork().nativeUpdate(PrincipalEntity, {}, { lastSeenAt: new Date(), reviewedAt: new Date(), reviewedBy: 'p-admin' });
  const ago = new Date(Date.now() - 200 * DAY);
  await orm.em.fork().insert(PrincipalEntity, {
    id: 't-stale', displayName: 'stale', roles: ['analyst', 'marketing'], attributes: {}, teamId: null, status: 'active', createdAt: ago,
    roleGrants: [{ role: 'analyst', grantedBy: 'p-admin', grantedAt: ago.toISOString() }, { role: 'marketing', grantedBy: 'p-admin', grantedAt: ago.toISOString() }],
    lastSeenAt: ago, reviewedAt: ago,
  });
  // A second admin, who decides p-admin's item: nobody decides their own (scratch database: two admins are fine here).
  await orm.em.fork().insert(PrincipalEntity, {
    id: 't-admin2', displayName: 'second admin', roles: ['admin'], attributes: {}, teamId: null, status: 'active', createdAt: new Date(),
    roleGrants: [{ role: 'admin', grantedBy: 'p-admin', grantedAt: new Date().toISOString() }], lastSeenAt: new Date(), reviewedAt: new Date(), reviewedBy: 'p-admin',
  });
  dir = mkdtempSync(join(tmpdir(), 'koe-review-cli-'));
}, 180_000);

afterAll(async () => {
  await orm?.close(true);
  await scratch?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('koe access review: a stored review from the shell', () => {
  it('start needs a reason and an admin; show lists each principal with its unused permissions', { timeout: 240_000 }, async () => {
    const [noReason, byAuditor, empty] = await Promise.all([
      koe('start', '--actor', 'p-admin'),
      koe('start', '--actor', 'p-auditor', '--reason', 'Q4'),
      koe('list'),
    ]);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain("required option '--reason <text>' not specified");
    expect(byAuditor.code).not.toBe(0);
    expect(byAuditor.stderr).toContain('may not do this: the policy allows startPeriodicReview to admin');
    expect(empty.stdout).toContain('No periodic review yet');

    const started = await koe('start', '--actor', 'p-admin', '--reason', 'quarterly review Q4', '--unused-days', '30');
    expect(started.code, started.stderr).toBe(0);
    const id = /^review ([0-9a-f-]{36}): open/m.exec(started.stdout)?.[1];
    expect(id, started.stdout).toBeDefined();

    const [again, shown, table, list] = await Promise.all([
      koe('start', '--actor', 'p-admin', '--reason', 'again'),
      koe('show', id!, '--format', 'json'),
      koe('show', id!),
      koe('list'),
    ]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`review ${id} is still open: sign it off first`);
    expect(shown.code, shown.stderr).toBe(0);
    const review = JSON.parse(shown.stdout) as { reason: string; unusedDays: number; items: Array<{ principalId: string; flags: string[]; unusedPermissions: { days: number; roles: Array<{ role: string }> } }> };
    expect(review).toMatchObject({ reason: 'quarterly review Q4', unusedDays: 30 });
    const stale = review.items.find((i) => i.principalId === 't-stale')!;
    expect(stale.flags).toEqual(['unused', 'not-reviewed']);
    expect(stale.unusedPermissions.days).toBe(30);
    expect(stale.unusedPermissions.roles.map((r) => r.role)).toEqual(['analyst', 'marketing']);
    expect(table.stdout).toMatch(/t-stale\s+stale\s+analyst marketing\s+unused not-reviewed\s+PLAIN→MASKED: .*; revoke: analyst, marketing\s+undecided/);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+open\\s+.*0/${review.items.length}\\s+-\\s+quarterly review Q4`));
  });

  it('decide, sign-off (refused while undecided, then applied and audited), csv', { timeout: 240_000 }, async () => {
    const open = await orm.em.fork().getConnection().execute<Array<{ id: string }>>(`select id from access_review where status = 'open'`);
    const id = open[0]?.id;
    expect(id, 'the review the first test started').toBeDefined();
    const [bad, byAuditor, early] = await Promise.all([
      koe('decide', id!, 't-stale', 'revoke:dpo', '--actor', 'p-admin'),
      koe('decide', id!, 't-stale', 'keep', '--actor', 'p-auditor'),
      koe('sign-off', id!, '--actor', 'p-admin'),
    ]);
    expect(bad.stderr).toContain('t-stale did not hold "dpo" when the review started');
    expect(byAuditor.stderr).toContain('may not do this');
    expect(early.code).not.toBe(0);
    expect(early.stderr).toMatch(/principal\(s\) still undecided/);

    const decided = await koe('decide', id!, 't-stale', 'revoke:marketing', '--actor', 'p-admin', '--reason', 'left the campaign team');
    expect(decided.code, decided.stderr).toBe(0);
    expect(decided.stdout).toMatch(/^t-stale: revoke:marketing \(by p-admin\); \d+\/\d+ decided/);
    // Segregation of duties: p-admin may not decide its own item; the refusal is audited, and another admin decides it.
    const own = await koe('decide', id!, 'p-admin', 'keep', '--actor', 'p-admin');
    expect(own.code).not.toBe(0);
    expect(own.stderr).toContain(`Segregation of duties: no reviewer may decide their own access: another reviewer must decide p-admin in review ${id}`);
    const refused = await orm.em.fork().find(AuditEventEntity, { action: 'access.reviewDecided', resources: { $contains: ['Principal:p-admin'] } });
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ actorId: 'p-admin', outcome: 'denied', detail: { decision: 'keep', refused: expect.stringContaining('another reviewer must decide p-admin'), via: 'cli' } });
    const byOther = await koe('decide', id!, 'p-admin', 'keep', '--actor', 't-admin2');
    expect(byOther.code, byOther.stderr).toBe(0);
    expect(byOther.stdout).toMatch(/^p-admin: keep \(by t-admin2\)/);
    // The other privileged principals are kept, through the same function the verb calls.
    const em = orm.em.fork();
    const policy = await cliPolicy();
    for (const i of await listPeriodicReviewItems(em, id!, null, 100)) {
      if (i.principalId !== 't-stale' && i.principalId !== 'p-admin') await decidePeriodicReview(em, { reviewId: id!, principalId: i.principalId, action: 'keep', reason: null }, ADMIN, policy);
    }
    // An item its own principal decided (before the rule, or written around it) blocks sign-off until someone else decides it.
    await orm.em.fork().getConnection().execute(`update access_review_item set decided_by = principal_id where review_id = ? and principal_id = 't-admin2'`, [id]);
    const selfDecided = await koe('sign-off', id!, '--actor', 'p-admin');
    expect(selfDecided.code).not.toBe(0);
    expect(selfDecided.stderr).toContain('t-admin2 decided their own item; another reviewer must decide it again before sign-off');
    await decidePeriodicReview(em, { reviewId: id!, principalId: 't-admin2', action: 'keep', reason: null }, ADMIN, policy);

    const signed = await koe('sign-off', id!, '--actor', 'p-admin');
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toContain(`review ${id}: signed_off`);
    expect((await orm.em.fork().findOneOrFail(PrincipalEntity, { id: 't-stale' })).roles).toEqual(['analyst']);
    const revoked = await orm.em.fork().find(AuditEventEntity, { action: 'access.revokeRole', resources: { $contains: ['Principal:t-stale'] } });
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ actorId: 'p-admin', detail: { role: 'marketing', via: 'cli' } });

    const out = join(dir, 'review.csv');
    const csv = await koe('csv', id!, '--out', out);
    expect(csv.code, csv.stderr).toBe(0);
    const line = readFileSync(out, 'utf8').split('\n').find((l) => l.includes('"t-stale"'))!;
    expect(line).toContain('"revoke:marketing","left the campaign team","p-admin"');
    expect(line).toContain('revoke: analyst, marketing","quarterly review Q4"');
    // The principal is the sixth column (review, started at and by, signed off at and by come first).
    const admin = readFileSync(out, 'utf8').split('\n').find((l) => l.split(',')[5] === '"p-admin"')!;
    expect(admin).toContain('"keep","","t-admin2"');
  });

  it('--apply refuses a file that decides the reviewer itself, and applies nothing of it', { timeout: 120_000 }, async () => {
    const file = join(dir, 'decisions.yaml');
    writeFileSync(file, '- { principal: t-admin2, action: keep }\n- { principal: p-admin, action: keep }\n');
    const before = await orm.em.fork().findOneOrFail(PrincipalEntity, { id: 't-admin2' });
    const r = await koe('--apply', '--reviewer', 'p-admin', '--decisions', file);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Segregation of duties: no reviewer may decide their own access: another reviewer must decide p-admin');
    expect((await orm.em.fork().findOneOrFail(PrincipalEntity, { id: 't-admin2' })).reviewedAt).toEqual(before.reviewedAt);
  });
});
