/** Koe against its two floors: answers compared, and throughput ratios against issue 16's targets. */
import { isDeepStrictEqual } from 'node:util';
import { failures, type LoadResult } from './load.js';

/** How two answers agree, or null when they do not. */
export function sameAnswer(a: string, b: string): 'identical bytes' | 'equal after JSON parse' | null {
  if (a === b) return 'identical bytes';
  return isDeepStrictEqual(JSON.parse(a), JSON.parse(b)) ? 'equal after JSON parse' : null;
}

/** `koe start --together`: every server in each of two processes sharing the ports (bench/support/split-platform.ts). */
export const TOGETHER = 'gateway, 2 processes, all servers';

const PAIRS = [
  { koe: 'subgraph, enforcement on', contract: 'contract floor: customers', raw: 'raw floor: customers SQL', target: (c: number) => (c === 1 ? 1.5 : 2) },
  { koe: 'gateway, enforcement on', contract: 'contract floor: dashboard', raw: 'raw floor: dashboard SQL', target: (c: number) => (c === 1 ? 2 : 2.5) },
  { koe: TOGETHER, contract: 'contract floor: dashboard', raw: 'raw floor: dashboard SQL', target: (c: number) => (c === 1 ? 2 : 2.5) },
  { koe: 'subgraph, every column', contract: 'contract floor: customers', raw: 'raw floor: customers SQL', target: (c: number) => (c === 1 ? 1.5 : 2) },
  { koe: 'gateway, every column', contract: 'contract floor: dashboard', raw: 'raw floor: dashboard SQL', target: (c: number) => (c === 1 ? 2 : 2.5) },
];

/** Per concurrency: floor throughput / Koe throughput (how many times the time per request), and the target. */
export function floorRatios(rows: LoadResult[], levels: readonly number[]): string {
  const lines = ['', 'Koe against the floors (floor req/s / Koe req/s):', 'Koe variant'.padEnd(28) + 'c'.padStart(4) + 'x contract'.padStart(12) + 'target'.padStart(9) + 'x raw'.padStart(8)];
  for (const c of levels) {
    const rps = (name: string) => {
      const r = rows.find((x) => x.name === name && x.connections === c);
      return r && failures(r) === 0 && r.requests > 0 ? r.rps : undefined;
    };
    for (const p of PAIRS) {
      const koe = rps(p.koe);
      if (koe === undefined) continue;
      const contract = rps(p.contract);
      const raw = rps(p.raw);
      const x = contract === undefined ? undefined : contract / koe;
      const verdict = x === undefined ? '' : x <= p.target(c) ? ' met' : ' missed';
      lines.push(
        p.koe.padEnd(28) + String(c).padStart(4) + (x === undefined ? '-' : x.toFixed(2)).padStart(12) + `≤ ${p.target(c)}${verdict}`.padStart(9 + verdict.length) + (raw === undefined ? '-' : (raw / koe).toFixed(2)).padStart(8),
      );
    }
  }
  return lines.join('\n');
}
