/**
 * fitAuditEvent: whatever a caller sent, the event the chain stores is well-formed text within its
 * columns' widths. Guards against a refusal or a mutation whose event PostgreSQL rejects (an unpaired
 * surrogate, a NUL, a header longer than its column), which turned a recorded outcome into a lost one.
 */
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
});
