/**
 * One autocannon run on loopback, in a child process so the load generator does not share the
 * servers' event loop: fixed duration, fixed connections, latency percentiles in ms.
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
  errors: number;
  non2xx: number;
}

const CLI = fileURLToPath(new URL('../../node_modules/autocannon/autocannon.js', import.meta.url));

export function load(name: string, url: string, body: string, headers: Record<string, string>, connections: number, seconds: number): Promise<LoadResult> {
  const args = [CLI, '-j', '-c', String(connections), '-d', String(seconds), '-m', 'POST', '-b', body, '-H', 'content-type=application/json'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        const r = JSON.parse(out) as { requests: { total: number; average: number }; latency: { p50: number; p99: number }; errors: number; timeouts: number; non2xx: number };
        resolve({ name, connections, requests: r.requests.total, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx });
      } catch (e) {
        reject(new Error(`autocannon gave no JSON for ${name}: ${String(e)}`));
      }
    });
  });
}
