/**
 * `koe access …` run as an administrator would, as child processes against a scratch database of
 * their own (the commands change principals other test files rely on). Spawns cost seconds each,
 * so independent ones run side by side and each test asserts on one or two.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDatabaseUrl } from '../support/run-database.js';
import { createApiKey } from '../../src/auth/api-key-admin.js';
import { readDecisions } from '../../src/cli/commands/access/review-apply.js';
import { verifyApiKey } from '../../src/auth/api-key.js';
import type { ReviewRow } from '../../src/auth/access-review.js';
import { seedDemoData } from '../../src/data/demo-seed.js';
import { ApiKeyEntity, AuditEventEntity, PrincipalEntity } from '../../src/data/entities/index.js';
import { migrateUp } from '../../src/data/migrate.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { testCrypto } from '../support/crypto.js';
import { runKoe } from '../support/koe-cli.js';
import { createScratchDatabase, urlForDatabase, type ScratchDatabase } from '../../src/data/postgres/index.js';

let scratch: ScratchDatabase;
let orm: MikroORM;
let dir: string;
let goneKey: string;

/** `koe access …args` on the scratch database (execFile's default maxBuffer of 1 MiB, as before). */
const koe = (...args: string[]) => runKoe(['access', ...args], { DATABASE_URL: scratch.url, KOE_POLICY_DIR: undefined }, { maxBuffer: 1024 * 1024 });

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const ADMIN = { id: 'p-admin', roles: ['admin'], policyVersion: 'test', via: 'cli' as const };

beforeAll(async () => {
  scratch = await createScratchDatabase(urlForDatabase(runDatabaseUrl(), 'postgres'), 'koe_test');
  orm = await openOrm({ url: scratch.url });
  await migrateUp(orm);
  await seedDemoData(orm, 'cli-test', await testCrypto(orm), { customers: 20, feedback: 20 });
  // What a real review finds: a stale grant, an expired contractor, a leaver who still has a key.
  const grant = (role: string, days: number) => ({ role, grantedBy: 'p-admin', grantedAt: ago(days).toISOString() });
  const base = { attributes: {}, teamId: null, status: 'active' as const, createdAt: ago(400) };
  await orm.em.fork().insertMany(PrincipalEntity, [
    { ...base, id: 't-stale', displayName: 'stale', roles: ['analyst'], roleGrants: [grant('analyst', 300)], lastSeenAt: ago(120), reviewedAt: ago(250) },
    { ...base, id: 't-expired', displayName: 'contractor', roles: ['marketing'], roleGrants: [grant('marketing', 100)], lastSeenAt: ago(2), expiresAt: ago(1), reviewedAt: ago(10) },
    { ...base, id: 't-gone', displayName: 'leaver', roles: ['ingest'], roleGrants: [grant('ingest', 50)], status: 'disabled', lastSeenAt: ago(40), reviewedAt: ago(10) },
    // Granted before separationOfDuties said admin and dpo may not be held together.
    { ...base, id: 't-both', displayName: 'both', roles: ['admin', 'dpo'], roleGrants: [grant('admin', 500), grant('dpo', 400)], lastSeenAt: ago(1), reviewedAt: ago(10) },
    // A second admin of this database alone, to approve what p-admin requests.
    { ...base, id: 't-admin2', displayName: 'second admin', roles: ['admin'], roleGrants: [grant('admin', 30)], lastSeenAt: ago(1), reviewedAt: ago(10) },
  ]);
  goneKey = (await createApiKey(orm.em, { principalId: 't-gone', name: 'etl', expiresAt: null }, ADMIN)).key;
  dir = mkdtempSync(join(tmpdir(), 'koe-access-'));
}, 120_000);

afterAll(async () => {
  await orm?.close(true);
  await scratch?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const events = (action: string, principalId: string) =>
  orm.em.fork().find(AuditEventEntity, { action, resources: { $contains: [`Principal:${principalId}`] } }, { orderBy: { seq: 'asc' } });

describe('koe access review', () => {
  it('flags stale, expired, unreviewed and privileged access and leavers holding keys; keys lists them without secrets', { timeout: 90_000 }, async () => {
    const [report, keys] = await Promise.all([koe('review', '--format', 'json', '--unused-days', '90'), koe('keys')]);
    expect(keys.stdout).toMatch(new RegExp(`${goneKey.slice(4, 12)}\\s+t-gone\\s+etl\\s.*active`));
    expect(keys.stdout).not.toContain(goneKey.slice(13));
    expect(report.code, report.stderr).toBe(0);
    const rows = new Map((JSON.parse(report.stdout) as ReviewRow[]).map((r) => [r.principalId, r]));
    expect(rows.get('t-stale')?.flags).toEqual(['unused', 'not-reviewed']);
    expect(rows.get('t-expired')?.flags).toEqual(['expired']);
    expect(rows.get('t-gone')?.flags).toEqual(['disabled-with-keys']);
    expect(rows.get('p-admin')?.flags).toEqual(['never-used', 'privileged', 'not-reviewed']);
    expect(rows.get('t-stale')?.grants).toEqual([expect.objectContaining({ role: 'analyst', grantedBy: 'p-admin' })]);
    expect(rows.get('t-both')).toMatchObject({ flags: ['privileged', 'separation-of-duties'], conflicts: ['admin+dpo'] });
    expect(rows.get('t-admin2')?.conflicts).toEqual([]);
  });

  it('applies a decisions file: each decision changes access, sets reviewedAt and is audited with the reviewer', { timeout: 90_000 }, async () => {
    const file = join(dir, 'decisions.yaml');
    writeFileSync(file, 'decisions:\n  - { principal: t-stale, action: "revoke:analyst" }\n  - { principal: t-expired, action: disable }\n  - { principal: t-admin2, action: keep }\n');
    const run = await koe('review', '--apply', '--decisions', file, '--reviewer', 'p-admin');
    expect(run.code, run.stderr).toBe(0);
    const em = orm.em.fork();
    expect(await em.findOneOrFail(PrincipalEntity, { id: 't-stale' })).toMatchObject({ roles: [], reviewedBy: 'p-admin' });
    expect(await em.findOneOrFail(PrincipalEntity, { id: 't-expired' })).toMatchObject({ status: 'disabled', reviewedBy: 'p-admin' });
    // Another admin, not the reviewer itself: nobody reviews their own access (the refusal: access-review-cli.test.ts).
    expect((await em.findOneOrFail(PrincipalEntity, { id: 't-admin2' })).reviewedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await events('access.revokeRole', 't-stale'))[0]).toMatchObject({ actorId: 'p-admin', detail: { role: 'analyst', via: 'cli' } });
    expect((await events('access.review', 't-stale'))[0]?.detail).toMatchObject({ decision: 'revoke:analyst' });
    expect((await events('access.review', 't-admin2'))[0]?.detail).toMatchObject({ decision: 'keep' });
  });

  it('refuses a decisions file with any bad entry, naming each, before applying any', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, '- { principal: p-bi, action: disable }\n- { principal: nobody, action: keep }\n- { principal: p-bi, action: "revoke:root" }\n');
    const read = () => readDecisions(file, new Set(['analyst']), new Set(['p-bi']));
    expect(read).toThrow(/nothing applied:\n.*decision 2: unknown principal "nobody"\n.*decision 3: .*no role "root" in the policy/);
  });
});

