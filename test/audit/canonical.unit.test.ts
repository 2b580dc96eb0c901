/**
 * The canonical encoding audit hashes are computed over: the same event hashes the same whatever
 * the key order of its detail, every recorded field and the previous hash change the hash, and the
 * split form the database hashes with agrees with the in-app hash for any seq.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventHash, eventHashParts } from '../../src/audit/canonical.js';
import type { NewAuditEvent } from '../../src/audit/event.js';

const EVENT: NewAuditEvent = {
  at: new Date('2026-12-04T10:00:00.123Z'),
  actorId: 'p-dpo',
  roles: ['dpo'],
  action: 'query',
  outcome: 'ok',
  operationName: 'Case',
  operationHash: 'abc',
  purpose: 'compliance',
  subgraph: 'customers',
  resources: ['Customer:1', 'Customer:2'],
  fields: [{ field: 'Customer.email', decision: 'PLAIN', count: 2 }],
  policyVersion: 'v1',
  requestId: 'r-1',
  clientAddress: '127.0.0.1',
  detail: { b: 1, a: { z: [1, 'x', null], y: true } },
};
const PREV = '0'.repeat(64);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe(eventHash.name, () => {
  it('is sha256 of the previous hash, a newline and the sorted JSON body', () => {
    const body =
      '{"action":"query","actorId":"p-dpo","at":"2026-12-04T10:00:00.123Z","clientAddress":"127.0.0.1",' +
      '"detail":{"a":{"y":true,"z":[1,"x",null]},"b":1},"fields":[{"count":2,"decision":"PLAIN","field":"Customer.email"}],' +
      '"operationHash":"abc","operationName":"Case","outcome":"ok","policyVersion":"v1","purpose":"compliance",' +
      '"requestId":"r-1","resources":["Customer:1","Customer:2"],"roles":["dpo"],"seq":"7","subgraph":"customers"}';
    expect(eventHash('7', EVENT, PREV)).toBe(sha(`${PREV}\n${body}`));
  });

  it('ignores the key order of the detail at every depth, and undefined values', () => {
    const reordered = { ...EVENT, detail: { a: { y: true, z: [1, 'x', null], gone: undefined }, b: 1 } };
    expect(eventHash('7', reordered, PREV)).toBe(eventHash('7', EVENT, PREV));
  });

  it('encodes undefined in a list as null, as JSON does', () => {
    expect(eventHash('7', { ...EVENT, detail: { list: [1, undefined] } }, PREV)).toBe(eventHash('7', { ...EVENT, detail: { list: [1, null] } }, PREV));
  });

  it('sorts keys given in reverse order', () => {
    const forward = { ...EVENT, detail: { a: 1, b: 2, c: 3, d: { e: 1, f: 2 } } };
    const reverse = { ...EVENT, detail: { d: { f: 2, e: 1 }, c: 3, b: 2, a: 1 } };
    expect(eventHash('7', reverse, PREV)).toBe(eventHash('7', forward, PREV));
  });

  it('encodes a missing detail, null and undefined alike as null', () => {
    const none = { ...EVENT, detail: null };
    expect(eventHash('7', { ...EVENT, detail: undefined }, PREV)).toBe(eventHash('7', none, PREV));
    expect(eventHash('7', { ...EVENT, detail: { a: null } }, PREV)).toBe(eventHash('7', { ...EVENT, detail: { b: undefined, a: null } }, PREV));
  });

  it.each<[string, Partial<NewAuditEvent>]>([
    ['at', { at: new Date('2026-12-04T10:00:00.124Z') }],
    ['actorId', { actorId: 'p-admin' }],
    ['actorId (null)', { actorId: null }],
    ['roles', { roles: ['dpo', 'admin'] }],
    ['roles order', { roles: [] }],
    ['action', { action: 'mutation' }],
    ['outcome', { outcome: 'denied' }],
    ['operationName', { operationName: 'Other' }],
    ['operationHash', { operationHash: 'abd' }],
    ['purpose', { purpose: null }],
    ['subgraph', { subgraph: 'feedback' }],
    ['resources', { resources: ['Customer:2', 'Customer:1'] }],
    ['fields', { fields: [{ field: 'Customer.email', decision: 'MASKED', count: 2 }] }],
    ['field counts', { fields: [{ field: 'Customer.email', decision: 'PLAIN', count: 3 }] }],
    ['policyVersion', { policyVersion: 'v2' }],
    ['requestId', { requestId: 'r-2' }],
    ['clientAddress', { clientAddress: '10.0.0.1' }],
    ['a nested detail value', { detail: { b: 1, a: { z: [1, 'x', 0], y: true } } }],
    ['a detail key', { detail: { c: 1, a: { z: [1, 'x', null], y: true } } }],
    ['a string that is a number in the detail', { detail: { b: '1', a: { z: [1, 'x', null], y: true } } }],
  ])('changes when %s changes', (_field, change) => {
    expect(eventHash('7', { ...EVENT, ...change }, PREV)).not.toBe(eventHash('7', EVENT, PREV));
  });

  it('changes with the seq and with the previous hash', () => {
    expect(eventHash('8', EVENT, PREV)).not.toBe(eventHash('7', EVENT, PREV));
    expect(eventHash('7', EVENT, `1${PREV.slice(1)}`)).not.toBe(eventHash('7', EVENT, PREV));
  });
});

describe(eventHashParts.name, () => {
  it.each([
    ['the event', EVENT],
    ['a detail holding a "seq" key with the marker', { ...EVENT, detail: { seq: '#seq#', note: '"seq":"#seq#"' } }],
    ['no detail and nulls everywhere', { ...EVENT, detail: null, actorId: null, subgraph: null, purpose: null, clientAddress: null }],
  ])('splits %s so that the database hashes what eventHash hashes, for any seq', (_what, event) => {
    const { prefix, suffix } = eventHashParts(event);
    for (const seq of ['1', '42', '9007199254740993']) {
      expect(sha(`${PREV}\n${prefix}${JSON.stringify(seq)}${suffix}`)).toBe(eventHash(seq, event, PREV));
    }
    expect(prefix.endsWith('"seq":')).toBe(true);
    expect(suffix.startsWith(',"subgraph":')).toBe(true);
  });
});

/**
 * The encoding as it was defined, element by element: every hash already in a chain was computed
 * this way, so any faster encoding must write exactly these bytes.
 */
