// Browser tests need dist/console: built here when missing or older than its sources, and a
// missing chromium is said loudly (and fails the run under CI=true: .ci/run installs it).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, chromiumMissingMessage } from '../support/browser-env.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default function setup(): void {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') throw new Error(chromiumMissingMessage());
    console.warn(chromiumMissingMessage());
    return;
  }
  const index = join(root, 'dist/console/index.html');
  const sources = Math.max(newest(join(root, 'console/src')), statSync(join(root, 'console/index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  console.log('[koe console] building dist/console (npm run build:console)');
  // vitest sets NODE_ENV=test, which would build React's development bundle.
  execFileSync('npm', ['run', 'build:console'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