describe('koe access grant of a privileged role, and who may grant', () => {
  it('opens a request that only a second admin approves; refuses non-admin and self grants', { timeout: 300_000 }, async () => {
    const [request, byAnalyst, self] = await Promise.all([
      koe('grant', 'p-support-east', 'admin', '--actor', 'p-admin'),
      koe('grant', 'p-bi', 'analyst', '--actor', 'p-analyst'),
      koe('grant', 't-admin2', 'analyst', '--actor', 't-admin2'),
    ]);
    expect(request.code, request.stderr).toBe(0);
    const id = /grant request ([0-9a-f-]{36}) waits until/.exec(request.stdout)?.[1];
    expect(id, request.stdout).toBeDefined();
    expect(byAnalyst.code).not.toBe(0);
    expect(byAnalyst.stderr).toContain('--actor p-analyst (roles: analyst) may not do this: the policy allows grantRole to admin');
    expect(self.code).not.toBe(0);
    expect(self.stderr).toContain('No principal may grant a role to itself');
    expect((await orm.em.fork().findOneOrFail(PrincipalEntity, { id: 'p-bi' })).roles).toEqual(['bi_readonly']);
    expect((await orm.em.fork().findOneOrFail(PrincipalEntity, { id: 't-admin2' })).roles).toEqual(['admin']);
    expect((await orm.em.fork().findOneOrFail(PrincipalEntity, { id: 'p-support-east' })).roles).toEqual(['support_agent']);

    const own = await koe('approve', id!, '--actor', 'p-admin');
    expect(own.code).not.toBe(0);
    expect(own.stderr).toContain('The requester cannot approve its own request');
    const approved = await koe('approve', id!, '--actor', 't-admin2');
    expect(approved.code, approved.stderr).toBe(0);
    expect((await orm.em.fork().findOneOrFail(PrincipalEntity, { id: 'p-support-east' })).roles).toEqual(['support_agent', 'admin']);
    expect((await events('access.grantRequested', 'p-support-east'))[0]).toMatchObject({ actorId: 'p-admin', detail: { via: 'cli' } });
    expect((await events('access.grantApproved', 'p-support-east'))[0]).toMatchObject({ actorId: 't-admin2', detail: { requestedBy: 'p-admin', via: 'cli' } });
  });
});

describe('koe access grant and keys', () => {
  it('grants a role, and creates a key that works, printed once and stored as a hash, then revokes it', { timeout: 90_000 }, async () => {
    const [grant, created] = await Promise.all([
      koe('grant', 'p-marketing', 'analyst', '--actor', 'p-admin'),
      koe('create-key', 'p-bi', '--name', 'looker', '--expires-in', '30d', '--actor', 'p-admin'),
    ]);
    expect(grant.code, grant.stderr).toBe(0);
    expect((await orm.em.fork().findOneOrFail(PrincipalEntity, { id: 'p-marketing' })).roles).toEqual(['marketing', 'analyst']);
    expect((await events('access.grantRole', 'p-marketing'))[0]).toMatchObject({ actorId: 'p-admin', detail: { after: { roles: ['marketing', 'analyst'] } } });

    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(await verifyApiKey(orm.em.fork(), key, new Date())).toMatchObject({ principalId: 'p-bi' });
    const stored = await orm.em.fork().findOneOrFail(ApiKeyEntity, { principalId: 'p-bi', name: 'looker' });
    expect(JSON.stringify(stored)).not.toContain(key.slice(13));
    expect(stored.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);

    const revoke = await koe('revoke-key', stored.prefix, '--actor', 'p-admin');
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(await verifyApiKey(orm.em.fork(), key, new Date())).toEqual({ error: 'API key revoked', claimedPrincipalId: 'p-bi' });
  });
});
