/**
 * The console's operations data over GraphQL (keyStatus, lifecycleDryRun): the same reports as
 * `koe keys status` and `koe lifecycle run`, readable by admins and the DPO only; and the console
 * sign-in's limit on refused attempts per client address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAs, startTestKoe, type TestKoe } from '../support/koe.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { runDatabaseUrl } from '../support/run-database.js';

const FAILURES = 3;
let koe: TestKoe;
let consoleUrl: string;

beforeAll(async () => {
  koe = await startTestKoe(undefined, { limits: { signInFailuresPerMinute: FAILURES } });
  consoleUrl = koe.platform.gatewayUrl.replace(/\/graphql$/, '/console');
});
afterAll(() => koe?.stop());

const KEYS = '{ keyStatus { active maxAgeDays rotationDue rotationUnfinished problems versions { version state ageDays dataKeys configured fingerprintMatches } } }';
const LIFECYCLE = 'query($asOf: DateTime) { lifecycleDryRun(asOf: $asOf) { asOf categories { category keep after action cutoff due } auditRetention { action days } } }';
type Body = { data?: Record<string, never> | null; errors?: Array<{ extensions?: { code?: string } }> };
const codes = (b: Body) => b.errors?.map((e) => e.extensions?.code);

describe('keyStatus', () => {
  it.each(['p-admin', 'p-dpo'])('%s reads the KEK versions and the rotation period of the policy files', async (who) => {
    const res = (await postAs(koe, who, KEYS)) as { data: { keyStatus: { active: number; maxAgeDays: number; versions: Array<{ version: number; configured: boolean; fingerprintMatches: boolean }> } } };
    expect(res.data.keyStatus.maxAgeDays).toBe(90);
    const active = res.data.keyStatus.versions.find((v) => v.version === res.data.keyStatus.active);
    expect(active).toMatchObject({ configured: true, fingerprintMatches: true });
  });

  it.each(['p-auditor', 'p-analyst', 'p-support-east', 'p-marketing', 'p-ingest'])('%s is refused FORBIDDEN, with no data', async (who) => {
    const res = (await postAs(koe, who, KEYS)) as Body;
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.data ?? null).toBeNull();
  });
});

describe('lifecycleDryRun', () => {
  it('the DPO gets the categories of lifecycle.policy.yaml with what is due, as `koe lifecycle run` counts it, and the audit retention', async () => {
    const asOf = '2040-01-01T00:00:00.000Z';
    const res = (await postAs(koe, 'p-dpo', LIFECYCLE, { asOf })) as { data: { lifecycleDryRun: { asOf: string; categories: Array<{ category: string; due: number; keep: string }>; auditRetention: Array<{ action: string; days: number }> } } };
    const run = res.data.lifecycleDryRun;
    expect(run.asOf).toBe(asOf);
    expect(run.categories.map((c) => c.category).sort()).toEqual(['contactDetails', 'feedback', 'purchases']);
    expect(run.auditRetention).toEqual(expect.arrayContaining([{ action: 'default', days: 365 }, { action: 'mutation', days: 1095 }]));
    // One implementation behind both: the CLI's dry run counts the same.
    const cli = await runKoe(['lifecycle', 'run', '--json', '--now', asOf], koeCliEnv(runDatabaseUrl()));
    expect(cli.code).toBe(0);
    const fromCli = (JSON.parse(cli.stdout) as { categories: Array<{ category: string; due: number }> }).categories;
    expect(run.categories.map((c) => [c.category, c.due]).sort()).toEqual(fromCli.map((c) => [c.category, c.due]).sort());
    expect(run.categories.some((c) => c.due > 0)).toBe(true);
  });

  it('changes nothing: a second dry run counts the same', async () => {
    const once = await postAs(koe, 'p-admin', LIFECYCLE, { asOf: '2040-01-01T00:00:00Z' });
    const twice = await postAs(koe, 'p-admin', LIFECYCLE, { asOf: '2040-01-01T00:00:00Z' });
    expect(twice).toEqual(once);
  });

  it.each(['p-auditor', 'p-analyst', 'p-support-east', 'p-marketing'])('%s is refused FORBIDDEN', async (who) => {
    expect(codes((await postAs(koe, who, LIFECYCLE)) as Body)).toEqual(['FORBIDDEN']);
  });
});

describe('console sign-in limit', () => {
  const signIn = (credential: string) =>
    fetch(`${consoleUrl}/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-koe-console': '1' }, body: JSON.stringify({ credential }) });

  it(`answers 429 with Retry-After after ${FAILURES} refused sign-ins from one address in a minute, even to a valid token`, async () => {
    // The counter is per minute: start early in one, so the attempts below share it.
    const second = new Date().getSeconds();
    if (second > 45) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
    const good = await koe.token('p-auditor');
    expect((await signIn(good)).status).toBe(200); // successes do not count
    for (let i = 0; i < FAILURES; i++) expect((await signIn(`koe_wrong${i}_notakey`)).status).toBe(401);
    const refused = await signIn(good);
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(refused.headers.get('set-cookie')).toBeNull();
    // The API itself is not the sign-in endpoint: a token still works there.
    expect((await postAs(koe, 'p-auditor', '{ me { id } }')).errors).toBeUndefined();
  }, 120_000);
});
