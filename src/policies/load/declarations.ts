/**
 * Collects the named things declared across all policy files (roles, purposes, masker aliases),
 * each exactly once, remembering which file and position declared it.
 */
import type { Problem, SourceLoc } from '../errors.js';
import { isMaskerName, MASKER_NAMES } from '../maskers/index.js';
import type { CredentialKind, MaskerAliasDef, PurposeDef } from '../model.js';
import { suggest } from '../suggest.js';
import { locate, type ParsedFile } from './yaml-source.js';

/** A role as written, before its rules are compiled. */
export interface RawRole {
  readonly name: string;
  readonly file: ParsedFile;
  readonly source: SourceLoc;
  readonly body: {
    description: string;
    department: string;
    inherits?: string[];
    readOnly?: boolean;
    defaultPurpose?: string;
    privileged?: boolean;
    minGroupSize?: number;
    documents?: { trustedOnly: boolean; clients?: string[]; credentials?: CredentialKind[] };
    rules: RawRule[];
  };
}

export interface RawRule {
  on: string | string[];
  actions?: string[];
  fields: '*' | string[];
  decision?: 'PLAIN' | 'MASKED';
  masker?: string;
  when?: Record<string, unknown>;
  purposes?: string[];
}

export interface Declarations {
  readonly roles: Map<string, RawRole>;
  readonly purposes: Map<string, PurposeDef>;
  readonly maskers: Map<string, MaskerAliasDef>;
}

type Section = 'roles' | 'purposes' | 'maskers';

export function collectDeclarations(files: readonly ParsedFile[], problems: Problem[]): Declarations {
  const out: Declarations = { roles: new Map(), purposes: new Map(), maskers: new Map() };
  const firstSeen = new Map<string, SourceLoc>();
  for (const file of files) {
    const data = file.data as Partial<Record<Section, Record<string, Record<string, unknown>>>>;
    for (const section of ['purposes', 'maskers', 'roles'] as const) {
      for (const [name, body] of Object.entries(data[section] ?? {})) {
        const source = locate(file, [section, name], 'key');
        const before = firstSeen.get(`${section}:${name}`);
        if (before) {
          problems.push({ loc: source, message: `${section.slice(0, -1)} "${name}" is declared twice (first at ${before.file}:${before.line}): keep one` });
          continue;
        }
        firstSeen.set(`${section}:${name}`, source);
        if (section === 'roles') out.roles.set(name, { name, file, source, body: body as unknown as RawRole['body'] });
        else if (section === 'purposes') out.purposes.set(name, purpose(name, body, source));
        else {
          const alias = maskerAlias(name, body, source, file, problems);
          if (alias) out.maskers.set(name, alias);
        }
      }
    }
  }
  return out;
}

function purpose(id: string, body: Record<string, unknown>, source: SourceLoc): PurposeDef {
  const b = body as { description: { ja: string; en: string }; legalBasis: string; requiresConsent?: boolean };
  return { id, description: b.description, legalBasis: b.legalBasis, requiresConsent: b.requiresConsent ?? false, source };
}

function maskerAlias(name: string, body: Record<string, unknown>, source: SourceLoc, file: ParsedFile, problems: Problem[]): MaskerAliasDef | null {
  const b = body as { masker: string; description?: string; options?: Record<string, unknown> };
  if (isMaskerName(name)) {
    problems.push({ loc: source, message: `masker alias "${name}" hides the built-in masker of that name: choose another name` });
    return null;
  }
  if (!isMaskerName(b.masker)) {
    problems.push({ loc: locate(file, ['maskers', name, 'masker']), message: `unknown masker "${b.masker}" ${suggest(b.masker, MASKER_NAMES, 'built-in maskers')}` });
    return null;
  }
  return { name, masker: b.masker, options: b.options ?? null, description: b.description ?? null, source };
}
