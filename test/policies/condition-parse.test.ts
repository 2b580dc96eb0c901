/**
 * What a `when:` condition means once parsed, and which conditions the loader refuses with which
 * message (the text a policy author reads). Parsed directly, so the paths are checked too: the
 * loader turns them into `file:line:col`.
 */
import { describe, expect, it } from 'vitest';
import { parseCondition, type PathProblem } from '../../src/policies/conditions/parse-condition.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const ctx = { type: contractCatalog.types.Customer!, purposes: new Set(['marketing', 'support']) };
const parse = (raw: unknown) => parseCondition(raw, ['when'], ctx);
const cmp = (field: string, op: string, value: unknown) => ({ kind: 'cmp', field, op, value });

function problems(raw: unknown): PathProblem[] {
  const { node, problems: found } = parse(raw);
  expect(node).toBeNull();
  return found;
}

describe('parseCondition: meaning', () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['a plain value is equality', { segment: 'vip' }, cmp('segment', 'eq', 'vip')],
    ['null is a value', { teamId: null }, cmp('teamId', 'eq', null)],
    ['a number is a value', { createdAt: 3 }, cmp('createdAt', 'eq', 3)],
    ['a boolean is a value', { segment: false }, cmp('segment', 'eq', false)],
    ['the empty text is a value', { segment: '' }, cmp('segment', 'eq', '')],
    ['several keys are all required', { segment: 'vip', teamId: 'a' }, { kind: 'and', items: [cmp('segment', 'eq', 'vip'), cmp('teamId', 'eq', 'a')] }],
    ['$and of one is that condition', { $and: [{ segment: 'vip' }] }, cmp('segment', 'eq', 'vip')],
    ['$or of one is that condition', { $or: [{ segment: 'vip' }] }, cmp('segment', 'eq', 'vip')],
    ['$and', { $and: [{ segment: 'vip' }, { teamId: 'a' }] }, { kind: 'and', items: [cmp('segment', 'eq', 'vip'), cmp('teamId', 'eq', 'a')] }],
    ['$or', { $or: [{ segment: 'vip' }, { teamId: 'a' }] }, { kind: 'or', items: [cmp('segment', 'eq', 'vip'), cmp('teamId', 'eq', 'a')] }],
    ['$not of a condition', { $not: { segment: 'vip' } }, { kind: 'not', item: cmp('segment', 'eq', 'vip') }],
    ['$not of an operator', { segment: { $not: { $in: ['a', 'b'] } } }, { kind: 'not', item: cmp('segment', 'in', ['a', 'b']) }],
    ['two operators on one field', { createdAt: { $gte: 1, $lt: 5 } }, { kind: 'and', items: [cmp('createdAt', 'gte', 1), cmp('createdAt', 'lt', 5)] }],
    ['each operator', { createdAt: { $eq: 1, $ne: 2, $gt: 3, $lte: 4 } }, { kind: 'and', items: [cmp('createdAt', 'eq', 1), cmp('createdAt', 'ne', 2), cmp('createdAt', 'gt', 3), cmp('createdAt', 'lte', 4)] }],
    ['a list operator with a placeholder list', { teamId: { $nin: '$principal.teams' } }, cmp('teamId', 'nin', '$principal.teams')],
    ['placeholders inside a list', { teamId: { $in: ['$principal.teamId', 'x'] } }, cmp('teamId', 'in', ['$principal.teamId', 'x'])],
    ['a virtual attribute with a declared purpose', { consentedPurposes: 'marketing' }, cmp('consentedPurposes', 'eq', 'marketing')],
    ['a virtual attribute with the request purpose', { consentedPurposes: '$request.purpose' }, cmp('consentedPurposes', 'eq', '$request.purpose')],
    ['any string on a plain field, purpose or not', { segment: 'not-a-purpose' }, cmp('segment', 'eq', 'not-a-purpose')],
    ['a number on a purpose-valued attribute is not checked as a purpose', { consentedPurposes: 3 }, cmp('consentedPurposes', 'eq', 3)],
  ];
  it.each(cases)('%s', (_what, raw, expected) => {
    expect(parse(raw)).toEqual({ node: expected, problems: [] });
  });
});

