/**
 * The web dashboard (examples/dashboard) as `npm run dashboard` serves it: dist/dashboard built when
 * missing or older than its sources, then `vite preview` on a free port of 127.0.0.1 with /graphql
 * proxied to a test Koe's gateway.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preview } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(root, 'examples/dashboard/vite.config.ts');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((e) => newest(join(path, e))));
}

export function ensureDashboardBuilt(): void {
  const index = join(root, 'dist/dashboard/index.html');
  const sources = ['src', 'generated', 'index.html', 'vite.config.ts'].map((p) => newest(join(root, 'examples/dashboard', p)));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources)) return;
  // vitest sets NODE_ENV=test, which would build React's development bundle.
  execFileSync('npm', ['run', 'build:dashboard'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}

export interface ServedDashboard {
  url: string;
  close(): Promise<void>;
}

export async function serveDashboard(gatewayUrl: string): Promise<ServedDashboard> {
  ensureDashboardBuilt();
  const saved = { gateway: process.env.KOE_GATEWAY_URL, port: process.env.KOE_DASHBOARD_PORT };
  process.env.KOE_GATEWAY_URL = gatewayUrl;
  process.env.KOE_DASHBOARD_PORT = '0';
  try {
    const server = await preview({ configFile: CONFIG, logLevel: 'warn' });
    const { port } = server.httpServer.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
  } finally {
    for (const [name, value] of [['KOE_GATEWAY_URL', saved.gateway], ['KOE_DASHBOARD_PORT', saved.port]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
