/**
 * Deny by default for row conditions SQL cannot express: a role whose `when:` the push-down cannot
 * translate (a range comparison on the list of consented purposes) sees no customer at all, in a
 * list, its count, a lookup by id and `_entities` sent straight to the subgraph, never every row.
 * A role with a translatable condition on the same attribute sees its rows, so the emptiness
 * comes from the untranslatable condition and not from the test's set-up.
 */
import 'reflect-metadata';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/server/policy.js';
import { POLICY_DIR, postAs, startTestKoe, type TestKoe } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';
import { loadFixtures, type Fixtures } from '../support/records.js';

const PROBE_ROLES = `
roles:
  consent_ranker:
    description: Sees customers whose consented purposes sort after "marketing" (no SQL translation exists).
    department: analytics
    readOnly: true
    rules:
      - on: Customer
        fields: [email]
        decision: MASKED
        when: { consentedPurposes: { $gt: marketing } }
  consent_reader:
    description: Sees customers who consent to marketing (translated into SQL).
    department: analytics
    readOnly: true
    rules:
      - on: Customer
        fields: [email]
        decision: MASKED
        when: { consentedPurposes: marketing }
`;

let dir: string;
let koe: TestKoe;
let fx: Fixtures;
const RANKER = 'p-untranslatable-ranker';
const READER = 'p-untranslatable-reader';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'koe-policies-'));
  cpSync(POLICY_DIR, dir, { recursive: true });
  writeFileSync(join(dir, 'roles-probe.policy.yaml'), PROBE_ROLES);
  koe = await startTestKoe(await loadPolicy(dir));
  fx = await loadFixtures(koe.orm);
  await clonePrincipal(koe.orm, RANKER, 'p-analyst', ['consent_ranker']);
  await clonePrincipal(koe.orm, READER, 'p-analyst', ['consent_reader']);
});
afterAll(async () => {
  await koe?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const LIST = '{ customers(first: 100) { totalCount edges { node { id email } } } }';
const LOOKUP = 'query($id: ID!) { customer(id: $id) { id email } }';
const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id email } } }';

describe('a row condition the push-down cannot translate', () => {
  it('lists no customer and counts 0, through the gateway and at the subgraph', async () => {
    for (const url of [koe.platform.gatewayUrl, koe.platform.subgraphUrls.customers]) {
      const res = await postAs(koe, RANKER, LIST, {}, undefined, url);
      expect(res.errors, url).toBeUndefined();
      expect(res.data, url).toEqual({ customers: { totalCount: 0, edges: [] } });
    }
  });

  it('answers null to a lookup by id, even of a customer who consents to marketing', async () => {
    for (const id of [fx.consenting.id, fx.notConsenting.id, fx.east.id]) {
      const res = await postAs(koe, RANKER, LOOKUP, { id });
      expect(res.data, id).toEqual({ customer: null });
      expect(JSON.stringify(res)).not.toContain(fx.consenting.email);
    }
  });

  it('answers null for each representation of _entities sent straight to the subgraph', async () => {
    const r = [fx.consenting, fx.notConsenting, fx.west].map((c) => ({ __typename: 'Customer', id: c.id }));
    const res = await postAs(koe, RANKER, ENTITIES, { r }, undefined, koe.platform.subgraphUrls.customers);
    expect(res.data).toEqual({ _entities: [null, null, null] });
  });

  it('still lets a translatable condition on the same attribute through (the control)', async () => {
    const list = await postAs(koe, READER, LIST);
    expect((list.data as { customers: { totalCount: number } }).customers.totalCount).toBe(fx.marketingCount);
    const one = await postAs(koe, READER, LOOKUP, { id: fx.consenting.id });
    expect((one.data as { customer: { id: string } | null }).customer?.id).toBe(fx.consenting.id);
    const ent = await postAs(koe, READER, ENTITIES, { r: [{ __typename: 'Customer', id: fx.consenting.id }] }, undefined, koe.platform.subgraphUrls.customers);
    expect((ent.data as { _entities: Array<{ id: string } | null> })._entities[0]?.id).toBe(fx.consenting.id);
  });
});
