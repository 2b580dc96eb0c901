/** detail.exposure: records grouped by the fields they returned, named by index into resources, decoded back exactly. */
import { describe, expect, it } from 'vitest';
import { decodeExposure, encodeExposure } from '../../src/audit/exposure.js';

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
