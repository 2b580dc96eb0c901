/**
 * The forms a parsed condition takes on its way to CASL and SQL: alternatives (DNF), placeholder
 * values, the SQL filter, and the text that matrices and explanations show.
 */
import { describe, expect, it } from 'vitest';
import { condToString, type CmpNode, type CmpOp, type CondNode, type CondValue } from '../../src/policies/conditions/cond-node.js';
import { MAX_BRANCHES, toDnf } from '../../src/policies/conditions/dnf.js';
import { placeholderProblem, placeholderValue, resolveConjunction, type PlaceholderValues } from '../../src/policies/conditions/placeholders.js';
import { condToMikroOrmWhere, PushDownError } from '../../src/policies/conditions/to-mikro-orm.js';

const cmp = (field: string, op: CmpOp, value: CondValue): CmpNode => ({ kind: 'cmp', field, op, value });
const and = (...items: CondNode[]): CondNode => ({ kind: 'and', items });
const or = (...items: CondNode[]): CondNode => ({ kind: 'or', items });
const not = (item: CondNode): CondNode => ({ kind: 'not', item });

describe(condToString.name, () => {
  const cases: Array<[CondNode, string]> = [
    [cmp('teamId', 'eq', '$principal.teamId'), 'teamId = $principal.teamId'],
    [cmp('teamId', 'ne', null), 'teamId ≠ null'],
    [cmp('rating', 'gt', 3), 'rating > 3'],
    [cmp('rating', 'gte', 3), 'rating ≥ 3'],
    [cmp('rating', 'lt', 3), 'rating < 3'],
    [cmp('rating', 'lte', 3), 'rating ≤ 3'],
    [cmp('segment', 'in', ['vip', 'gold']), 'segment in [vip, gold]'],
    [cmp('segment', 'nin', ['vip']), 'segment not in [vip]'],
    [and(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), 'a = 1 and b = 2'],
    [or(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), 'a = 1 or b = 2'],
    [and(cmp('a', 'eq', 1), or(cmp('b', 'eq', 2), cmp('c', 'eq', 3))), 'a = 1 and (b = 2 or c = 3)'],
    [or(cmp('a', 'eq', 1), and(cmp('b', 'eq', 2), cmp('c', 'eq', 3))), 'a = 1 or (b = 2 and c = 3)'],
    [and(not(cmp('a', 'eq', 1)), and(cmp('b', 'eq', 2))), 'not (a = 1) and b = 2'],
    [or(not(cmp('a', 'eq', 1)), or(cmp('b', 'eq', 2))), 'not (a = 1) or b = 2'],
  ];
  it.each(cases)('%j reads %s', (node, text) => {
    expect(condToString(node)).toBe(text);
  });
});

