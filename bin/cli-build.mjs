#!/usr/bin/env node
// The compiled CLI: src/cli/main.ts and everything of ours it imports (migrations included), bundled by
// esbuild into one CommonJS file, dist/cli/main.cjs; packages stay in node_modules. Beside it the API
// catalog the policy verbs check against (dist/cli/api-catalog.json, printed by the new bundle), so they
// need not compose the supergraph from the resolvers (~1 s) each time.
//
// Why esbuild, a bundle, and CommonJS (measured on this 2-core machine; see test/README.md):
// - esbuild is the compiler tsx runs today (tsx depends on it), so the compiled CLI behaves as the
//   sources do under tsx (no decorator metadata either way: every property names its type). ~1 s.
// - One file two directories below the repository root: src/cli/runtime.ts and src/auth/policy-roles.ts
//   find policies/ and .koe/ at `import.meta.url`/../.. ; a per-file build (dist/src/…) would move that.
// - CommonJS: Node loads the packages with require() instead of the ESM loader, which lexes every
//   CommonJS package it imports; `koe --help` took ~40 % less CPU than an ESM bundle. Node 20.19+
//   require()s the ESM-only packages (jose). Lazily imported commands stay lazy (esbuild wraps them).
//
//   node bin/cli-build.mjs             build
//   node bin/cli-build.mjs --if-stale  build only when a source is newer than the output
import { execFileSync } from 'node:child_process';
import { readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_OUT = join(ROOT, 'dist', 'cli', 'main.cjs');
/** The policy engine's API catalog (`koe schema --catalog`), beside the bundle: the CLI reads it (src/cli/api-catalog.ts). */
const CATALOG = join(ROOT, 'dist', 'cli', 'api-catalog.json');

// What the bundle is made of: a file edited, added or removed (a directory's mtime) under these makes it stale.
const SOURCES = ['src', 'migrations', 'tsconfig.json', 'package.json', 'bin/cli-build.mjs'];

function changedAfter(path, time) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return false;
  }
  if (st.mtimeMs > time) return true;
  return st.isDirectory() && readdirSync(path).some((name) => changedAfter(join(path, name), time));
}

/** True when dist/cli/main.cjs exists and no source changed since its build began. */
export function cliIsFresh() {
  let built;
  try {
    built = statSync(CLI_OUT).mtimeMs;
  } catch {
    return false;
  }
  return !SOURCES.some((s) => changedAfter(join(ROOT, s), built));
}

export async function buildCli() {
  const started = new Date();
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/cli/main.ts'],
    outfile: CLI_OUT,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    tsconfig: 'tsconfig.json',
    sourcemap: true,
    // CommonJS has no import.meta; the two uses ask for this file's URL.
    define: { 'import.meta.url': '__koeFileUrl' },
    banner: { js: 'const __koeFileUrl = require("node:url").pathToFileURL(__filename).href;' },
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(dirname(CLI_OUT), { recursive: true });
  // Written beside, then renamed: a CLI started meanwhile (another test run) reads the old file or the new
  // one, never half of one. The map and the catalog first, so the new main.cjs never meets old ones.
  const tmp = (path) => `${path}.${process.pid}.tmp`;
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === CLI_OUT) - Number(b.path === CLI_OUT));
  for (const f of files) writeFileSync(tmp(f.path), f.contents);
  const bundle = tmp(CLI_OUT).replace(/\.tmp$/, '.tmp.cjs');
  renameSync(tmp(CLI_OUT), bundle);
  try {
    writeFileSync(tmp(CATALOG), execFileSync(process.execPath, [bundle, 'schema', '--catalog'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 }));
    renameSync(tmp(CATALOG), CATALOG);
  } catch (e) {
    // The CLI then composes the schema itself (slower), and shows a composition error where it matters.
    rmSync(CATALOG, { force: true });
    rmSync(tmp(CATALOG), { force: true });
    console.warn(`koe: could not write the API catalog for the CLI (${e.message.split('\n')[0]}); the policy verbs will compose the schema`);
  }
  for (const f of files) renameSync(f.path === CLI_OUT ? bundle : tmp(f.path), f.path);
  // Dated when the build began, so a source saved while esbuild ran still counts as newer.
  utimesSync(CLI_OUT, started, started);
  console.log(`koe: built ${CLI_OUT.slice(ROOT.length + 1)} in ${Date.now() - started.getTime()} ms`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!(process.argv.includes('--if-stale') && cliIsFresh())) await buildCli();
}
