/**
 * Loads a policy directory all or nothing: YAML syntax, then the JSON Schema, then names and
 * conditions against the catalog. Any problem throws one PolicyError listing all of them.
 */
import { createHash } from 'node:crypto';
import type { SchemaCatalog } from '../catalog.js';
import { isPlaceholderSyntax } from '../conditions/placeholders.js';
import { PolicyError, type Problem } from '../errors.js';
import { Lru } from '../lru.js';
import type { PolicySet, PolicySource, RoleDef } from '../model.js';
import { compileRoles } from './compile-roles.js';
import { compileAuditPolicy } from './audit-policy.js';
import { collectDeclarations } from './declarations.js';
import { compileGovernancePolicy } from './governance-policy.js';
import { compileKeyPolicy } from './key-policy.js';
import { compileLifecyclePolicy } from './lifecycle-policy.js';
import { compileRecipients } from './recipient-policy.js';
import { policyFileSchema } from './policy-file.schema.js';
import { schemaProblems } from './validate-schema.js';
import { parseSource, readSources } from './yaml-source.js';

export const POLICY_SUFFIX = '.policy.yaml';
/** Distinct (roles, team, attributes, purpose) combinations kept per policy version. */
const ABILITY_CACHE_SIZE = 2_000;

const compiledSets = new WeakMap<SchemaCatalog, Map<string, PolicySet>>();

/** Synchronous: the server loads once at start-up and the CLI wants no event loop dance. */
export function loadPolicySet(dir: string, catalog: SchemaCatalog): PolicySet {
  let sources: PolicySource[];
  try {
    sources = readSources(dir, POLICY_SUFFIX);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new PolicyError([{ loc: { file: dir, line: 1, col: 1 }, message: `cannot read the policy directory (${reason}): point KOE_POLICY_DIR at the policies/ folder` }]);
  }
  const { set, problems } = compilePolicySources(dir, sources, catalog);
  if (!set) throw new PolicyError(problems);
  return set;
}

export function policyVersion(sources: readonly PolicySource[]): string {
  const hash = createHash('sha256');
  for (const s of [...sources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) hash.update(`${s.name}\0${s.text}\0`);
  return hash.digest('hex').slice(0, 16);
}

/** The whole pipeline without throwing: `set` is null whenever `problems` is not empty. */
export function compilePolicySources(dir: string, sources: readonly PolicySource[], catalog: SchemaCatalog): { set: PolicySet | null; problems: Problem[] } {
  const version = policyVersion(sources);
  const cacheKey = `${version}\0${dir}`;
  const cached = compiledSets.get(catalog)?.get(cacheKey);
  if (cached) return { set: cached, problems: [] };

  const files = sources.map(parseSource);
  const problems: Problem[] = files.flatMap((f) => [...f.problems, ...(f.problems.length ? [] : schemaProblems(f, policyFileSchema))]);
  if (sources.length === 0) problems.push({ loc: { file: dir, line: 1, col: 1 }, message: `no *${POLICY_SUFFIX} files in this directory: point KOE_POLICY_DIR at the policies/ folder` });
  // Names checked on a file of the wrong shape would only repeat the same mistake in other words.
  if (problems.length) return { set: null, problems };

  const decl = collectDeclarations(files, problems);
  const roles = compileRoles(decl.roles, { catalog, purposes: new Set(decl.purposes.keys()), maskers: decl.maskers }, problems);
  const audit = compileAuditPolicy(files, new Set(decl.roles.keys()), problems);
  const keys = compileKeyPolicy(files, problems);
  const lifecycle = compileLifecyclePolicy(files, problems);
  const recipients = compileRecipients(files, { catalog, purposes: new Set(decl.purposes.keys()) }, problems);
  const governance = compileGovernancePolicy(files, decl.roles, problems);
  if (problems.length) return { set: null, problems: sortProblems(problems) };

  const set: PolicySet = {
    version, dir, catalog, roles, purposes: decl.purposes, maskers: decl.maskers, audit, keys, lifecycle, recipients, governance, sources,
    placeholders: placeholdersUsed(roles), abilities: new Lru(ABILITY_CACHE_SIZE),
  };
  let byVersion = compiledSets.get(catalog);
  if (!byVersion) compiledSets.set(catalog, (byVersion = new Map()));
  byVersion.set(cacheKey, set);
  return { set, problems: [] };
}

function placeholdersUsed(roles: ReadonlyMap<string, RoleDef>): string[] {
  const out = new Set<string>();
  for (const role of roles.values()) {
    for (const rule of role.rules) {
      for (const branch of rule.branches) {
        for (const c of branch) for (const v of Array.isArray(c.value) ? c.value : [c.value]) if (isPlaceholderSyntax(v)) out.add(v);
      }
    }
  }
  return [...out].sort();
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.loc.file.localeCompare(b.loc.file) || a.loc.line - b.loc.line || a.loc.col - b.loc.col);
}