describe(toDnf.name, () => {
  it('treats no condition as one unconditional alternative', () => {
    expect(toDnf(null)).toEqual([[]]);
  });

  it('makes one alternative per $or branch, crossed by $and', () => {
    expect(toDnf(and(or(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), cmp('c', 'eq', 3)))).toEqual([
      [cmp('a', 'eq', 1), cmp('c', 'eq', 3)],
      [cmp('b', 'eq', 2), cmp('c', 'eq', 3)],
    ]);
  });

  it('negates each comparison under $not', () => {
    expect(toDnf(not(cmp('a', 'gt', 1)))).toEqual([[cmp('a', 'lte', 1)]]);
    expect(toDnf(not(not(cmp('a', 'gt', 1))))).toEqual([[cmp('a', 'gt', 1)]]);
  });

  it('applies De Morgan both ways', () => {
    expect(toDnf(not(and(cmp('a', 'eq', 1), cmp('b', 'lt', 2))))).toEqual([[cmp('a', 'ne', 1)], [cmp('b', 'gte', 2)]]);
    expect(toDnf(not(or(cmp('a', 'in', [1]), cmp('b', 'gte', 2))))).toEqual([[cmp('a', 'nin', [1]), cmp('b', 'lt', 2)]]);
  });

  it('merges "not this and not that" on one field into one $nin, without repeats', () => {
    expect(toDnf(and(cmp('a', 'ne', 1), cmp('a', 'nin', [2, 1]), cmp('a', 'ne', null)))).toEqual([[cmp('a', 'nin', [1, 2, null])]]);
  });

  it('accepts the same comparison twice, and the same operator on two fields', () => {
    expect(toDnf(and(cmp('a', 'eq', 1), cmp('a', 'eq', 1), cmp('b', 'eq', 1)))).toEqual([[cmp('a', 'eq', 1), cmp('b', 'eq', 1)]]);
    expect(toDnf(and(cmp('a', 'in', [1, 2]), cmp('a', 'in', [1, 2])))).toEqual([[cmp('a', 'in', [1, 2])]]);
  });

  it('refuses one field compared twice with one operator and different values', () => {
    expect(toDnf(and(cmp('a', 'gt', 1), cmp('a', 'gt', 2)))).toEqual({
      error: '"a" is compared with $gt twice in one alternative: merge the values (e.g. with $in / $nin) or split the rule',
    });
    expect(toDnf(and(cmp('a', 'in', [1]), cmp('a', 'in', [1, 2])))).toHaveProperty('error');
  });

  const product = (n: number): CondNode => and(...Array.from({ length: n }, (_, i) => or(cmp(`f${i}`, 'eq', 0), cmp(`f${i}`, 'eq', 1))));

  it(`accepts up to ${MAX_BRANCHES} alternatives and refuses more`, () => {
    expect(toDnf(product(6))).toHaveLength(64);
    expect(toDnf(product(7))).toEqual({ error: 'condition expands to 128 alternatives (at most 64): split it into several rules' });
  });

  it('refuses a condition with millions of alternatives without expanding them all', () => {
    expect(toDnf(product(40))).toHaveProperty('error');
  });
});

describe('placeholders', () => {
  it.each(['$principal.id', '$principal.teamId', '$principal.region_2', '$principal._x', '$request.purpose'])('knows %s', (p) => {
    expect(placeholderProblem(p)).toBeNull();
  });

  it.each(['$principal.', '$principal.team-id', '$principal.2x', '$principal.a.b', 'x$principal.id', '$request.purposes', '$user.id'])('refuses %s', (p) => {
    expect(placeholderProblem(p)).toBe(`unknown placeholder "${p}" (use $principal.id, $principal.teamId, $principal.<attribute> or $request.purpose)`);
  });

  const values: PlaceholderValues = {
    id: 'p-1',
    teamId: 'team-a',
    attributes: {
      region: 'kanto', level: 3, admin: false, teams: ['t1', 't2'], blank: null, nested: { a: 1 }, mixed: ['a', { b: 1 }], scalars: ['a', 1, true, null],
    },
    purpose: 'marketing',
  };
  const cases: Array<[string, PlaceholderValues, unknown]> = [
    ['$principal.id', values, 'p-1'],
    ['$principal.teamId', values, 'team-a'],
    ['$principal.teamId', { ...values, teamId: null }, undefined],
    ['$request.purpose', values, 'marketing'],
    ['$request.purpose', { ...values, purpose: null }, undefined],
    ['$principal.region', values, 'kanto'],
    ['$principal.level', values, 3],
    ['$principal.admin', values, false],
    ['$principal.teams', values, ['t1', 't2']],
    ['$principal.blank', values, undefined],
    ['$principal.nested', values, undefined],
    ['$principal.mixed', values, undefined],
    ['$principal.scalars', values, ['a', 1, true, null]],
    ['$principal.missing', values, undefined],
    ['$principal.toString', values, undefined],
    ['$principal.a.b', values, undefined],
    ['$other.id', values, undefined],
  ];
  it.each(cases)('%s has the value %j', (p, v, expected) => {
    expect(placeholderValue(p, v)).toEqual(expected);
  });

  const resolve = (p: string) => placeholderValue(p, values);

  it('replaces placeholders and keeps the other comparisons in place', () => {
    expect(resolveConjunction([cmp('a', 'eq', 1), cmp('b', 'eq', '$principal.id'), cmp('c', 'eq', 2), cmp('d', 'in', ['$principal.teams', 'x'])], resolve)).toEqual([
      cmp('a', 'eq', 1), cmp('b', 'eq', 'p-1'), cmp('c', 'eq', 2), cmp('d', 'in', ['t1', 't2', 'x']),
    ]);
  });

  it('leaves a branch without placeholders as it is', () => {
    const branch = [cmp('a', 'in', [1, 2]), cmp('b', 'eq', 'x')];
    expect(resolveConjunction(branch, resolve)).toEqual(branch);
  });

  // A branch whose placeholder has no usable value is dropped (null): it must never match everything.
  const branches: Array<[string, CmpNode, CmpNode | null]> = [
    ['a missing scalar', cmp('a', 'eq', '$principal.missing'), null],
    ['a list where a scalar is expected', cmp('a', 'eq', '$principal.teams'), null],
    ['a scalar where a list is expected', cmp('a', 'in', '$principal.region'), null],
    ['a list placeholder for $in', cmp('a', 'in', '$principal.teams'), cmp('a', 'in', ['t1', 't2'])],
    ['a list placeholder for $nin', cmp('a', 'nin', '$principal.teams'), cmp('a', 'nin', ['t1', 't2'])],
    ['a missing member of $in, which narrows it', cmp('a', 'in', ['$principal.missing', 'x']), cmp('a', 'in', ['x'])],
    ['a missing member of $nin, which would widen it', cmp('a', 'nin', ['$principal.missing', 'x']), null],
    ['$in whose only member is missing', cmp('a', 'in', ['$principal.missing']), null],
    ['$in of an empty list attribute', cmp('a', 'in', ['$principal.none']), null],
    ['$nin of an empty list attribute, which excludes nothing', cmp('a', 'nin', ['$principal.none']), cmp('a', 'nin', [])],
    ['$nin with a scalar member', cmp('a', 'nin', ['$principal.region', 'y']), cmp('a', 'nin', ['kanto', 'y'])],
  ];
  it.each(branches)('resolves %s', (_what, c, expected) => {
    const r = (p: string) => (p === '$principal.none' ? [] : resolve(p));
    expect(resolveConjunction([cmp('z', 'eq', 0), c], r)).toEqual(expected ? [cmp('z', 'eq', 0), expected] : null);
  });
});

