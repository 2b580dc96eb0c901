/**
 * An in-process subgraph answer handed to the gateway as an object (src/server/handover.ts): only
 * data without errors, only while it is still the answer being serialized, and always exactly what
 * parsing the text would have given; everything else is serialized as Apollo would.
 */
import type { FormattedExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { handOverOnStringify, stringifyOrHandOver, type Handover } from '../../src/server/handover.js';

const text = (value: object) => `${JSON.stringify(value)}\n`;
// As Apollo's runHttpQuery orders an answer before serializing it: absent fields stay as undefined keys.
const ordered = (r: FormattedExecutionResult): FormattedExecutionResult => ({ errors: r.errors, data: r.data, extensions: r.extensions });

describe('handover of in-process answers', () => {
  it('hands over data and a copy of the extensions, equal to what the text parses to', () => {
    const answer = { data: { customers: [{ id: 'c-1', name: '山田', at: new Date('2026-12-04T00:00:00Z') }] }, extensions: { handoff: { seq: 1, at: new Date(0) } } };
    const slot: Handover = {};
    handOverOnStringify(slot, answer);
    expect(stringifyOrHandOver(ordered(answer))).toBe('');
    expect(JSON.parse(text(slot.result!))).toEqual(JSON.parse(text(ordered(answer))));
    expect(slot.result!.data).toBe(answer.data);
    expect(slot.result!.extensions).not.toBe(answer.extensions);
    expect(slot.result!.extensions).toEqual({ handoff: { seq: 1, at: new Date(0).toISOString() } });
  });

  it('serializes an answer with errors, even with data', () => {
    const answer = { data: { customers: null }, errors: [{ message: 'no', path: ['customers'] }] };
    const slot: Handover = {};
    handOverOnStringify(slot, answer);
    expect(stringifyOrHandOver(ordered(answer))).toBe(text(ordered(answer)));
    expect(slot.result).toBeUndefined();
  });

  it('serializes an answer a later plugin replaced after it was marked', () => {
    const marked = { data: { customers: [] } };
    const slot: Handover = {};
    handOverOnStringify(slot, marked);
    const replaced = { data: null, errors: [{ message: 'audit unavailable' }] };
    expect(stringifyOrHandOver(ordered(replaced))).toBe(text(ordered(replaced)));
    expect(slot.result).toBeUndefined();
  });

  it('serializes what no in-process caller waits for, byte for byte as Apollo does', () => {
    const answer = { data: { a: 1 }, extensions: { b: 2 } };
    expect(stringifyOrHandOver(ordered(answer))).toBe('{"data":{"a":1},"extensions":{"b":2}}\n');
  });
});
