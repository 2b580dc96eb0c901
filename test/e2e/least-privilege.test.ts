/**
 * Issue 19 §2, from real traffic on the worker's database: `koe access review` lists the PLAIN
 * fields a principal's roles allow but it never read in PLAIN (a support agent who only read
 * other teams' customers, MASKED) and not those it did read (an agent reading its own team), and a
 * role never used (an agent with no request); `koe policy impact <ref>` on a revision of a
 * temporary git copy of the policies that makes analyst's e-mail DENIED reports the change, the
 * requests and principals it would have hit (equal to SQL over the trail) and the operation by
 * name and hash that would start getting FORBIDDEN.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { postAs, startTestKoe, type TestKoe } from '../support/koe.js';
import { policyGitRepo, type PolicyRepo } from '../support/policy-git-repo.js';
import { clonePrincipal } from '../support/principals.js';
import { runDatabaseUrl } from '../support/run-database.js';

let koe: TestKoe;
const cli = (...args: string[]) => runKoe(args, koeCliEnv(runDatabaseUrl()));
const sql = <T>(q: string, p: unknown[] = []) => koe.orm.em.fork().getConnection().execute<T[]>(q, p);

const TEAM_PAGE = `query LP_Team($team: ID!) { customers(first: 4, filter: { teamId: $team }) { edges { node { id email name } } } }`;
const DASH = `query LP_Dash { customers(first: 5) { edges { node { id email name } } } }`;

beforeAll(async () => {
  koe = await startTestKoe();
  for (const id of ['lp-idle', 'lp-busy', 'lp-never']) await clonePrincipal(koe.orm, id, 'p-support-east');
  await clonePrincipal(koe.orm, 'lp-analyst', 'p-analyst');
  const ok = (r: Awaited<ReturnType<typeof postAs>>) => expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  ok(await postAs(koe, 'lp-idle', TEAM_PAGE, { team: 'team-west' }));
  ok(await postAs(koe, 'lp-busy', TEAM_PAGE, { team: 'team-east' }));
  for (let i = 0; i < 3; i++) ok(await postAs(koe, 'lp-analyst', DASH));
}, 120_000);

afterAll(async () => {
  await koe?.stop();
});

interface Unused { days: number; plainFields: Array<{ field: string; roles: string[]; readMasked: boolean; suggestion: string }>; roles: Array<{ role: string; suggestion: string }> }
interface Row { principalId: string; flags: string[]; unusedPermissions: Unused }

describe('koe access review: unused permissions', () => {
  let rows: Map<string, Row>;

  beforeAll(async () => {
    const r = await cli('access', 'review', '--format', 'json', '--unused-days', '1');
    expect(r.code, r.stderr).toBe(0);
    rows = new Map((JSON.parse(r.stdout) as Row[]).map((x) => [x.principalId, x]));
  }, 120_000);

  it('suggests narrowing e-mail to MASKED for an agent who only ever read it MASKED', () => {
    const idle = rows.get('lp-idle')!.unusedPermissions;
    const email = idle.plainFields.find((f) => f.field === 'Customer.email');
    expect(email).toMatchObject({ roles: ['support_agent'], readMasked: true });
    expect(email!.suggestion).toContain('narrow Customer.email to MASKED');
    expect(idle.roles).toEqual([]);
  });

  it('does not suggest it for an agent who read e-mail and name in PLAIN, but does for fields it never read', () => {
    const busy = rows.get('lp-busy')!.unusedPermissions;
    const fields = busy.plainFields.map((f) => f.field);
    expect(fields).not.toContain('Customer.email');
    expect(fields).not.toContain('Customer.name');
    expect(fields).toContain('Customer.address');
    expect(busy.roles).toEqual([]);
  });

  it('suggests revoking a role the principal never used', () => {
    const never = rows.get('lp-never')!.unusedPermissions;
    expect(never.roles).toEqual([{ role: 'support_agent', suggestion: expect.stringContaining('revoke support_agent') }]);
    expect(never.plainFields.map((f) => f.field)).toContain('Customer.email');
  });
});

describe('koe policy impact', () => {
  let repo: PolicyRepo;

  beforeAll(() => {
    repo = policyGitRepo({
      'deny-email': (dir) => {
        const file = join(dir, 'roles-analytics.policy.yaml');
        const text = readFileSync(file, 'utf8');
        const changed = text.replace('fields: [name, nameKana, email, phone, purchases]', 'fields: [name, nameKana, phone, purchases]');
        expect(changed).not.toBe(text);
        writeFileSync(file, changed);
      },
    });
  });

  afterAll(() => repo?.remove());

  it("reports analyst's e-mail MASKED → DENIED with the requests and principals SQL over the trail counts, and LP_Dash as FORBIDDEN", async () => {
    const r = await cli('policy', 'impact', 'deny-email', '--days', '1', '--format', 'json', '--dir', repo.policies);
    expect(r.code, r.stderr).toBe(0);
    const impact = JSON.parse(r.stdout) as {
      changes: Array<{ roles: string; field: string; before: string; after: string; requests: number; principals: number }>;
      forbidden: Array<{ operationName: string | null; operationHash: string | null; roles: string; fields: string[]; requests: number; principals: number }>;
    };
    const [want] = await sql<{ requests: number; principals: number }>(
      `select count(*)::int as requests, count(distinct actor_id)::int as principals from audit_event
        where at >= now() - interval '1 day' and roles = array['analyst']::text[]
          and fields @> '[{"field":"Customer.email","decision":"MASKED"}]'`,
    );
    const change = impact.changes.find((c) => c.roles === 'analyst' && c.field === 'Customer.email');
    expect(change).toMatchObject({ before: 'MASKED', after: 'DENIED', requests: want!.requests, principals: want!.principals });
    expect(want!.requests).toBeGreaterThanOrEqual(3);
    // Nothing else of the analyst changes.
    expect(impact.changes.filter((c) => c.roles === 'analyst').map((c) => c.field)).toEqual(['Customer.email']);
    const [dash] = await sql<{ hash: string; n: number }>(
      `select operation_hash as hash, count(*)::int as n from audit_event where operation_name = 'LP_Dash' and subgraph = 'customers' group by 1`,
    );
    const op = impact.forbidden.find((o) => o.operationName === 'LP_Dash');
    expect(op).toEqual({ operationName: 'LP_Dash', operationHash: dash!.hash, roles: 'analyst', fields: ['Customer.email'], requests: dash!.n, principals: 1 });
    const text = await cli('policy', 'impact', 'deny-email', '--days', '1', '--dir', repo.policies);
    expect(text.stdout).toContain('| analyst | Customer.email | MASKED → DENIED |');
    expect(text.stdout).toContain('Operations that would start getting FORBIDDEN');
  }, 180_000);

  it('reports no change against the revision the files came from', async () => {
    const r = await cli('policy', 'impact', 'main', '--days', '1', '--format', 'json', '--dir', repo.policies);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { changes: unknown[]; forbidden: unknown[] })).toMatchObject({ changes: [], forbidden: [] });
  }, 120_000);
});
