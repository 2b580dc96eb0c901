/**
 * What one role reads, decided once per sync: the role's ability (the same CASL ability a request
 * of that role gets), each type's row condition as SQL (a condition SQL cannot express shows
 * nothing), and the tables and columns that are not DENIED outright.
 */
import { abilityFor, condToMikroOrmWhere, PushDownError, type KoeAbility, type PolicySet } from '../../policies/index.js';
import { VIRTUAL_TRANSLATORS, virtualsTested } from '../virtual-translators.js';
import { BI_TABLES, CUSTOMER_KEY, type BiColumn, type BiTable, type BiTableName, type BiType } from './bi-tables.js';

export interface BiPlan {
  readonly role: string;
  readonly policyVersion: string;
  readonly ability: KoeAbility;
  /** Tables the role reads rows of, with only the columns not DENIED on every row. */
  readonly tables: ReadonlyMap<BiTableName, BiTable>;
  /** `Type.field` left out of the tables (DENIED on every row). */
  readonly omitted: readonly string[];
  rowWhere(type: BiType): object | null;
  formulas(type: BiType): readonly string[];
}

export function biPlan(policy: PolicySet, role: string): BiPlan {
  if (!policy.roles.has(role)) throw new Error(`the policy has no role "${role}" (roles: ${[...policy.roles.keys()].join(', ')})`);
  // A principal of that role alone, declaring no purpose: judged, like a request without X-Koe-Purpose, under the role's purpose.
  const ability = abilityFor(policy, { id: `bi:${role}`, roles: [role], teamId: null }, { purpose: null });
  const tables = new Map<BiTableName, BiTable>();
  const omitted: string[] = [];
  const denied = (type: string, field: string) => {
    const plan = ability.fieldPlan(type, field);
    return plan.kind === 'static' && plan.decision === 'DENIED';
  };
  for (const table of BI_TABLES) {
    // Purchases and consents are reached only through Customer.purchases / Customer.consents.
    const via = table.type === 'Purchase' ? 'purchases' : table.type === 'Consent' ? 'consents' : null;
    if (!ability.canReadType(table.type) || (via && (!ability.canReadType('Customer') || denied('Customer', via)))) {
      omitted.push(`${table.type}.*`);
      continue;
    }
    const columns: BiColumn[] = [];
    for (const c of table.columns) {
      if (c.column !== CUSTOMER_KEY && denied(table.type, c.field)) omitted.push(`${table.type}.${c.field}`);
      else columns.push(c);
    }
    tables.set(table.name, { ...table, columns });
    // Koe's own tables keep these sealed; a copy in the clear would undo encryption at rest.
    // A conditional decision may be PLAIN on some row: refused as well.
    const clear = columns.filter((c) => {
      const plan = ability.fieldPlan(table.type, c.field);
      return c.sealed !== undefined && (plan.kind === 'conditional' || plan.decision === 'PLAIN');
    });
    if (clear.length) {
      throw new Error(`role "${role}" may read ${clear.map((c) => `${table.type}.${c.field}`).join(', ')} in the clear: a BI schema stores no sealed field in plaintext (give the role a masked view, or none)`);
    }
  }
  const wheres = new Map<BiType, object | null>();
  return {
    role,
    policyVersion: policy.version,
    ability,
    tables,
    omitted,
    rowWhere(type) {
      if (!wheres.has(type)) wheres.set(type, sqlWhere(ability, type));
      return wheres.get(type)!;
    },
    formulas: (type) => virtualsTested(policy, ability.roles, type),
  };
}

function sqlWhere(ability: KoeAbility, type: string): object | null {
  const filter = ability.rowFilter(type);
  if (filter.kind === 'all') return {};
  if (filter.kind === 'none') return null;
  try {
    return condToMikroOrmWhere(filter.where, VIRTUAL_TRANSLATORS[type] ?? {});
  } catch (e) {
    if (!(e instanceof PushDownError)) throw e;
    return null; // deny by default, as the resolvers do
  }
}
