/**
 * `koe policy check`: the load-time problems against a given catalog (the current schema may have
 * moved on since the set was loaded), plus warnings that are legal but deserve a second look.
 */
import { piiFields, type PiiCategory, type SchemaCatalog } from '../catalog.js';
import { catalogField } from '../catalog-lookup.js';
import { formatLoc, type Problem, type SourceLoc } from '../errors.js';
import { compilePolicySources } from '../load/load-policy-set.js';
import type { MaskerName } from '../maskers/index.js';
import type { PolicySet } from '../model.js';

export interface Warning {
  /** null for findings about the schema rather than a place in a policy file. */
  readonly loc: SourceLoc | null;
  readonly message: string;
}

export interface CheckReport {
  readonly problems: readonly Problem[];
  readonly warnings: readonly Warning[];
}

/** The category each specialised masker was written for; hash and redact fit any. */
const MASKER_CATEGORY: Partial<Record<MaskerName, PiiCategory>> = {
  email: 'EMAIL', phone: 'PHONE', name: 'NAME', prefecture: 'ADDRESS', year: 'BIRTH_DATE', purchase: 'PURCHASE', freeText: 'FREE_TEXT',
};

export function checkPolicies(set: PolicySet, catalog: SchemaCatalog): CheckReport {
  const { set: checked, problems } = compilePolicySources(set.dir, set.sources, catalog);
  if (!checked) return { problems, warnings: [] };
  const warnings: Warning[] = [];
  const rules = [...checked.roles.values()].flatMap((r) => r.rules.filter((rule) => rule.role === r.name));

  for (const { type, field } of piiFields(catalog)) {
    const naming = rules.filter((r) => r.type === type && !r.wildcard && r.fields.includes(field));
    if (naming.length) continue;
    const wild = [...new Set(rules.filter((r) => r.type === type && r.wildcard && r.fields.includes(field)).map((r) => r.role))];
    const covered = wild.length ? ` (only wildcards cover it: ${wild.join(', ')})` : '';
    warnings.push({ loc: null, message: `${type}.${field} is @pii but no rule names it${covered}: decide it for the roles that need it, or accept DENIED` });
  }
  for (const role of checked.roles.values()) {
    if (role.rules.length === 0) warnings.push({ loc: role.source, message: `role "${role.name}" has no rules: it can do nothing` });
  }
  for (const rule of rules) {
    for (const [field, spec] of Object.entries(rule.masks)) {
      const fits = MASKER_CATEGORY[spec.masker];
      const category = catalogField(catalog, rule.type, field)?.pii;
      if (fits && category && fits !== category) {
        warnings.push({ loc: rule.source, message: `masker "${spec.masker}" on ${rule.type}.${field} (${category}) was written for ${fits}: check the output or use hash/redact` });
      }
    }
  }
  return { problems: [], warnings };
}

export function formatWarning(w: Warning): string {
  return w.loc ? `${formatLoc(w.loc)}: warning: ${w.message}` : `warning: ${w.message}`;
}
