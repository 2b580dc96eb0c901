/**
 * Compiles every role: its own rules, then inheritance (unknown parents and cycles are errors),
 * then the read-only promise, which must hold for inherited rules too.
 */
import type { SchemaCatalog } from '../catalog.js';
import type { Problem } from '../errors.js';
import { DEFAULT_MIN_GROUP_SIZE } from '../aggregates/suppression.js';
import { combineLocks } from '../documents.js';
import type { CompiledRule, DocumentLock, MaskerAliasDef, RoleDef } from '../model.js';
import { suggest } from '../suggest.js';
import { compileRule } from './compile-rule.js';
import type { RawRole } from './declarations.js';
import { locate, locateProblems } from './yaml-source.js';

export interface RolesContext {
  readonly catalog: SchemaCatalog;
  readonly purposes: ReadonlySet<string>;
  readonly maskers: ReadonlyMap<string, MaskerAliasDef>;
}

export function compileRoles(raw: ReadonlyMap<string, RawRole>, ctx: RolesContext, problems: Problem[]): Map<string, RoleDef> {
  let id = 0;
  const own = new Map<string, CompiledRule[]>();
  for (const role of raw.values()) {
    const rules: CompiledRule[] = [];
    role.body.rules.forEach((r, i) => {
      const path = ['roles', role.name, 'rules', i];
      const found: Parameters<typeof compileRule>[3] = [];
      const compiled = compileRule(r, path, { ...ctx, role: role.name, nextId: () => id++ }, found);
      problems.push(...locateProblems(role.file, found));
      const source = locate(role.file, path);
      rules.push(...compiled.map((c) => ({ ...c, source })));
    });
    own.set(role.name, rules);
    (role.body.inherits ?? []).forEach((parent, i) => {
      if (!raw.has(parent)) {
        problems.push({ loc: locate(role.file, ['roles', role.name, 'inherits', i]), message: `unknown role "${parent}" in inherits ${suggest(parent, raw.keys(), 'roles')}` });
      }
    });
  }
  reportCycles(raw, problems);

  const out = new Map<string, RoleDef>();
  for (const role of raw.values()) {
    const rules = effectiveRules(role.name, raw, own);
    const def: RoleDef = {
      name: role.name, description: role.body.description, department: role.body.department,
      inherits: role.body.inherits ?? [], readOnly: role.body.readOnly ?? false, defaultPurpose: role.body.defaultPurpose ?? null, privileged: inheritsPrivilege(role.name, raw),
      minGroupSize: role.body.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE, documents: inheritedDocumentLock(role.name, raw), source: role.source, rules,
    };
    if (def.defaultPurpose !== null && !ctx.purposes.has(def.defaultPurpose)) {
      problems.push({
        loc: locate(role.file, ['roles', role.name, 'defaultPurpose']),
        message: `unknown purpose "${def.defaultPurpose}" as defaultPurpose: declare it in purposes.policy.yaml ${suggest(def.defaultPurpose, ctx.purposes)}`,
      });
    }
    if (def.readOnly) checkReadOnly(def, role, problems);
    out.set(role.name, def);
  }
  return out;
}

/** Privileged when the role, or any role it inherits, says `privileged: true`. */
function inheritsPrivilege(name: string, raw: ReadonlyMap<string, RawRole>): boolean {
  const seen = new Set<string>();
  const visit = (role: string): boolean => {
    if (seen.has(role) || !raw.has(role)) return false;
    seen.add(role);
    const body = raw.get(role)!.body;
    return body.privileged === true || (body.inherits ?? []).some(visit);
  };
  return visit(name);
}

/**
 * Locked when the role or any role it inherits says `documents: { trustedOnly: true }` (a lock
 * must not be undone by building a role on top of it); combined as for a principal holding them all.
 */
function inheritedDocumentLock(name: string, raw: ReadonlyMap<string, RawRole>): DocumentLock | null {
  const locks: DocumentLock[] = [];
  const seen = new Set<string>();
  const visit = (role: string) => {
    if (seen.has(role) || !raw.has(role)) return;
    seen.add(role);
    const body = raw.get(role)!.body;
    if (body.documents?.trustedOnly) locks.push({ clients: body.documents.clients ?? null, credentials: body.documents.credentials ?? null });
    (body.inherits ?? []).forEach(visit);
  };
  visit(name);
  return combineLocks(locks);
}

/** Inherited rules first (depth first, each once), own rules last: later rules win masker ties. */
function effectiveRules(name: string, raw: ReadonlyMap<string, RawRole>, own: ReadonlyMap<string, CompiledRule[]>): CompiledRule[] {
  const seen = new Set<string>();
  const out: CompiledRule[] = [];
  const visit = (role: string) => {
    if (seen.has(role) || !raw.has(role)) return; // cycles and unknown parents are reported elsewhere
    seen.add(role);
    for (const parent of raw.get(role)!.body.inherits ?? []) visit(parent);
    out.push(...(own.get(role) ?? []));
  };
  visit(name);
  return out;
}

function reportCycles(raw: ReadonlyMap<string, RawRole>, problems: Problem[]): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (role: string, trail: string[]) => {
    if (state.get(role) === 'done' || !raw.has(role)) return;
    if (state.get(role) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(role)), role];
      const key = [...cycle].slice(0, -1).sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        const first = raw.get(role)!;
        problems.push({ loc: locate(first.file, ['roles', role, 'inherits'], 'key'), message: `inheritance cycle ${cycle.join(' -> ')}: remove one of these inherits` });
      }
      return;
    }
    state.set(role, 'visiting');
    for (const parent of raw.get(role)!.body.inherits ?? []) visit(parent, [...trail, role]);
    state.set(role, 'done');
  };
  for (const role of raw.keys()) visit(role, []);
}

function checkReadOnly(def: RoleDef, role: RawRole, problems: Problem[]): void {
  const write = def.rules.find((r) => r.action !== 'read' && r.action !== 'read_masked');
  if (!write) return;
  const from = write.role === def.name ? '' : ` (inherited from "${write.role}")`;
  problems.push({
    loc: write.role === def.name ? write.source : locate(role.file, ['roles', role.name, 'readOnly'], 'key'),
    message: `read-only role "${def.name}" has a ${write.action} rule on ${write.type}${from} at ${write.source.file}:${write.source.line}: remove the rule or set readOnly: false`,
  });
}
