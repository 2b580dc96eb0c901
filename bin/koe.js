#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx koe …` works without a build step.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
// tsx reads tsconfig.json from the working directory; name ours so decorators compile from anywhere.
const env = { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') };
const r = spawnSync(process.execPath, [tsx, join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