describe('parseCondition: refusals', () => {
  // [what, condition, expected problems as [path after `when`, at, message pattern]]
  const cases: Array<[string, unknown, Array<[Array<string | number>, 'key' | 'value', RegExp]>]> = [
    ['a list as condition', [{ segment: 'vip' }], [[[], 'value', /^a condition is a mapping, e\.g\. \{ teamId: \$principal\.teamId \}$/]]],
    ['a string as condition', 'vip', [[[], 'value', /^a condition is a mapping/]]],
    ['null as condition', null, [[[], 'value', /^a condition is a mapping/]]],
    ['an empty condition', {}, [[[], 'value', /^empty condition: remove `when:` for a rule that applies to every record$/]]],
    ['$or of a mapping', { $or: { segment: 'vip' } }, [[['$or'], 'value', /^\$or takes a non-empty list of conditions$/]]],
    ['$and of an empty list', { $and: [] }, [[['$and'], 'value', /^\$and takes a non-empty list of conditions$/]]],
    ['a bad item in $or', { $or: [{ segment: 'vip' }, 'x'] }, [[['$or', 1], 'value', /^a condition is a mapping/]]],
    ['a bad $not', { $not: { segmnt: 'vip' } }, [[['$not', 'segmnt'], 'key', /^unknown condition key "segmnt" on Customer: use a field or virtual attribute of Customer \(known: id, .*consentedPurposes, restrictedPurposes; did you mean "segment"\?\)$/]]],
    ['an unknown top operator', { $where: 'x' }, [[['$where'], 'key', /^unknown operator "\$where" at the top of a condition \(use \$and, \$or, \$not or a field name\)$/]]],
    ['an inherited property name as field', { constructor: 'x' }, [[['constructor'], 'key', /^unknown condition key "constructor"/]]],
    ['an empty operator mapping', { segment: {} }, [[['segment'], 'value', /^empty operator mapping for "segment": write \{ \$eq: value \} or a plain value$/]]],
    ['an unknown field operator', { segment: { $regex: 'v' } }, [[['segment', '$regex'], 'key', /^unknown operator "\$regex" on "segment" \(use one of: \$eq, \$ne, \$in, \$nin, \$gt, \$gte, \$lt, \$lte, \$not\)$/]]],
    ['a typo of a field operator', { segment: { $nein: 'v' } }, [[['segment', '$nein'], 'key', /did you mean "\$nin"\?\)$/]]],
    ['an inherited property name as operator', { segment: { constructor: 'v' } }, [[['segment', 'constructor'], 'key', /^unknown operator "constructor"/]]],
    ['a bad operator under $not', { segment: { $not: { $regex: 'v' } } }, [[['segment', '$not', '$regex'], 'key', /^unknown operator "\$regex"/]]],
    ['$in of a scalar', { segment: { $in: 'vip' } }, [[['segment', '$in'], 'value', /^\$in on "segment" takes a list, e\.g\. \{ \$in: \[a, b\] \}$/]]],
    ['$nin of a scalar', { segment: { $nin: 3 } }, [[['segment', '$nin'], 'value', /^\$nin on "segment" takes a list, e\.g\. \{ \$nin: \[a, b\] \}$/]]],
    ['$in of nothing', { segment: { $in: [] } }, [[['segment', '$in'], 'value', /^\$in with an empty list on "segment" matches no record: remove the rule$/]]],
    ['$nin of nothing', { segment: { $nin: [] } }, [[['segment', '$nin'], 'value', /^\$nin with an empty list on "segment" matches every record: remove the comparison$/]]],
    ['a list for equality', { segment: ['a', 'b'] }, [[['segment'], 'value', /^a list is not a value for "segment": write \{ \$in: \[\.\.\.\] \}$/]]],
    ['an empty list for equality', { segment: [] }, [[['segment'], 'value', /^a list is not a value for "segment"/]]],
    ['a list for $ne', { segment: { $ne: ['a'] } }, [[['segment', '$ne'], 'value', /^a list is not a value for "segment"/]]],
    ['a mapping as a value', { segment: { $eq: { a: 1 } } }, [[['segment', '$eq'], 'value', /^a condition value is a string, number, boolean, null or placeholder$/]]],
    ['a nested list in $in', { segment: { $in: ['a', ['b']] } }, [[['segment', '$in', 1], 'value', /^a condition value is a string/]]],
    ['an unknown placeholder in a list', { teamId: { $in: ['a', '$principal.team-id'] } }, [[['teamId', '$in', 1], 'value', /^unknown placeholder "\$principal\.team-id" \(use \$principal\.id, \$principal\.teamId, \$principal\.<attribute> or \$request\.purpose\)$/]]],
    ['an undeclared purpose', { consentedPurposes: { $in: ['marketing', 'markting'] } }, [[['consentedPurposes', '$in', 1], 'value', /^unknown purpose "markting": declare it in purposes\.policy\.yaml \(known: marketing, support; did you mean "marketing"\?\)$/]]],
    [
      'every problem, not only the first',
      { segment: { $in: 'x' }, $or: [], teamId: ['a'] },
      [[['segment', '$in'], 'value', /takes a list/], [['$or'], 'value', /non-empty list/], [['teamId'], 'value', /a list is not a value/]],
    ],
  ];

  it.each(cases)('%s', (_what, raw, expected) => {
    const found = problems(raw);
    expect(found).toHaveLength(expected.length);
    expected.forEach(([path, at, message], i) => {
      expect(found[i]).toMatchObject({ path: ['when', ...path], at });
      expect(found[i]!.message).toMatch(message);
    });
  });

  it('lists the fields of a type without virtual attributes', () => {
    const { problems: found } = parseCondition({ statsu: 'open' }, ['when'], { ...ctx, type: contractCatalog.types.Feedback! });
    expect(found.map((p) => p.message)).toEqual([
      'unknown condition key "statsu" on Feedback: use a field or virtual attribute of Feedback (known: id, customer, channel, receivedAt, subject, body, rating, sentiment, tags, piiFlags, status, teamId, note; did you mean "status"?)',
    ]);
  });

  it('refuses the whole condition when one part is wrong', () => {
    expect(parse({ segment: 'vip', $or: [{ teamId: 'a' }, { tem: 'b' }] }).node).toBeNull();
  });
});