describe('condToMikroOrmWhere, edge cases', () => {
  const cases: Array<[string, CondNode, object]> = [
    ['$in of null only', cmp('teamId', 'in', [null]), { teamId: null }],
    ['$nin of null only', cmp('teamId', 'nin', [null]), { teamId: { $ne: null } }],
    ['$nin of nothing, which excludes nothing', cmp('teamId', 'nin', []), {}],
    ['$gt', cmp('rating', 'gt', 1), { rating: { $gt: 1 } }],
    ['$lte', cmp('rating', 'lte', 1), { rating: { $lte: 1 } }],
    ['an AND of one', and(cmp('a', 'eq', 1)), { a: 1 }],
    ['an OR of one', or(cmp('a', 'eq', 1)), { a: 1 }],
    ['an empty AND, which holds for every row', and(), { $and: [] }],
  ];
  it.each(cases)('translates %s', (_what, cond, expected) => {
    expect(condToMikroOrmWhere(cond)).toEqual(expected);
  });

  it('passes the operator and value to a virtual attribute translator', () => {
    expect(condToMikroOrmWhere(cmp('restrictedPurposes', 'nin', ['a']), { restrictedPurposes: (op, value) => ({ op, value }) })).toEqual({ op: 'nin', value: ['a'] });
  });

  it('names the virtual attribute that has no translator', () => {
    expect(() => condToMikroOrmWhere(cmp('restrictedPurposes', 'ne', 'a'), { consentedPurposes: () => ({}) })).toThrow(
      'no SQL translator for the virtual attribute "restrictedPurposes": pass one in condToMikroOrmWhere(cond, { restrictedPurposes: (op, value) => … })',
    );
  });

  it('does not take an inherited property for a translator', () => {
    expect(condToMikroOrmWhere(cmp('toString', 'eq', 1))).toEqual({ toString: 1 });
  });

  it('refuses an empty OR nested anywhere', () => {
    expect(() => condToMikroOrmWhere(not(and(cmp('a', 'eq', 1), or())))).toThrow(PushDownError);
    expect(() => condToMikroOrmWhere(or())).toThrow('an empty $or matches no row; the caller must return no rows instead of querying');
    // Logs and error reports name the class: a PushDownError is a guard working, not a crash.
    expect(() => condToMikroOrmWhere(or())).toThrow(expect.objectContaining({ name: 'PushDownError' }));
  });
});
