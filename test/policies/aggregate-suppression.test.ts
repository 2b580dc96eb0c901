import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MIN_GROUP_SIZE, loadPolicySet, minGroupSizeOf, suppressCells, type Cell } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';
import { policyDirs } from '../fixtures/policy-dir.js';

const { load, problems } = policyDirs();
const role = (key: string) => `roles:\n  r:\n    description: d\n    department: IT\n${key}    rules: []\n`;

const oneDim = (counts: number[]): Cell[] => counts.map((count, i) => ({ key: [i], count }));

/** For every line of the table (groups equal on all dimensions but one): what differencing could tell. */
function lines(cells: readonly Cell[]): number[][] {
  const dims = cells[0]?.key.length ?? 0;
  const out: number[][] = [];
  for (let d = 0; d < dims; d++) {
    const by = new Map<string, number[]>();
    cells.forEach((c, i) => {
      const k = JSON.stringify(c.key.filter((_, j) => j !== d));
      by.set(k, [...(by.get(k) ?? []), i]);
    });
    out.push(...by.values());
  }
  return out;
}

/** A hidden cell's count follows from marginal − visible when it is the only hidden one, or when all hidden ones must be 1. */
function derivable(cells: readonly Cell[], hidden: readonly boolean[], line: readonly number[]): boolean {
  const h = line.filter((i) => hidden[i]);
  if (h.length === 0 || h.length === line.length) return false;
  const sum = h.reduce((s, i) => s + cells[i]!.count, 0);
  return h.length === 1 || sum === h.length;
}

describe(suppressCells.name, () => {
  it.each<[string, number[], number, boolean[]]>([
    ['nothing hidden when every group is large enough', [12, 30, 10], 10, [false, false, false]],
    ['the one small group and the next smallest', [3, 30, 12, 50], 10, [true, false, true, false]],
    ['two small groups need no complement', [3, 4, 30, 50], 10, [true, true, false, false]],
    ['two small groups of one each: a third is hidden (each would be 1)', [1, 1, 30, 50], 10, [true, true, true, false]],
    ['admin (1) hides nothing', [1, 1, 2], 1, [false, false, false]],
    ['a single small group alone in its breakdown stays hidden', [3], 10, [true]],
    ['ties: the first of the smallest visible', [3, 20, 20], 10, [true, true, false]],
  ])('%s', (_name, counts, min, expected) => {
    expect(suppressCells(oneDim(counts), min)).toEqual(expected);
  });

  it('hides along both dimensions of a week × channel table', () => {
    // week A: EMAIL 3 (small), WEB 40; week B: EMAIL 25, WEB 30.
    const cells: Cell[] = [
      { key: ['A', 'EMAIL'], count: 3 },
      { key: ['A', 'WEB'], count: 40 },
      { key: ['B', 'EMAIL'], count: 25 },
      { key: ['B', 'WEB'], count: 30 },
    ];
    // Week A's line hides WEB too; then the EMAIL and WEB columns each hold one hidden cell, so week B's go as well.
    expect(suppressCells(cells, 10)).toEqual([true, true, true, true]);
  });

  it('for any table, no small group shows and no hidden group follows from a marginal minus the visible groups', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((dims) =>
          fc.uniqueArray(fc.record({ key: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: dims, maxLength: dims }), count: fc.integer({ min: 1, max: 60 }) }), {
            selector: (c) => JSON.stringify(c.key),
            maxLength: 40,
          }),
        ),
        fc.integer({ min: 1, max: 20 }),
        (cells, min) => {
          const hidden = suppressCells(cells, min);
          cells.forEach((c, i) => {
            if (c.count < min) expect(hidden[i]).toBe(true);
          });
          for (const line of lines(cells)) expect(derivable(cells, hidden, line)).toBe(false);
          if (min <= 1) expect(hidden.every((h) => !h)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('hides the same cells whatever order the rows come in (one table asked two ways must not show two different sets)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ key: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 2 }), count: fc.integer({ min: 1, max: 30 }) }), {
          selector: (c) => JSON.stringify(c.key),
          maxLength: 16,
        }),
        fc.integer({ min: 2, max: 12 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (cells, min, random) => {
          const shuffled = cells.map((c) => ({ c, r: random.next().value })).sort((a, b) => a.r - b.r).map(({ c }) => c);
          const flags = (table: readonly Cell[]) => {
            const hidden = suppressCells(table, min);
            return new Map(table.map((c, i) => [JSON.stringify(c.key), hidden[i]]));
          };
          expect(flags(shuffled)).toEqual(flags(cells));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe(minGroupSizeOf.name, () => {
  const roles = new Map([
    ['admin', { minGroupSize: 1 }],
    ['marketing', { minGroupSize: 10 }],
  ]);
  it.each<[string, string[], number]>([
    ['one role: its own', ['marketing'], 10],
    ['several roles: the smallest, as grants add up', ['marketing', 'admin'], 1],
    ['unknown roles add nothing', ['ghost', 'marketing'], 10],
    ['no known role: the cautious default', ['ghost'], DEFAULT_MIN_GROUP_SIZE],
  ])('%s', (_name, names, expected) => {
    expect(minGroupSizeOf(roles, names)).toBe(expected);
  });
});

describe('minGroupSize in a policy file', () => {
  it('is kept as written, and defaults to the cautious size when left out', () => {
    expect(load({ 'r.policy.yaml': role('    minGroupSize: 3\n') }).roles.get('r')!.minGroupSize).toBe(3);
    expect(load({ 'r.policy.yaml': role('') }).roles.get('r')!.minGroupSize).toBe(DEFAULT_MIN_GROUP_SIZE);
  });

  it.each([['0', '0'], ['a fraction', '2.5'], ['a string', 'ten']])('refuses %s', (_name, value) => {
    expect(problems({ 'r.policy.yaml': role(`    minGroupSize: ${value}\n`) }).join('\n')).toMatch(/minGroupSize/);
  });

  it('ships 1 for admin and 10 for the BI tool and marketing', () => {
    const set = loadPolicySet(new URL('../../policies', import.meta.url).pathname, contractCatalog);
    expect(['admin', 'bi_readonly', 'marketing'].map((r) => set.roles.get(r)!.minGroupSize)).toEqual([1, 10, 10]);
  });
});
