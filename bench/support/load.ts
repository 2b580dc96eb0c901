/**
 * One autocannon run on loopback, in a child process so the load generator does not share the
 * servers' event loop: fixed duration, fixed connections, latency percentiles in ms. Failures are
 * counted, never hidden: transport errors and timeouts, non-2xx answers, and bodies that differ from
 * the checked reference answer (a 200 carrying GraphQL errors is such a mismatch).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadResult {
  name: string;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** Mean latency in ms (autocannon's percentiles are whole milliseconds; the mean is not). */
  mean: number;
  errors: number;
  non2xx: number;
  /** Bodies unlike the reference answer (only counted when one was given). */
  mismatches: number;
}

export interface LoadOptions {
  /** The exact body every answer must have; differing answers count as mismatches. */
  expectBody?: string;
  /** Per-request timeout in seconds (autocannon's default of 10 s cuts slow variants off). */
  timeoutSeconds?: number;
}

const CLI = fileURLToPath(new URL('../../node_modules/autocannon/autocannon.js', import.meta.url));
// A single argv string may not exceed 128 KiB on Linux.
const MAX_EXPECT_BYTES = 120 * 1024;

/** Failed requests of any kind; a run with any is not reported as a figure. */
export const failures = (r: LoadResult): number => r.errors + r.non2xx + r.mismatches;

export function load(name: string, url: string, body: string, headers: Record<string, string>, connections: number, seconds: number, opts: LoadOptions = {}): Promise<LoadResult> {
  const timeout = opts.timeoutSeconds ?? Math.max(60, seconds * 4);
  const args = [CLI, '-j', '-c', String(connections), '-d', String(seconds), '-t', String(timeout), '-m', 'POST', '-b', body, '-H', 'content-type=application/json'];
  const expect = opts.expectBody && Buffer.byteLength(opts.expectBody) <= MAX_EXPECT_BYTES ? opts.expectBody : undefined;
  if (expect) args.push('-E', expect);
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        const r = JSON.parse(out) as { requests: { total: number; average: number }; latency: { p50: number; p99: number; average: number }; errors: number; timeouts: number; non2xx: number; mismatches?: number };
        resolve({ name, connections, requests: r.requests.total, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.average, errors: r.errors + r.timeouts, non2xx: r.non2xx, mismatches: expect ? (r.mismatches ?? 0) : 0 });
      } catch (e) {
        reject(new Error(`autocannon gave no JSON for ${name}: ${String(e)}`));
      }
    });
  });
}
