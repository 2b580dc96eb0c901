/**
 * The gateway's proof that it counted a request: honoured once, for its own request id, within
 * its age, and never when cut, padded or forged (the subgraph then counts the request itself).
 */
import { describe, expect, it } from 'vitest';
import { countedProof, CountedProofs } from '../../src/server/limits/counted-proof.js';

const SECRET = new TextEncoder().encode('koe-test-secret-not-for-production-0123456789');
const NOW = Date.parse('2026-12-04T12:00:00Z');

describe(CountedProofs.name, () => {
  it('honours a fresh proof once, and each fetch of one request has its own', () => {
    const proofs = new CountedProofs(SECRET);
    const [a, b] = [countedProof(SECRET, 'r-1', NOW), countedProof(SECRET, 'r-1', NOW)];
    expect(a).not.toBe(b);
    expect(proofs.accept('r-1', a, NOW)).toBe(true);
    expect(proofs.accept('r-1', b, NOW + 10)).toBe(true);
    expect(proofs.accept('r-1', a, NOW + 20)).toBe(false);
  });

  it.each([
    ['another request id', (p: string) => ['r-2', p] as const, NOW],
    ['no proof', () => ['r-1', undefined] as const, NOW],
    ['a proof cut by one character', (p: string) => ['r-1', p.slice(0, -1)] as const, NOW],
    ['a proof padded by one character', (p: string) => ['r-1', `${p}A`] as const, NOW],
    ['a proof with its time changed', (p: string) => ['r-1', `${(Math.floor(NOW / 1000) + 1).toString(36)}${p.slice(p.indexOf('.'))}`] as const, NOW],
    ['a proof older than 30 s', (p: string) => ['r-1', p] as const, NOW + 31_000],
    ['a proof from more than 5 s in the future', (p: string) => ['r-1', p] as const, NOW - 6_000],
  ])('refuses %s', (_what, present, at) => {
    const proofs = new CountedProofs(SECRET);
    const [requestId, proof] = present(countedProof(SECRET, 'r-1', NOW));
    expect(proofs.accept(requestId, proof, at)).toBe(false);
  });

  it('accepts a proof up to its age and a clock a little behind', () => {
    expect(new CountedProofs(SECRET).accept('r-1', countedProof(SECRET, 'r-1', NOW), NOW + 29_000)).toBe(true);
    expect(new CountedProofs(SECRET).accept('r-1', countedProof(SECRET, 'r-1', NOW), NOW - 4_000)).toBe(true);
  });

  it('refuses a proof made under another secret', () => {
    const other = new TextEncoder().encode('another-secret-another-secret-another-secret');
    expect(new CountedProofs(SECRET).accept('r-1', countedProof(other, 'r-1', NOW), NOW)).toBe(false);
  });
});
