/** Sequential latency sampling, interleaved across variants so drift hits them all alike. */
export interface Sample {
  name: string;
  ms: number[];
}

export interface Stats {
  name: string;
  n: number;
  median: number;
  p99: number;
  mean: number;
}

export async function interleave(
  variants: Array<{ name: string; run: () => Promise<void> }>,
  opts: { warmup: number; rounds: number },
): Promise<Sample[]> {
  for (let i = 0; i < opts.warmup; i++) for (const v of variants) await v.run();
  const samples = variants.map((v) => ({ name: v.name, ms: [] as number[] }));
  for (let i = 0; i < opts.rounds; i++) {
    // Rotate the order each round so no variant always runs first (cold caches) or last.
    for (let j = 0; j < variants.length; j++) {
      const k = (i + j) % variants.length;
      const t0 = performance.now();
      await variants[k]!.run();
      samples[k]!.ms.push(performance.now() - t0);
    }
  }
  return samples;
}

export function stats(s: Sample): Stats {
  const sorted = [...s.ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { name: s.name, n: sorted.length, median: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

export function table(rows: Stats[], baseline: string): string {
  const base = rows.find((r) => r.name === baseline)!;
  const lines = ['variant'.padEnd(34) + 'n'.padStart(6) + 'median ms'.padStart(12) + 'p99 ms'.padStart(10) + 'ratio'.padStart(8)];
  for (const r of rows) {
    lines.push(r.name.padEnd(34) + String(r.n).padStart(6) + r.median.toFixed(2).padStart(12) + r.p99.toFixed(2).padStart(10) + (r.median / base.median).toFixed(3).padStart(8));
  }
  return lines.join('\n');
}
