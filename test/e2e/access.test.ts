/**
 * Leavers, movers and role changes take effect on the principal's very next request, through the
 * gateway and straight to each subgraph, with a token that is still valid; every change is audited.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEventEntity, CustomerEntity, PrincipalEntity } from '../../src/data/entities/index.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';

let koe: TestKoe;
beforeAll(async () => {
  koe = await startTestKoe();
});
afterAll(async () => koe?.stop());

/** A principal of this test alone, so other test files' demo principals stay untouched. */
async function newPrincipal(roles: string[], teamId: string | null = null): Promise<string> {
  const id = `t-access-${randomBytes(4).toString('hex')}`;
  const grants = roles.map((role) => ({ role, grantedBy: 'test', grantedAt: new Date().toISOString() }));
  await koe.orm.em.fork().insert(PrincipalEntity, { id, displayName: id, roles, roleGrants: grants, teamId, attributes: {}, status: 'active', createdAt: new Date() });
  return id;
}

async function as(id: string, url: string, query: string, variables: Record<string, unknown> = {}) {
  return postGraphQL(url, { query, variables }, { authorization: `Bearer ${await koe.token(id)}` });
}

const CHANGE = `mutation($p: ID!, $r: String!) { grantRole(principalId: $p, role: $r) { id roles grants { role grantedBy } } }`;
const REVOKE = `mutation($p: ID!, $r: String!) { revokeRole(principalId: $p, role: $r) { id roles } }`;
const DISABLE = `mutation($p: ID!) { disablePrincipal(principalId: $p) { id status } }`;
const MOVE = `mutation($p: ID!, $t: ID) { setPrincipalTeam(principalId: $p, teamId: $t) { id teamId } }`;
const EMAILS = `{ customers(first: 100) { edges { node { id email teamId } } } }`;

type Emails = { customers: { edges: Array<{ node: { id: string; email: string | null; teamId: string | null } }> } };

async function auditEvents(action: string, principalId: string) {
  return koe.orm.em.fork().find(AuditEventEntity, { action, resources: { $contains: [`Principal:${principalId}`] } });
}

describe('grantRole and revokeRole', () => {
  it('a granted role shapes the very next response, and a revoked one the one after', async () => {
    const id = await newPrincipal([]);
    const before = await as(id, koe.platform.gatewayUrl, EMAILS);
    expect((before.json.data as Emails).customers.edges).toHaveLength(0);

    const granted = await as('p-admin', koe.platform.gatewayUrl, CHANGE, { p: id, r: 'analyst' });
    expect(granted.json.errors).toBeUndefined();
    expect(granted.json.data).toEqual({ grantRole: { id, roles: ['analyst'], grants: [{ role: 'analyst', grantedBy: 'p-admin' }] } });

    const after = (await as(id, koe.platform.gatewayUrl, EMAILS)).json.data as Emails;
    expect(after.customers.edges.length).toBeGreaterThan(10);
    for (const e of after.customers.edges) if (e.node.email) expect(e.node.email).toContain('***');

    // Straight to the audit subgraph this time: the subgraph enforces by itself.
    const revoked = await as('p-admin', koe.platform.subgraphUrls.audit, REVOKE, { p: id, r: 'analyst' });
    expect(revoked.json.data).toEqual({ revokeRole: { id, roles: [] } });
    const gone = (await as(id, koe.platform.subgraphUrls.customers, EMAILS)).json.data as Emails;
    expect(gone.customers.edges).toHaveLength(0);

    const [grant] = await auditEvents('access.grantRole', id);
    expect(grant).toMatchObject({ actorId: 'p-admin', roles: ['admin'], outcome: 'ok' });
    expect(grant!.detail).toMatchObject({ principalId: id, role: 'analyst', before: { roles: [] }, after: { roles: ['analyst'] } });
    expect(await auditEvents('access.revokeRole', id)).toHaveLength(1);
  });

  it('refuses a role the policy does not define with BAD_USER_INPUT naming role, and changes nothing', async () => {
    const id = await newPrincipal(['bi_readonly']);
    const res = await as('p-admin', koe.platform.gatewayUrl, CHANGE, { p: id, r: 'superuser' });
    expect(res.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'role' });
    expect((await koe.orm.em.fork().findOneOrFail(PrincipalEntity, { id })).roles).toEqual(['bi_readonly']);
    expect(await auditEvents('access.grantRole', id)).toHaveLength(0);
  });

  it('refuses to revoke or disable the last active admin, so someone can always repair access', async () => {
    // Only p-admin holds admin in the demo data; no test grants admin to anyone.
    const admins = (await koe.orm.em.fork().find(PrincipalEntity, { status: 'active', roles: { $contains: ['admin'] } })).map((p) => p.id);
    expect(admins, 'active admins before the revoke').toEqual(['p-admin']);
    const revoke = await as('p-admin', koe.platform.gatewayUrl, REVOKE, { p: 'p-admin', r: 'admin' });
    expect(revoke.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'principalId' });
    expect(revoke.json.errors?.[0]?.message).toContain('last active admin');
    const disable = await as('p-admin', koe.platform.gatewayUrl, DISABLE, { p: 'p-admin' });
    expect(disable.json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await koe.orm.em.fork().findOneOrFail(PrincipalEntity, { id: 'p-admin' })).toMatchObject({ status: 'active', roles: ['admin'] });
    // Another admin may go: p-admin remains.
    const second = await newPrincipal(['admin']);
    expect((await as('p-admin', koe.platform.gatewayUrl, DISABLE, { p: second })).json.data).toEqual({ disablePrincipal: { id: second, status: 'disabled' } });
  });

  it('refuses an unknown principal with BAD_USER_INPUT naming principalId', async () => {
    const res = await as('p-admin', koe.platform.gatewayUrl, DISABLE, { p: 'no-such-principal' });
    expect(res.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'principalId' });
  });

  it.each(['p-analyst', 'p-auditor', 'p-support-east', 'p-dpo', 'p-ingest'])('refuses %s with FORBIDDEN', async (caller) => {
    const id = await newPrincipal(['bi_readonly']);
    for (const [query, variables] of [[CHANGE, { p: id, r: 'admin' }], [DISABLE, { p: id }], [MOVE, { p: id, t: 'team-east' }]] as const) {
      const res = await as(caller, koe.platform.gatewayUrl, query, variables);
      expect(res.json.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
    expect((await koe.orm.em.fork().findOneOrFail(PrincipalEntity, { id })).status).toBe('active');
  });
});

