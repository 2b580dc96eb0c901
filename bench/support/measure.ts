/** Sequential latency sampling, interleaved across variants so drift hits them all alike. */
export interface Sample {
  name: string;
  ms: number[];
  /** CPU time of this process (user + system, process.cpuUsage) per run: load distorts it less than wall time. */
  cpuMs?: number[];
}

export interface Stats {
  name: string;
  n: number;
  median: number;
  p99: number;
  mean: number;
  /** Median CPU ms per run (this process: with in-process servers, theirs too). */
  cpuMedian: number;
}

export async function interleave(
  variants: Array<{ name: string; run: () => Promise<void> }>,
  opts: { warmup: number; rounds: number },
): Promise<Sample[]> {
  for (let i = 0; i < opts.warmup; i++) for (const v of variants) await v.run();
  const samples: Sample[] = variants.map((v) => ({ name: v.name, ms: [], cpuMs: [] }));
  for (let i = 0; i < opts.rounds; i++) {
    // Rotate the order each round so no variant always runs first (cold caches) or last.
    for (let j = 0; j < variants.length; j++) {
      const k = (i + j) % variants.length;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await variants[k]!.run();
      samples[k]!.ms.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      samples[k]!.cpuMs!.push((c.user + c.system) / 1000);
    }
  }
  return samples;
}

export function stats(s: Sample): Stats {
  const sorted = [...s.ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const cpu = [...(s.cpuMs ?? [])].sort((a, b) => a - b);
  const cpuMedian = cpu.length ? cpu[Math.floor(cpu.length / 2)]! : NaN;
  return { name: s.name, n: sorted.length, median: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, cpuMedian };
}

export function table(rows: Stats[], baseline: string): string {
  const base = rows.find((r) => r.name === baseline)!;
  const cpu = rows.some((r) => Number.isFinite(r.cpuMedian));
  const lines = ['variant'.padEnd(34) + 'n'.padStart(6) + 'median ms'.padStart(12) + 'p99 ms'.padStart(10) + 'ratio'.padStart(8) + (cpu ? 'cpu ms'.padStart(9) : '')];
  for (const r of rows) {
    const cpuCell = cpu ? (Number.isFinite(r.cpuMedian) ? r.cpuMedian.toFixed(2) : '-').padStart(9) : '';
    lines.push(r.name.padEnd(34) + String(r.n).padStart(6) + r.median.toFixed(2).padStart(12) + r.p99.toFixed(2).padStart(10) + (r.median / base.median).toFixed(3).padStart(8) + cpuCell);
  }
  return lines.join('\n');
}
