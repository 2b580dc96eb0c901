/**
 * The API catalog (types, fields, `@pii`, mutations) the CLI loads policy files against. The build
 * (bin/cli-build.mjs) writes it beside the bundle, dist/cli/api-catalog.json (`koe schema --catalog`,
 * from the same sources): reading it takes milliseconds, composing the supergraph from the resolvers
 * about a second, and building it from the SDL needs graphql (~0.2 s). Run from the sources (tsx), or
 * without that file, the catalog is composed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SchemaCatalog } from '../policies/index.js';

/** Its name beside the bundle; bin/cli-build.mjs writes it. */
export const CATALOG_FILE = 'api-catalog.json';

let catalog: Promise<SchemaCatalog> | null = null;

export function cliCatalog(): Promise<SchemaCatalog> {
  return (catalog ??= builtCatalog() ?? import('../server/policy.js').then((m) => m.apiCatalog()));
}

function builtCatalog(): Promise<SchemaCatalog> | null {
  if (!import.meta.url.endsWith('.cjs')) return null;
  let text: string;
  try {
    text = readFileSync(fileURLToPath(new URL(CATALOG_FILE, import.meta.url)), 'utf8');
  } catch {
    return null;
  }
  return Promise.resolve(JSON.parse(text) as SchemaCatalog);
}
