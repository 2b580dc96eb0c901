/**
 * `koe policy matrix` and the `policyMatrix` query answer alike: the CLI child process and the GraphQL
 * answer of the running platform, cell by cell, with no purpose given (purpose-bound rules CONDITIONAL
 * on both roads, not DENIED on one) and with a declared purpose.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runKoe } from '../support/koe-cli.js';
import { postAs, startTestKoe, type TestKoe } from '../support/koe.js';

// A CLI spawn under load on 2 cores can take many seconds; the platform start too.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

interface Cell {
  decision: string;
  text: string;
}

type Cells = Record<string, Record<string, Cell>>;

async function fromCli(purpose?: string): Promise<{ purpose: string | null; cells: Cells }> {
  const r = await runKoe(['policy', 'matrix', '--format', 'json', ...(purpose ? ['--purpose', purpose] : [])], { KOE_POLICY_DIR: undefined });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { purpose: string | null; cells: Cells };
}

async function fromGraphql(koe: TestKoe, purpose?: string): Promise<{ purpose: string | null; cells: Cells }> {
  const query = 'query ($purpose: String) { policyMatrix(purpose: $purpose) { purpose cells { role field decision text } } }';
  const res = (await postAs(koe, 'p-admin', query, { purpose: purpose ?? null })) as {
    data?: { policyMatrix: { purpose: string | null; cells: Array<Cell & { role: string; field: string }> } };
    errors?: unknown;
  };
  expect(res.errors).toBeUndefined();
  const cells: Cells = {};
  for (const c of res.data!.policyMatrix.cells) (cells[c.role] ??= {})[c.field] = { decision: c.decision, text: c.text };
  return { purpose: res.data!.policyMatrix.purpose, cells };
}

describe('koe policy matrix and the policyMatrix query', () => {
  let koe: TestKoe;
  beforeAll(async () => void (koe = await startTestKoe()));
  afterAll(async () => koe?.stop());

  it('agree without a purpose: a purpose-bound rule is CONDITIONAL in both', async () => {
    const [cli, api] = await Promise.all([fromCli(), fromGraphql(koe)]);
    // The dpo reads contact data for the compliance purpose only: the cell the two roads disagreed on.
    expect(api.cells.dpo!['Customer.email']!.decision).toBe('CONDITIONAL');
    expect(cli.cells).toEqual(api.cells);
    expect(cli.purpose).toBeNull();
    expect(api.purpose).toBeNull();
  });

  it('agree for a declared purpose, where that rule decides', async () => {
    const [cli, api] = await Promise.all([fromCli('compliance'), fromGraphql(koe, 'compliance')]);
    expect(api.cells.dpo!['Customer.email']!.decision).not.toBe('CONDITIONAL');
    expect(cli.cells).toEqual(api.cells);
    expect(cli.purpose).toBe('compliance');
  });
});
