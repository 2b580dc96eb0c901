/** detail.exposure: records grouped by the fields they returned, named by index into resources, decoded back exactly. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeExposure, encodeExposure, encodeRecordExposure, type ExposureGroup } from '../../src/audit/exposure.js';

const shown = (entries: Array<[string, string[]]>) => entries.map(([r, e]) => [r, new Set(e)] as [string, ReadonlySet<string>]);

describe(encodeExposure.name, () => {
  it('groups records with the same fields and indexes them into the sorted resources', () => {
    const resources = ['Customer:a', 'Customer:b', 'Customer:c', 'Feedback:f'];
    const out = encodeExposure(resources, shown([
      ['Customer:c', ['PCustomer.email', 'PCustomer.name']],
      ['Customer:a', ['PCustomer.name', 'PCustomer.email']],
      ['Customer:b', ['MCustomer.email', 'MCustomer.name']],
      ['Feedback:f', ['PFeedback.body']],
    ]));
    expect(out.resources).toEqual(resources);
    expect(out.groups).toEqual([
      { plain: ['Customer.email', 'Customer.name'], records: [0, 2] },
      { masked: ['Customer.email', 'Customer.name'], records: [1] },
      { plain: ['Feedback.body'], records: [3] },
    ]);
  });

  it('adds an exposed record the resources lack, keeping them sorted', () => {
    const out = encodeExposure(['Customer:b'], shown([['Customer:a', ['MCustomer.phone']]]));
    expect(out.resources).toEqual(['Customer:a', 'Customer:b']);
    expect(out.groups).toEqual([{ masked: ['Customer.phone'], records: [0] }]);
  });

  it('round-trips through decodeExposure, and an event without it decodes to null', () => {
    const { resources, groups } = encodeExposure(['Customer:a', 'Customer:b'], shown([['Customer:b', ['PCustomer.email', 'MCustomer.phone']]]));
    expect(decodeExposure(resources, { exposure: groups })).toEqual([{ record: 'Customer:b', plain: ['Customer.email'], masked: ['Customer.phone'] }]);
    expect(decodeExposure(resources, null)).toBeNull();
    expect(decodeExposure(resources, { mutations: [] })).toBeNull();
    // An index past the resources is no mapping at all (the report then falls back to the upper bound).
    expect(decodeExposure(resources, { exposure: [{ plain: ['Customer.email'], records: [5] }] })).toBeNull();
  });
});

/** The encoding as defined: every record read or shown, named `Type:id`, sorted; groups of the same fields in record order. */
function definition(read: Map<string, string[]>, shown: Map<string, Map<string, { entries: Set<string> }>>) {
  const records = new Map<string, Set<string> | undefined>();
  for (const [type, ids] of read) for (const id of ids) records.set(`${type}:${id}`, undefined);
  for (const [type, byId] of shown) for (const [id, { entries }] of byId) records.set(`${type}:${id}`, entries);
  const resources = [...records.keys()].sort();
  const groups = new Map<string, ExposureGroup>();
  resources.forEach((r, i) => {
    const entries = records.get(r);
    if (!entries) return;
    const sorted = [...entries].sort();
    const g = groups.get(sorted.join('\n')) ?? { records: [] };
    groups.set(sorted.join('\n'), g);
    const [plain, masked] = ['P', 'M'].map((p) => sorted.filter((e) => e[0] === p).map((e) => e.slice(1)));
    if (plain!.length) g.plain = plain;
    if (masked!.length) g.masked = masked;
    g.records.push(i);
  });
  return { resources, groups: [...groups.values()] };
}

describe(encodeRecordExposure.name, () => {
  it('names every record read or shown once, sorted by code units across types, and groups shared and equal sets together', () => {
    const page = { entries: new Set(['MCustomer.phone', 'PCustomer.email']) };
    const reordered = { entries: new Set(['PCustomer.email', 'MCustomer.phone']) };
    const read = new Map([['Customer', ['c', 'a', 'c', 'b']], ['Customer0', ['z']]]);
    const shown = new Map([
      ['Customer', new Map([['c', page], ['a', page], ['b', reordered], ['x', { entries: new Set(['PCustomer.name']) }]])],
      ['Feedback', new Map([['f', { entries: new Set(['MFeedback.body']) }]])],
    ]);
    expect(encodeRecordExposure(read, shown)).toEqual({
      resources: ['Customer0:z', 'Customer:a', 'Customer:b', 'Customer:c', 'Customer:x', 'Feedback:f'],
      groups: [
        { plain: ['Customer.email'], masked: ['Customer.phone'], records: [1, 2, 3] },
        { plain: ['Customer.name'], records: [4] },
        { masked: ['Feedback.body'], records: [5] },
      ],
    });
  });

  it('encodes any records as the definition does', () => {
    // Few units, so that many ids share their first two (compared one by one, or sorted as a run).
    const few = fc.string({ unit: fc.constantFrom('a', 'b', '\uD800', '\uFFFF'), maxLength: 5 });
    const run = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 4 }).map((s) => `id${s}`);
    const id = fc.oneof(fc.constantFrom('a', 'b', 'B', '1', '10', '2', 'é', '\uD800', 'z:z', ''), fc.string({ unit: 'binary', maxLength: 3 }), few, run);
    const type = fc.constantFrom('Customer', 'Customer0', 'Cust', 'Feedback', 'A');
    const entry = fc.constantFrom('PCustomer.email', 'MCustomer.email', 'PCustomer.name', 'MFeedback.body');
    const sets = fc.array(fc.uniqueArray(entry, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }).map((l) => l.map((e) => ({ entries: new Set(e) })));
    fc.assert(
      fc.property(fc.array(fc.tuple(type, fc.array(id, { maxLength: 60, size: 'large' })), { maxLength: 3 }), sets, fc.array(fc.tuple(type, id, fc.nat()), { maxLength: 30 }), (reads, shared, shows) => {
        const read = new Map(reads);
        const shown = new Map<string, Map<string, { entries: Set<string> }>>();
        for (const [t, i, n] of shows) (shown.get(t) ?? shown.set(t, new Map()).get(t)!).set(i, shared[n % shared.length]!);
        expect(encodeRecordExposure(new Map([...read].map(([t, ids]) => [t, [...ids]])), shown)).toEqual(definition(read, shown));
      }),
      { numRuns: 500 },
    );
  });
});
