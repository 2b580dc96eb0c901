/**
 * fitAuditEvent: whatever a caller sent, the event the chain stores is well-formed text within its
 * columns' widths. Guards against a refusal or a mutation whose event PostgreSQL rejects (an unpaired
 * surrogate, a NUL, a header longer than its column), which turned a recorded outcome into a lost one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventHashParts } from '../../src/audit/canonical.js';
import { fitAuditEvent } from '../../src/audit/fit-event.js';
import type { NewAuditEvent } from '../../src/audit/event.js';
import { sampleEvent } from '../support/audit-chain.js';

const wellFormed = (s: string) => s.isWellFormed() && !s.includes('\0');

describe(fitAuditEvent.name, () => {
  it('returns a clean event with the same content', () => {
    const e = sampleEvent(3);
    expect(fitAuditEvent(e)).toEqual({ ...e, detail: e.detail ?? null });
  });

  it.each([
    ['purpose', { purpose: `p${'x'.repeat(300)}` }, (f: NewAuditEvent) => f.purpose!.length <= 64],
    ['requestId', { requestId: 'r'.repeat(65) }, (f: NewAuditEvent) => f.requestId.length <= 64],
    ['actorId', { actorId: 'a'.repeat(500) }, (f: NewAuditEvent) => f.actorId!.length <= 128],
    ['clientAddress', { clientAddress: '1'.repeat(100) }, (f: NewAuditEvent) => f.clientAddress!.length <= 64],
    ['operationName', { operationName: 'Op'.repeat(5000) }, (f: NewAuditEvent) => f.operationName!.length <= 1024],
    ['purpose with a lone surrogate', { purpose: 'web\ud800' }, (f: NewAuditEvent) => f.purpose === 'web\uFFFD'],
    ['a NUL in a resource', { resources: ['Customer:\0x'] }, (f: NewAuditEvent) => f.resources[0] === 'Customer:\uFFFDx'],
    ['a surrogate cut in half at the width', { purpose: `${'x'.repeat(62)}😀😀` }, (f: NewAuditEvent) => wellFormed(f.purpose!) && f.purpose!.length <= 64],
    ['a detail value', { detail: { mutations: [{ name: 'upsertCustomer', arguments: { segment: 'gold\ud800', source: 'a\0b' } }] } }, (f: NewAuditEvent) => !/\\ud8|\\u0000/i.test(JSON.stringify(f.detail))],
    ['a detail key', { detail: { ['k\udfff']: 1 } }, (f: NewAuditEvent) => Object.keys(f.detail!).every(wellFormed)],
  ] as const)('fits %s', (_name, change, check) => {
    const fitted = fitAuditEvent({ ...sampleEvent(1), ...change } as NewAuditEvent);
    expect(check(fitted)).toBe(true);
    // The canonical body the chain hashes is valid UTF-8 text PostgreSQL accepts.
    const { prefix, suffix } = eventHashParts(fitted);
    expect(wellFormed(prefix + suffix)).toBe(true);
    expect(JSON.stringify(fitted)).not.toMatch(/\\ud[89a-f][0-9a-f]{2}|\\u0000/i);
  });

  it('takes a detail that needs no fitting as it is, and copies one that does', () => {
    const detail = { exposure: [{ masked: ['Customer.email'], records: [0, 1, 2] }], commit: 'edge' };
    expect(fitAuditEvent({ ...sampleEvent(1), detail }).detail).toBe(detail);
    const dirty = { ...detail, note: ['x', { deep: 'a\0b' }] };
    const fitted = fitAuditEvent({ ...sampleEvent(1), detail: dirty }).detail;
    expect(fitted).not.toBe(dirty);
    expect(fitted).toEqual({ ...detail, note: ['x', { deep: 'a\uFFFDb' }] });
  });

  it('fits any detail to the body that copying every detail gave', () => {
    // The previous fitting of a detail, which copied it whole: chains written with it must verify alike.
    const fitText = (v: string) => {
      const out = v.toWellFormed().replace(/\0/g, '\uFFFD');
      return out.length > 1024 ? `${out.slice(0, 1023)}…`.toWellFormed() : out;
    };
    const copied = (value: unknown): unknown => {
      if (typeof value === 'string') return fitText(value);
      if (Array.isArray(value)) return value.map(copied);
      if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [fitText(k), copied(v)]));
      }
      return value;
    };
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\0', '\ud800', 'a\udc00', 'k'.repeat(1030), `${'x'.repeat(1023)}😀`));
    const leaf = fc.oneof(text, fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true }));
    const json = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('object')),
      list: fc.sparseArray(tie('any'), { maxLength: 5 }),
      object: fc.dictionary(text, tie('any'), { maxKeys: 4 }),
    })).object;
    fc.assert(
      fc.property(json, (detail) => {
        const e = { ...sampleEvent(1), detail: detail as Record<string, unknown> };
        expect(eventHashParts(fitAuditEvent(e))).toEqual(eventHashParts({ ...fitAuditEvent(e), detail: copied(detail) as Record<string, unknown> }));
      }),
      { numRuns: 500 },
    );
  });
});
