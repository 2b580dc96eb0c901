/**
 * The policy's answers for one request, from the caller's CASL ability. Row conditions become SQL
 * (a condition that cannot be pushed down means no rows, never all rows); filters, orders and
 * mutations are refused with FORBIDDEN unless the policy allows them.
 */
import { condToMikroOrmWhere, PushDownError, type FieldDecision, type KoeAbility, type PolicySet } from '../policies/index.js';
import { VIRTUAL_TRANSLATORS } from '../data/virtual-translators.js';
import { ForbiddenError } from '../schema/errors.js';
import type { GuardedType, RequestAccess } from './access.js';

/** Row SQL per ability: abilities are cached per principal shape, so this is computed once each. */
const rowSql = new WeakMap<KoeAbility, Map<string, object | null>>();

function rowWhereOf(ability: KoeAbility, type: string): object | null {
  let byType = rowSql.get(ability);
  if (!byType) rowSql.set(ability, (byType = new Map()));
  if (byType.has(type)) return byType.get(type)!;
  const filter = ability.rowFilter(type);
  let where: object | null;
  if (filter.kind === 'all') where = {};
  else if (filter.kind === 'none') where = null;
  else {
    try {
      where = condToMikroOrmWhere(filter.where, VIRTUAL_TRANSLATORS[type] ?? {});
    } catch (e) {
      if (!(e instanceof PushDownError)) throw e;
      where = null; // deny by default: a condition SQL cannot express shows nothing
    }
  }
  byType.set(type, where);
  return where;
}

export class PolicyAccess implements RequestAccess {
  readonly policyVersion: string;

  constructor(
    readonly ability: KoeAbility,
    policy: PolicySet,
  ) {
    this.policyVersion = policy.version;
  }

  decisions(): Array<{ field: string; decision: string }> {
    return this.ability.decisions();
  }

  rowWhere(type: GuardedType): object | null {
    return rowWhereOf(this.ability, type);
  }

  assertCanFilter(type: GuardedType, field: string, argument: string): void {
    if (!this.ability.canFilterOrSort(type, field)) {
      throw new ForbiddenError(`Filtering, ordering or searching on ${type}.${field} needs PLAIN read access to it`, { argument });
    }
  }

  assertCanMutate(mutation: string): void {
    if (!this.ability.canMutate(mutation)) throw new ForbiddenError(`Your roles may not run ${mutation}`);
  }

  canUpdate(type: GuardedType, record: object, field: string): boolean {
    return this.ability.canUpdate(type, record, field);
  }

  decide(type: string, field: string, record: object): FieldDecision {
    return this.ability.decide(type, record, field);
  }
}
