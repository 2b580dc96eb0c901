/**
 * The policy's answers for one request, from the caller's CASL ability. Row conditions become SQL
 * (a condition that cannot be pushed down means no rows, never all rows); filters, orders and
 * mutations are refused with FORBIDDEN unless the policy allows them.
 */
import { condToMikroOrmWhere, liftingPurpose, minGroupSizeOf, type MaskerName, otherPurposeAbilities, PushDownError, type FieldDecider, type FieldDecision, type KoeAbility, type PolicySet, type PrincipalInput } from '../policies/index.js';
import { attributesTested, VIRTUAL_TRANSLATORS, virtualsTested } from '../data/virtual-translators.js';
import { ForbiddenError } from '../request/errors.js';
import { purposeHint, type GuardedType, type RequestAccess } from '../request/access.js';

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

/** Who asks and under which declared purpose: what a refusal needs to say which purpose would lift it. */
export interface AccessRequest {
  readonly principal: PrincipalInput;
  readonly purpose: string | null;
}

export class PolicyAccess implements RequestAccess {
  readonly policyVersion: string;
  readonly minGroupSize: number;

  constructor(
    readonly ability: KoeAbility,
    readonly policy: PolicySet,
    private readonly request: AccessRequest | null = null,
  ) {
    this.policyVersion = policy.version;
    this.minGroupSize = minGroupSizeOf(policy.roles, ability.roles);
  }

  private others: ReadonlyArray<readonly [string, KoeAbility]> | null = null;

  /** Refusals are the rare path: the other purposes' abilities are built there, once per request. */
  private lifting(lifts: (ability: KoeAbility) => boolean): string | null {
    if (!this.request) return null;
    this.others ??= otherPurposeAbilities(this.policy, this.request.principal, this.request.purpose);
    return liftingPurpose(this.others, lifts);
  }

  liftingPurpose(type: string, field: string, record: object): string | null {
    return this.lifting((a) => a.decide(type, record, field).decision !== 'DENIED');
  }

  decisions(): Array<{ field: string; decision: string }> {
    return this.ability.decisions();
  }

  rowWhere(type: GuardedType): object | null {
    return rowWhereOf(this.ability, type);
  }

  virtualsTested(type: GuardedType): readonly string[] {
    return virtualsTested(this.policy, this.ability.roles, type);
  }

  attributesTested(type: GuardedType): readonly string[] {
    return attributesTested(this.policy, this.ability.roles, type);
  }

  assertCanFilter(type: GuardedType, field: string, argument: string): void {
    if (!this.ability.canFilterOrSort(type, field)) {
      const purpose = this.lifting((a) => a.canFilterOrSort(type, field));
      throw new ForbiddenError(`Filtering, ordering or searching on ${type}.${field} needs PLAIN read access to it${purposeHint(purpose)}`, {
        argument,
        ...(purpose ? { requiredPurpose: purpose } : {}),
      });
    }
  }

  assertCanGroup(type: GuardedType, field: string, argument: string, derivedFrom?: readonly MaskerName[]): void {
    const can = (a: KoeAbility) => (derivedFrom ? a.yieldsAtLeast(type, field, derivedFrom) : a.canFilterOrSort(type, field));
    if (can(this.ability)) return;
    const purpose = this.lifting(can);
    const needs = derivedFrom ? `PLAIN or MASKED by ${derivedFrom.join(' or ')}` : 'PLAIN';
    throw new ForbiddenError(`Grouping by ${argument} reads ${type}.${field}, which needs ${needs} read access to it${purposeHint(purpose)}`, {
      argument,
      ...(purpose ? { requiredPurpose: purpose } : {}),
    });
  }

  assertCanMutate(mutation: string): void {
    if (this.ability.canMutate(mutation)) return;
    const purpose = this.lifting((a) => a.canMutate(mutation));
    throw new ForbiddenError(`Your roles may not run ${mutation}${purposeHint(purpose)}`, purpose ? { requiredPurpose: purpose } : {});
  }

  canUpdate(type: GuardedType, record: object, field: string): boolean {
    return this.ability.canUpdate(type, record, field);
  }

  decide(type: string, field: string, record: object): FieldDecision {
    return this.ability.decide(type, record, field);
  }

  decider(type: string, field: string): FieldDecider {
    return this.ability.decider(type, field);
  }
}