function definition(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(definition).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${definition(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('the canonical encoding, against its definition', () => {
  // Flat lists (taken whole by JSON.stringify) and nested ones, with the values JSON treats apart:
  // undefined and NaN in a list, -0, unpaired surrogates, keys that sort by code unit.
  const leaf = fc.oneof(fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(-0), fc.constant(Number.NaN));
  const value = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('object'), fc.date({ noInvalidDate: true })),
    list: fc.array(tie('any'), { maxLength: 6 }),
    object: fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), tie('any'), { maxKeys: 5 }),
  })).any;

  it('hashes any detail, resources and fields exactly as the element-by-element definition does', () => {
    fc.assert(
      fc.property(value, fc.array(fc.string({ unit: 'binary' }), { maxLength: 5 }), (detail, resources) => {
        const event = { ...EVENT, resources, detail: { d: detail, flat: [1, 'x', undefined, Number.NaN, null, true] } };
        const body = definition({
          seq: '7', at: event.at, actorId: event.actorId, roles: event.roles, action: event.action, outcome: event.outcome,
          operationName: event.operationName, operationHash: event.operationHash, purpose: event.purpose, subgraph: event.subgraph,
          resources: event.resources, fields: event.fields, policyVersion: event.policyVersion, requestId: event.requestId,
          clientAddress: event.clientAddress, detail: event.detail,
        });
        expect(eventHash('7', event, PREV)).toBe(sha(`${PREV}\n${body}`));
      }),
      { numRuns: 300 },
    );
  });

  it('writes a hole in a list as the definition does, not as JSON.stringify would', () => {
    // eslint-disable-next-line no-sparse-arrays
    const holed = [1, , 2];
    const body = (d: unknown) => eventHashParts({ ...EVENT, detail: { d } }).prefix;
    expect(body(holed)).toContain(`"d":${definition(holed)}`);
  });
});