describe('disablePrincipal (a leaver)', () => {
  it('refuses the next request of a still-valid token with 401 on the gateway and every subgraph', async () => {
    const id = await newPrincipal(['analyst']);
    const token = await koe.token(id);
    const urls = { gateway: koe.platform.gatewayUrl, ...koe.platform.subgraphUrls };
    const probe = (where: string) => ({ customers: '{ customers(first: 1) { totalCount } }', feedback: '{ feedbacks(first: 1) { totalCount } }' })[where] ?? '{ me { id } }';
    for (const [where, url] of Object.entries(urls)) {
      expect((await postGraphQL(url, { query: probe(where) }, { authorization: `Bearer ${token}` })).status, where).toBe(200);
    }

    const res = await as('p-admin', koe.platform.gatewayUrl, DISABLE, { p: id });
    expect(res.json.data).toEqual({ disablePrincipal: { id, status: 'disabled' } });

    for (const [where, url] of Object.entries(urls)) {
      const next = await postGraphQL(url, { query: probe(where) }, { authorization: `Bearer ${token}` });
      expect(next.status, where).toBe(401);
      expect(next.json.errors?.[0]?.extensions?.code, where).toBe('UNAUTHENTICATED');
    }
    const [event] = await auditEvents('access.disablePrincipal', id);
    expect(event!.detail).toMatchObject({ before: { status: 'active' }, after: { status: 'disabled' } });

    const enable = `mutation($p: ID!) { enablePrincipal(principalId: $p) { status } }`;
    expect((await as('p-admin', koe.platform.gatewayUrl, enable, { p: id })).json.data).toEqual({ enablePrincipal: { status: 'active' } });
    expect((await postGraphQL(urls.gateway, { query: '{ me { id } }' }, { authorization: `Bearer ${token}` })).status).toBe(200);
  });
});

describe('setPrincipalTeam (a mover)', () => {
  it("switches which team a support agent sees in PLAIN on the next request", async () => {
    const id = await newPrincipal(['support_agent'], 'team-east');
    const teams = new Map((await koe.orm.em.fork().find(CustomerEntity, {}, { fields: ['id', 'teamId'] })).map((c) => [c.id, c.teamId]));
    const plainTeams = async () => {
      const data = (await as(id, koe.platform.subgraphUrls.customers, EMAILS)).json.data as Emails;
      return new Set(data.customers.edges.filter((e) => e.node.email && !e.node.email.includes('***')).map((e) => teams.get(e.node.id)));
    };
    expect([...(await plainTeams())]).toEqual(['team-east']);
    const moved = await as('p-admin', koe.platform.gatewayUrl, MOVE, { p: id, t: 'team-west' });
    expect(moved.json.data).toEqual({ setPrincipalTeam: { id, teamId: 'team-west' } });
    expect([...(await plainTeams())]).toEqual(['team-west']);
    const [event] = await auditEvents('access.setPrincipalTeam', id);
    expect(event!.detail).toMatchObject({ before: { teamId: 'team-east' }, after: { teamId: 'team-west' } });
  });
});

describe('principals', () => {
  const LIST = `{ principals(first: 100) { totalCount edges { node { id roles grants { role grantedBy grantedAt } lastSeenAt } } } }`;
  type List = { principals: { totalCount: number; edges: Array<{ node: { id: string; grants: Array<{ role: string; grantedBy: string }> } }> } };

  it.each(['p-admin', 'p-auditor'])('lists every principal with its grants for %s', async (caller) => {
    const data = (await as(caller, koe.platform.gatewayUrl, LIST)).json.data as List;
    const admin = data.principals.edges.find((e) => e.node.id === 'p-admin');
    expect(admin?.node.grants).toEqual([expect.objectContaining({ role: 'admin', grantedBy: 'seed' })]);
    expect(data.principals.totalCount).toBeGreaterThanOrEqual(10);
  });

  it.each(['p-analyst', 'p-support-east', 'p-bi'])('shows %s no principal at all', async (caller) => {
    const res = await as(caller, koe.platform.gatewayUrl, `${LIST.slice(0, -1)} principal(id: "p-admin") { id } }`);
    expect(res.json.data).toEqual({ principals: { totalCount: 0, edges: [] }, principal: null });
  });
});

describe('lastSeenAt', () => {
  it('is recorded after a request, and written at most once a minute however many requests follow', async () => {
    const id = await newPrincipal(['analyst']);
    await as(id, koe.platform.gatewayUrl, '{ me { id } }');
    await new Promise((r) => setTimeout(r, 100)); // written after the response, never before it
    const seen = (await koe.orm.em.fork().findOneOrFail(PrincipalEntity, { id })).lastSeenAt;
    expect(seen).toBeInstanceOf(Date);
    koe.resetQueries();
    for (let i = 0; i < 3; i++) await as(id, koe.platform.gatewayUrl, '{ me { id } }');
    expect(koe.queries.filter((q) => /update "principal" set "last_seen_at"/.test(q))).toHaveLength(0);
  });
});
