/** The pure cores of issue 19 §2 on the shipped policies: unused PLAIN fields and roles, and the replay of decisions against a changed policy. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyImpactReplay } from '../../src/audit/impact/policy-impact.js';
import { TeamTimeline } from '../../src/audit/impact/team-timeline.js';
import { NO_USAGE, UnusedPermissionFinder } from '../../src/auth/unused-permissions.js';
import { loadPolicySet } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';
import { editCxPolicy } from '../support/team-policy-variants.js';

const shipped = new URL('../../policies', import.meta.url).pathname;
const current = loadPolicySet(shipped, contractCatalog);
const agent = { id: 'a', roles: ['support_agent'], teamId: 'team-east' };
const usage = (fields: Record<string, string[]>, mutations: string[] = []) => ({
  fields: new Map(Object.entries(fields).map(([f, d]) => [f, new Set(d)])), mutations: new Set(mutations), requests: 1,
});

describe(UnusedPermissionFinder.name, () => {
  const finder = new UnusedPermissionFinder(current);
  it.each([
    ['read e-mail MASKED only', { 'Customer.email': ['MASKED'] }, true, true],
    ['never read e-mail', {}, true, false],
    ['read e-mail in PLAIN', { 'Customer.email': ['PLAIN', 'MASKED'] }, false, false],
  ])('an agent who %s: e-mail listed %s (read MASKED %s)', (_what, fields, listed, readMasked) => {
    const u = finder.find(agent, usage(fields), 30);
    const email = u.plainFields.find((f) => f.field === 'Customer.email');
    expect(!!email).toBe(listed);
    if (email) expect(email.readMasked).toBe(readMasked);
  });

  it('lists a role as unused without any use, not with a MASKED read it grants, and never one the policy lacks', () => {
    expect(finder.find(agent, NO_USAGE, 30).roles.map((r) => r.role)).toEqual(['support_agent']);
    expect(finder.find(agent, usage({ 'Customer.phone': ['MASKED'] }), 30).roles).toEqual([]);
    expect(finder.find({ ...agent, roles: ['support_agent', 'no-such-role'] }, NO_USAGE, 30).roles.map((r) => r.role)).toEqual(['support_agent']);
  });

  it('counts an analyst role used by a MASKED read, and the analyst has no PLAIN field to narrow', () => {
    const u = finder.find({ id: 'b', roles: ['analyst'], teamId: null }, usage({ 'Customer.email': ['MASKED'] }), 30);
    expect(u).toEqual({ days: 30, plainFields: [], roles: [] });
  });
});

describe(PolicyImpactReplay.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'koe-impact-unit-'));
  cpSync(shipped, dir, { recursive: true });
  const file = join(dir, 'roles-analytics.policy.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('fields: [name, nameKana, email, phone, purchases]', 'fields: [name, nameKana, phone, purchases]'));
  const other = loadPolicySet(dir, contractCatalog);
  let seq = 0;
  const ev = (actorId: string, roles: string[], fields: Array<[string, string, number]>, op = 'Dash', at = String(++seq)) => ({
    seq: at, actorId, roles, purpose: null, operationName: op, operationHash: `h-${op}`, fields: fields.map(([field, decision, count]) => ({ field, decision, count })),
  });

  it('counts the analyst e-mail change per request, value and principal, and the operation that would be FORBIDDEN; nothing else', () => {
    const r = new PolicyImpactReplay(current, other, new Map([['s', { teamId: 'team-east' }]]));
    r.add(ev('a1', ['analyst'], [['Customer.email', 'MASKED', 5], ['Customer.name', 'MASKED', 5]]));
    r.add(ev('a2', ['analyst'], [['Customer.email', 'MASKED', 3]]));
    r.add(ev('a2', ['analyst'], [['Customer.email', 'DENIED', 1]], 'Other'));
    r.add(ev('s', ['support_agent'], [['Customer.email', 'PLAIN', 2], ['Customer.email', 'MASKED', 4]], 'Agent'));
    const out = r.finish();
    expect(out.changes).toEqual([{ roles: 'analyst', field: 'Customer.email', before: 'MASKED', after: 'DENIED', requests: 2, values: 8, principals: 2 }]);
    expect(out.forbidden).toEqual([{ operationName: 'Dash', operationHash: 'h-Dash', roles: 'analyst', fields: ['Customer.email'], requests: 2, principals: 2 }]);
    expect(out.eventsReplayed).toBe(4);
  });

  it('reports nothing against the same policy', () => {
    const r = new PolicyImpactReplay(current, current);
    r.add(ev('a1', ['analyst'], [['Customer.email', 'MASKED', 5]]));
    expect(r.finish()).toMatchObject({ changes: [], forbidden: [] });
  });
});

describe(TeamTimeline.name, () => {
  // a: team-1 until seq 9, team-2 until seq 100, no team since; b never moved.
  const t = new TeamTimeline([
    { principalId: 'a', seq: '100', before: 'team-2' },
    { principalId: 'a', seq: '9', before: 'team-1' },
  ]);
  it.each([
    ['a', '1', 'team-1'],
    ['a', '8', 'team-1'],
    ['a', '10', 'team-2'],
    ['a', '99', 'team-2'],
    ['a', '101', null],
    ['b', '1', 'team-now'],
  ])('%s at event %s was in %s', (who, at, team) => {
    expect(t.teamAt(who, at, who === 'a' ? null : 'team-now')).toBe(team);
  });
});

// Guards against replaying a principal who moved team with the team it has now.
describe(`${PolicyImpactReplay.name}: a principal who moved team`, () => {
  const variant = (edit: Parameters<typeof editCxPolicy>[1]) => {
    const dir = mkdtempSync(join(tmpdir(), `koe-impact-${edit}-`));
    cpSync(shipped, dir, { recursive: true });
    editCxPolicy(dir, edit);
    return loadPolicySet(dir, contractCatalog);
  };
  // The leaver was in team-east until the move at seq 10, in none since; the joiner in none until seq 20, in team-east since.
  const now = new Map([['leaver', { teamId: null }], ['joiner', { teamId: 'team-east' }]]);
  const moves = [{ principalId: 'leaver', seq: '10', before: 'team-east' }, { principalId: 'joiner', seq: '20', before: null }];
  const agent = (actorId: string, seq: string, fields: Array<[string, number]>) => ({
    seq, actorId, roles: ['support_agent'], purpose: null, operationName: 'Agent', operationHash: 'h-Agent',
    fields: fields.map(([decision, count]) => ({ field: 'Customer.email', decision, count })),
  });
  const traffic = [
    agent('leaver', '5', [['PLAIN', 2], ['MASKED', 3]]),
    agent('leaver', '15', [['MASKED', 4]]),
    agent('joiner', '12', [['MASKED', 6]]),
    agent('joiner', '25', [['PLAIN', 1], ['MASKED', 7]]),
  ];

  it.each([
    // With a team: leaver@5 and joiner@25 read e-mail PLAIN (2 + 1 values); without, nothing changes.
    ['noOwnTeamPlain' as const, { before: 'PLAIN', after: 'MASKED', requests: 2, values: 3, principals: 2 }, []],
    // Without a team: leaver@15 and joiner@12 read e-mail MASKED (4 + 6 values); with one, it stays per record.
    ['noMaskedEmail' as const, { before: 'MASKED', after: 'DENIED', requests: 2, values: 10, principals: 2 }, [{ operationName: 'Agent', requests: 2, principals: 2 }]],
  ])('%s counts each event under the team it was made in', (edit, change, forbidden) => {
    const r = new PolicyImpactReplay(current, variant(edit), now, moves);
    for (const e of traffic) r.add(e);
    const out = r.finish();
    expect(out.changes).toEqual([{ roles: 'support_agent', field: 'Customer.email', ...change }]);
    expect(out.forbidden).toMatchObject(forbidden);
  });
});
