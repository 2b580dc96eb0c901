/**
 * A real Hive Gateway (`@graphql-hive/gateway`, the `hive-gateway` CLI) in a child process, run
 * with the configuration Koe ships (deploy/hive/gateway.config.ts) on the supergraph Koe prints,
 * pointed at a running Koe's subgraphs. Imports nothing from vitest.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeSupergraph } from '../../src/server/supergraph.js';
import type { SubgraphName } from '../../src/request/context.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HIVE_BIN = path.join(ROOT, 'node_modules/@graphql-hive/gateway/dist/bin.js');
export const HIVE_CONFIG = path.join(ROOT, 'deploy/hive/gateway.config.ts');

export interface RunningHive {
  url: string;
  /** What the gateway printed (for a failing test's message). */
  output(): string;
  stop(): Promise<void>;
}

export async function startHiveGateway(subgraphUrls: Record<SubgraphName, string>, env: Record<string, string>): Promise<RunningHive> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'koe-hive-'));
  const supergraph = path.join(dir, 'supergraph.graphql');
  await writeFile(supergraph, await composeSupergraph(subgraphUrls));
  const port = await freePort();
  const child = spawn(process.execPath, [HIVE_BIN, 'supergraph', supergraph, '-c', HIVE_CONFIG, '-p', String(port), '-h', '127.0.0.1', '--disable-websockets'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  // Loading Hive and its config takes ~10 s on an idle machine, minutes on a loaded one.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hive-gateway exited (${child.exitCode}):\n${out}`);
    const ready = await fetch(`${base}/readiness`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`hive-gateway not ready after 180 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `${base}/graphql`, output: () => out, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
