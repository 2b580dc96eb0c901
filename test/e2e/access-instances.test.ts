/**
 * Two Koe instances on one database, as in production behind a load balancer. Principals are read
 * from the database on every request (no cache to invalidate), so a leaver disabled through one
 * instance is refused by the other on its next request; this test keeps that guarantee honest.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrincipalEntity } from '../../src/data/entities/index.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';

let one: TestKoe;
let two: TestKoe;
beforeAll(async () => {
  [one, two] = await Promise.all([startTestKoe(), startTestKoe()]);
});
afterAll(async () => Promise.all([one?.stop(), two?.stop()]));

describe('a leaver across two instances', () => {
  it('is refused by the other instance within one second of a disable through one', async () => {
    const id = `t-leaver-${randomBytes(4).toString('hex')}`;
    await one.orm.em.fork().insert(PrincipalEntity, { id, displayName: id, roles: ['analyst'], roleGrants: [], teamId: null, attributes: {}, status: 'active', createdAt: new Date() });
    const auth = { authorization: `Bearer ${await two.token(id)}` };
    const me = { query: '{ me { id } }' };
    expect((await postGraphQL(two.platform.gatewayUrl, me, auth)).status).toBe(200);

    const admin = { authorization: `Bearer ${await one.token('p-admin')}` };
    const disable = await postGraphQL(one.platform.gatewayUrl, { query: `mutation { disablePrincipal(principalId: "${id}") { status } }` }, admin);
    expect(disable.json.data).toEqual({ disablePrincipal: { status: 'disabled' } });
    const disabledAt = Date.now();

    const urls = [two.platform.gatewayUrl, two.platform.subgraphUrls.audit, two.platform.subgraphUrls.customers, two.platform.subgraphUrls.feedback];
    const statuses = await Promise.all(urls.map(async (url) => (await postGraphQL(url, me, auth)).status));
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(Date.now() - disabledAt).toBeLessThan(1000);
  });
});
