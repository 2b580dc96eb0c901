/** `npm run bench -- <name> [options]`: runs one benchmark under bench/ (never part of npm test). */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);
if (!name || !existsSync(`${dir}/${name}.ts`)) {
  console.error(`usage: npm run bench -- <${names.join('|')}> [options]`);
  process.exit(name ? 1 : 0);
}
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
// As deployed: NODE_ENV=production (graphql-js skips its development-only checks) unless set otherwise.
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production' };
const r = spawnSync(process.execPath, [tsx, `${dir}/${name}.ts`, ...rest], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
