/**
 * Runs the `*.test.yaml` cases kept beside the policies (like OPA's `_test.rego`): each case names
 * a role, a principal, a purpose and a record, and the decision it expects; each result points at
 * the case's file and line.
 */
import { abilityFor } from '../ability/ability-for.js';
import { catalogField } from '../catalog-lookup.js';
import { formatLoc, type SourceLoc } from '../errors.js';
import { schemaProblems } from '../load/validate-schema.js';
import { locate, parseSource, readSources, type ParsedFile } from '../load/yaml-source.js';
import { documentLockOf, lockAllows } from '../documents.js';
import type { CredentialKind, PolicySet } from '../model.js';
import { policyTestFileSchema } from './policy-test.schema.js';

export const POLICY_TEST_SUFFIX = '.test.yaml';

export interface PolicyTestResult {
  readonly name: string;
  readonly loc: SourceLoc;
  /** `file:line:col`, for printing. */
  readonly at: string;
  readonly roles: readonly string[];
  readonly passed: boolean;
  readonly expected: string;
  readonly actual: string;
  /** Why it failed, or why the case itself is invalid. */
  readonly message: string | null;
}

interface RawCase {
  name: string;
  role: string | string[];
  principal?: { id?: string; teamId?: string | null } & Record<string, unknown>;
  purpose?: string | null;
  type?: string;
  field?: string;
  record?: Record<string, unknown>;
  action?: 'read' | 'update';
  mutation?: string;
  credential?: CredentialKind;
  document?: 'text' | { client: string };
  expect: string;
  masker?: string;
}

export function runPolicyTests(set: PolicySet, dir: string): PolicyTestResult[] {
  return readSources(dir, POLICY_TEST_SUFFIX).flatMap((source) => runFile(set, parseSource(source)));
}

function runFile(set: PolicySet, file: ParsedFile): PolicyTestResult[] {
  const invalid = [...file.problems, ...(file.problems.length ? [] : schemaProblems(file, policyTestFileSchema))];
  if (invalid.length) {
    return invalid.map((p) => ({ name: '(invalid test file)', loc: p.loc, at: formatLoc(p.loc), roles: [], passed: false, expected: '', actual: '', message: p.message }));
  }
  const cases = (file.data as { cases: RawCase[] }).cases;
  return cases.map((c, i) => runCase(set, c, locate(file, ['cases', i])));
}

function runCase(set: PolicySet, c: RawCase, loc: SourceLoc): PolicyTestResult {
  const roles = Array.isArray(c.role) ? c.role : [c.role];
  const result = (actual: string, message: string | null = null) => {
    const passed = message === null && actual === c.expect;
    const why = message ?? (passed ? null : `expected ${c.expect}, got ${actual}`);
    return { name: c.name, loc, at: formatLoc(loc), roles, passed, expected: c.expect, actual, message: why };
  };
  if (c.document !== undefined) {
    const lock = documentLockOf(set.roles, roles, c.credential!);
    const allowed = !lock || (c.document !== 'text' && lockAllows(lock, [c.document.client]));
    return result(allowed ? 'ALLOWED' : 'DENIED');
  }
  if (c.purpose && !set.purposes.has(c.purpose)) return result('', `purpose "${c.purpose}" is not declared: the server would refuse the request`);
  const { id = 'test-principal', teamId = null, ...attributes } = c.principal ?? {};
  const ability = abilityFor(set, { id, roles, teamId, attributes }, { purpose: c.purpose ?? null });

  if (c.mutation !== undefined) {
    if (!set.catalog.mutations.includes(c.mutation)) return result('', `unknown mutation "${c.mutation}"`);
    return result(ability.canMutate(c.mutation) ? 'ALLOWED' : 'DENIED');
  }
  const type = c.type!;
  const field = c.field!;
  if (!catalogField(set.catalog, type, field)) return result('', `unknown field "${type}.${field}" in the case`);
  // A copy: CASL tags the object with its type, and a case's record must stay as written.
  const record = { ...(c.record ?? {}) };
  if (c.action === 'update') return result(ability.canUpdate(type, record, field) ? 'ALLOWED' : 'DENIED');
  const decided = ability.decide(type, record, field);
  if (c.masker !== undefined && decided.decision === 'MASKED' && decided.masker !== c.masker) {
    return result(decided.decision, `expected masker ${c.masker}, got ${decided.masker}`);
  }
  return result(decided.decision);
}
