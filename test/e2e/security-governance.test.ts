/**
 * The governance and data-subject operations as an attacker inside the company uses them, on a real
 * platform with the shipped policies:
 * - an API key is a credential in the hands of whoever creates it, so an admin may not create one
 *   for a principal holding a privileged role (the DPO: it would erase on its own, past the second
 *   admin's approval) or one its own roles may not be held with (an auditor: separation of
 *   duties), nor grant such a role later to a principal whose key it created; a BI tool's key
 *   still works, and its secret is in no audit event;
 * - an expiry in the past locks a principal out as disabling does, so the last active admin may
 *   not be given one, and an admin already past its expiry is no remaining admin;
 * - the audit trail's per-record exposure names fields and records, never a value read;
 * - `subjectExport` tells a caller who may not export nothing about which customer ids exist: an
 *   unknown id and a real one are the same FORBIDDEN for an analyst declaring compliance.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideGrantRequest } from '../../src/auth/grant-request.js';
import { ApiKeyEntity } from '../../src/data/entities/index.js';
import { loadPolicy } from '../../src/server/policy.js';
import { errorCodes, POLICY_DIR, postAs, postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';

let koe: TestKoe;
beforeAll(async () => {
  koe = await startTestKoe();
}, 120_000);
afterAll(async () => koe?.stop());

const CREATE = `mutation($p: ID!, $n: String!) { createApiKey(principalId: $p, name: $n, reason: "test") { key apiKey { id principalId } } }`;
const keysOf = (principalId: string) => koe.orm.em.fork().count(ApiKeyEntity, { principalId });

describe('createApiKey: no credential its creator could not be granted', () => {
  it.each<[string, string, string[]]>([
    ['the DPO (privileged: granted only with a second admin)', 'dpo', ['dpo']],
    ['another admin (privileged)', 'admin', ['admin']],
    ['an auditor (admin and auditor may not be held together)', 'auditor', ['auditor']],
  ])('an admin may not create a key for %s: FORBIDDEN naming principalId, no key stored', async (_who, like, roles) => {
    const id = await clonePrincipal(koe.orm, `p-sec-key-${like}-${randomUUID().slice(0, 8)}`, like === 'admin' ? 'p-auditor' : `p-${like}`, roles);
    // Cloned admins must not count as the shared database's admin: disabled, which still holds the role.
    if (like === 'admin') await koe.orm.em.getConnection().execute(`update principal set status = 'disabled' where id = ?`, [id]);
    const res = await postAs(koe, 'p-admin', CREATE, { p: id, n: 'mine-now' });
    expect({ codes: errorCodes(res), argument: res.errors?.[0]?.extensions?.argument, data: res.data }).toEqual({ codes: ['FORBIDDEN'], argument: 'principalId', data: null });
    expect(JSON.stringify(res)).not.toMatch(/koe_[A-Za-z0-9]/);
    expect(await keysOf(id)).toBe(0);
  });

  it('a BI tool\'s key is still created, and signs in as that tool (locked to published documents)', async () => {
    const id = await clonePrincipal(koe.orm, `p-sec-key-bi-${randomUUID().slice(0, 8)}`, 'p-bi', ['bi_readonly']);
    const res = await postAs(koe, 'p-admin', CREATE, { p: id, n: 'looker' });
    expect(res.errors).toBeUndefined();
    const key = (res.data as { createApiKey: { key: string } }).createApiKey.key;
    const me = await fetch(koe.platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `ApiKey ${key}` }, body: JSON.stringify({ query: '{ me { id roles } }' }) });
    // The key signs in as the BI tool, whose API keys the policy locks to published documents: text
    // is refused as that principal (403 trusted documents only), not as an unknown credential (401).
    const body = (await me.json()) as { data: unknown; errors?: Array<{ extensions?: { code?: string; trustedDocumentsOnly?: boolean } }> };
    expect({ status: me.status, data: body.data ?? null, code: body.errors?.[0]?.extensions?.code, locked: body.errors?.[0]?.extensions?.trustedDocumentsOnly }).toEqual({ status: 403, data: null, code: 'FORBIDDEN', locked: true });
    const refused = (await koe.orm.em.getConnection().execute(`select count(*)::int as n from audit_event where actor_id = ? and outcome = 'denied'`, [id])) as Array<{ n: number }>;
    expect(refused[0]!.n).toBeGreaterThan(0);
    // Shown once: no audit event (the change's, the request's) holds the secret.
    const count = async (like: string) =>
      ((await koe.orm.em.getConnection().execute(`select count(*)::int as n from audit_event where detail::text like ? or fields::text like ?`, [like, like])) as Array<{ n: number }>)[0]!.n;
    expect(await count(`%${key}%`)).toBe(0);
    expect(await count(`%${key.slice(key.length - 16)}%`)).toBe(0);
  });
});

describe('a key created for a BI tool does not become a privileged or conflicting credential later', () => {
  it('a role its creator could not hold is refused for the key\'s principal: auditor (FORBIDDEN), dpo (no grant request either)', async () => {
    const id = await clonePrincipal(koe.orm, `p-sec-key-later-${randomUUID().slice(0, 8)}`, 'p-bi', ['bi_readonly']);
    expect((await postAs(koe, 'p-admin', CREATE, { p: id, n: 'etl' })).errors).toBeUndefined();
    for (const role of ['auditor', 'dpo']) {
      const res = await postAs(koe, 'p-admin', `mutation($p: ID!, $r: String!) { grantRole(principalId: $p, role: $r) { id roles } }`, { p: id, r: role });
      expect({ role, codes: errorCodes(res), argument: res.errors?.[0]?.extensions?.argument }).toEqual({ role, codes: ['FORBIDDEN'], argument: 'principalId' });
    }
    const row = (await koe.orm.em.getConnection().execute(`select roles::text as roles, (select count(*)::int from grant_request where principal_id = ?) as requests from principal where id = ?`, [id, id])) as Array<{ roles: string; requests: number }>;
    expect(row[0]).toEqual({ roles: '{bi_readonly}', requests: 0 });
  });
});

describe('a grant request approved after a key was created for its principal', () => {
  it('the second admin\'s approval of dpo is refused while the requester holds a key of the grantee; nothing granted', async () => {
    const id = await clonePrincipal(koe.orm, `p-sec-key-pending-${randomUUID().slice(0, 8)}`, 'p-bi', ['bi_readonly']);
    const asked = await postAs(koe, 'p-admin', `mutation($p: ID!) { grantRole(principalId: $p, role: "dpo") { id roles } }`, { p: id });
    expect(asked.errors).toBeUndefined();
    // While the request waits, the requester creates itself a key of the grantee (allowed: bi_readonly only, for now).
    expect((await postAs(koe, 'p-admin', CREATE, { p: id, n: 'etl' })).errors).toBeUndefined();
    const [request] = (await koe.orm.em.getConnection().execute(`select id from grant_request where principal_id = ? and status = 'pending'`, [id])) as Array<{ id: string }>;
    // The second admin (a function call: the shared database keeps one active admin) approves.
    const second = { id: 'p-sec-second-admin', roles: ['admin'], policyVersion: 'test', via: 'cli' as const };
    await expect(decideGrantRequest(koe.orm.em.fork(), request!.id, 'approve', second, await loadPolicy(POLICY_DIR))).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const [row] = (await koe.orm.em.getConnection().execute(`select roles::text as roles from principal where id = ?`, [id])) as Array<{ roles: string }>;
    expect(row!.roles).toBe('{bi_readonly}');
  });
});

describe('subjectExport is no oracle of customer ids', () => {
  it('an analyst declaring compliance gets the same FORBIDDEN for an unknown id as for a real customer', async () => {
    const { id } = ((await koe.orm.em.getConnection().execute(`select id from customer order by id limit 1`)) as Array<{ id: string }>)[0]!;
    const EXPORT = 'query($id: ID!) { subjectExport(customerId: $id) }';
    const real = await postAs(koe, 'p-analyst', EXPORT, { id }, 'compliance');
    const unknown = await postAs(koe, 'p-analyst', EXPORT, { id: randomUUID() }, 'compliance');
    expect(errorCodes(real)).toEqual(['FORBIDDEN']);
    expect(errorCodes(unknown)).toEqual(['FORBIDDEN']);
    expect(unknown.errors![0]!.message).toBe(real.errors![0]!.message);
    // The DPO, who may export, is told the id is unknown.
    expect(errorCodes(await postAs(koe, 'p-dpo', EXPORT, { id: randomUUID() }, 'compliance'))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('the audit trail records what was exposed, never the values', () => {
  it('an admin\'s PLAIN read of contact details: detail.exposure names the fields and records, and no value read is anywhere in the events', async () => {
    const requestId = `sec-exposure-${randomUUID().slice(0, 8)}`;
    const res = await postGraphQL(koe.platform.gatewayUrl, { query: '{ customers(first: 3) { edges { node { id name email phone address birthDate } } } }' }, {
      authorization: `Bearer ${await koe.token('p-admin')}`, 'x-request-id': requestId,
    });
    type Node = Record<string, string | null>;
    const nodes = (res.json.data as { customers: { edges: Array<{ node: Node }> } }).customers.edges.map((e) => e.node);
    const values = nodes.flatMap((n) => [n.name, n.email, n.phone, n.address, n.birthDate]).filter((v): v is string => !!v);
    expect(values.length).toBeGreaterThanOrEqual(10);
    type Row = { detail: string; fields: string; resources: string };
    const events = (await koe.orm.em.getConnection().execute(`select detail::text as detail, fields::text as fields, resources::text as resources from audit_event where request_id = ?`, [requestId])) as Row[];
    const exposing = events.filter((e) => e.detail.includes('"exposure"'));
    expect(exposing.length).toBeGreaterThan(0);
    expect(exposing.some((e) => e.detail.includes('Customer.email'))).toBe(true);
    for (const e of events) for (const v of values) expect(`${e.detail} ${e.fields} ${e.resources}`).not.toContain(v);
  });
});

describe('the last active admin', () => {
  const SET = `mutation($p: ID!, $at: DateTime) { setPrincipalExpiry(principalId: $p, expiresAt: $at, reason: "test") { id expiresAt } }`;
  const sql = (q: string, params: unknown[] = []) => koe.orm.em.getConnection().execute(q, params);

  it('may not be given an expiry in the past (every admin locked out), even while an expired admin exists; nothing changes', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    // An admin past its expiry is refused at sign-in: it must not count as the one who remains.
    const expired = await clonePrincipal(koe.orm, `p-sec-expired-admin-${randomUUID().slice(0, 8)}`, 'p-auditor', ['admin']);
    await sql(`update principal set expires_at = ? where id = ?`, [past, expired]);
    try {
      for (const round of ['alone', 'beside an expired admin']) {
        if (round === 'alone') await sql(`update principal set status = 'disabled' where id = ?`, [expired]);
        else await sql(`update principal set status = 'active' where id = ?`, [expired]);
        const res = await postAs(koe, 'p-admin', SET, { p: 'p-admin', at: past });
        expect({ round, codes: errorCodes(res), message: res.errors?.[0]?.message }).toEqual({ round, codes: ['BAD_USER_INPUT'], message: expect.stringContaining('last active admin') });
        expect((await postAs(koe, 'p-admin', '{ me { id } }')).data).toEqual({ me: { id: 'p-admin' } });
      }
    } finally {
      await sql(`update principal set expires_at = null where id = 'p-admin'`);
      await sql(`delete from principal where id = ?`, [expired]);
    }
  });
});
