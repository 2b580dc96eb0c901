#!/usr/bin/env node
// `koe`: the compiled CLI (dist/cli/main.cjs, `npm run build`; npm ci builds it) when it is current,
// else the TypeScript sources through tsx. Never a stale build: after an edit (or a checkout) without a
// rebuild the sources run, ~5 s slower per command instead of wrong; a copy installed with
// --ignore-scripts still works. Either way in this process, so signals reach Koe itself.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI_OUT, ROOT, cliIsFresh } from './cli-build.mjs';

if (cliIsFresh()) {
  // No source maps by default: Node then reads every package's map too, +0.5 s per command.
  // NODE_OPTIONS=--enable-source-maps gives stack traces into src/ (dist/cli/main.cjs.map).
  createRequire(import.meta.url)(CLI_OUT);
} else {
  const { register } = await import('tsx/esm/api');
  // tsx reads tsconfig.json from the working directory; name ours so decorators compile from anywhere.
  register({ tsconfig: join(ROOT, 'tsconfig.json') });
  await import(pathToFileURL(join(ROOT, 'src', 'cli', 'main.ts')).href);
}
