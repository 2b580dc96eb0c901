/** `policyMatrix` over GraphQL: the same table as `koe policy matrix`, for the roles the policy lets read it. */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from '../../src/policies/index.js';
import { loadPolicy } from '../../src/server/policy.js';
import { errorCodes, POLICY_DIR, postAs, startTestKoe, type TestKoe } from '../support/koe.js';

const QUERY = '{ policyMatrix { version roles fields cells { role field decision text } } }';

describe('policyMatrix', () => {
  let koe: TestKoe;
  beforeAll(async () => void (koe = await startTestKoe()));
  afterAll(async () => koe?.stop());

  it.each(['p-admin', 'p-auditor', 'p-dpo'])('%s reads the matrix the CLI prints', async (principal) => {
    const res = (await postAs(koe, principal, QUERY)) as { data?: { policyMatrix: { version: string; roles: string[]; cells: Array<{ role: string; field: string; text: string }> } }; errors?: unknown };
    expect(res.errors).toBeUndefined();
    const policy = await loadPolicy(POLICY_DIR);
    const cli = matrix(policy, policy.catalog);
    const m = res.data!.policyMatrix;
    expect(m.version).toBe(cli.version);
    expect(m.roles).toEqual(cli.roles);
    for (const c of m.cells) expect(c.text).toBe(cli.cells[c.role]![c.field]!.text);
    expect(m.cells.length).toBe(cli.roles.length * cli.fields.length);
  });

  it.each(['p-analyst', 'p-marketing'])('%s may not read it (FORBIDDEN, no data)', async (principal) => {
    const res = await postAs(koe, principal, QUERY);
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(res.data ?? null).toBeNull();
  });
});
