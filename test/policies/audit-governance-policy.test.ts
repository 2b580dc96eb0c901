/**
 * The alert, retention and access-governance sections: what the server runs with once they load,
 * and which files are refused with which message.
 */
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/policies/index.js';
import { policyDirs } from '../fixtures/policy-dir.js';

const ROLES = `roles:
  agent: { description: a, department: IT, rules: [] }
  analyst: { description: b, department: IT, rules: [] }
  lead: { description: c, department: IT, inherits: [agent], rules: [] }
`;

const { load, problems } = policyDirs({ 'roles.policy.yaml': ROLES });

describe(parseDuration.name, () => {
  it.each([['30s', 30], ['10m', 600], ['2h', 7200], ['3d', 259_200], ['1y', 31_536_000], ['90d', 7_776_000]])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });
});

describe('alerts and retention', () => {
  it('loads thresholds, working hours and the BI roles', () => {
    const set = load({
      'audit.policy.yaml': `alerts:
  plain_customer_reads: { threshold: 200, window: 10m }
  repeated_forbidden: { threshold: 20, window: 5m }
  authentication_failures: { threshold: 10, window: 30s }
  after_hours: { hours: "08:30-20:15", days: [mon, sun], timeZone: Asia/Tokyo, roles: [agent] }
  bi_new_address: { roles: [analyst] }
`,
    });
    expect(set.audit.alerts).toEqual({
      plain_customer_reads: { threshold: 200, window: 600 },
      repeated_forbidden: { threshold: 20, window: 300 },
      authentication_failures: { threshold: 10, window: 30 },
      after_hours: { fromMinute: 510, toMinute: 1215, days: [1, 7], timeZone: 'Asia/Tokyo', roles: ['agent'] },
      bi_new_address: { roles: ['analyst'] },
    });
  });

  it('counts working days Monday to Friday when none are given, and leaves unset alerts off', () => {
    const set = load({ 'audit.policy.yaml': 'alerts:\n  after_hours: { hours: "09:00-18:00", timeZone: UTC, roles: [agent] }\n' });
    expect(set.audit.alerts).toEqual({
      plain_customer_reads: undefined, repeated_forbidden: undefined, authentication_failures: undefined, bi_new_address: undefined,
      after_hours: { fromMinute: 540, toMinute: 1080, days: [1, 2, 3, 4, 5], timeZone: 'UTC', roles: ['agent'] },
    });
  });

  it('has no alerts and no retention when no file declares them', () => {
    expect(load({}).audit).toEqual({ alerts: {}, retention: [] });
  });

  it('orders retention from the most specific key: exact actions, longer prefixes, then default', () => {
    const set = load({ 'audit.policy.yaml': 'retention:\n  default: 1y\n  access.*: 7y\n  query: 30d\n  access.customer.*: 10y\n  mutation: 3y\n' });
    expect(set.audit.retention).toEqual([
      { action: 'query', period: 30 * 86_400 },
      { action: 'mutation', period: 3 * 31_536_000 },
      { action: 'access.customer.*', period: 10 * 31_536_000 },
      { action: 'access.*', period: 7 * 31_536_000 },
      { action: 'default', period: 31_536_000 },
    ]);
  });

  const refusals: Array<[string, Record<string, string>, string[]]> = [
    ['an unknown role in after_hours', { 'audit.policy.yaml': 'alerts:\n  after_hours: { hours: "08:00-20:00", timeZone: UTC, roles: [agent, analist] }\n' }, [
      'audit.policy.yaml:2:70: unknown role "analist" (roles: agent, analyst, lead; did you mean "analyst"?)',
    ]],
    ['an unknown role for BI keys', { 'audit.policy.yaml': 'alerts:\n  bi_new_address: { roles: [bi] }\n' }, [
      'audit.policy.yaml:2:29: unknown role "bi" (roles: agent, analyst, lead)',
    ]],
    ['an unknown time zone', { 'audit.policy.yaml': 'alerts:\n  after_hours: { hours: "08:00-20:00", timeZone: Asia/Tokio, roles: [agent] }\n' }, [
      'audit.policy.yaml:2:50: unknown time zone "Asia/Tokio": use an IANA name such as Asia/Tokyo',
    ]],
    ['working hours that end before they start', { 'audit.policy.yaml': 'alerts:\n  after_hours: { hours: "20:00-08:00", timeZone: UTC, roles: [agent] }\n' }, [
      'audit.policy.yaml:2:25: working hours must end after they start (HH:MM-HH:MM, same day)',
    ]],
    ['working hours of no length', { 'audit.policy.yaml': 'alerts:\n  after_hours: { hours: "08:00-08:00", timeZone: UTC, roles: [agent] }\n' }, [
      'audit.policy.yaml:2:25: working hours must end after they start (HH:MM-HH:MM, same day)',
    ]],
    ['alerts declared twice', { 'a1.policy.yaml': 'alerts:\n  bi_new_address: { roles: [agent] }\n', 'a2.policy.yaml': 'alerts:\n  bi_new_address: { roles: [agent] }\n' }, [
      'a2.policy.yaml:1:1: "alerts:" is declared twice (first in a1.policy.yaml): keep one',
    ]],
    ['retention declared twice', { 'a1.policy.yaml': 'retention:\n  default: 1y\n', 'a2.policy.yaml': 'retention:\n  default: 2y\n' }, [
      'a2.policy.yaml:1:1: "retention:" is declared twice (first in a1.policy.yaml): keep one',
    ]],
  ];
  it.each(refusals)('refuses %s', (_what, files, expected) => {
    expect(problems(files)).toEqual(expected);
  });
});

describe('separation of duties and grant approval', () => {
  it('loads the rules and the approval expiry, three days by default', () => {
    const set = load({ 'access.policy.yaml': 'separationOfDuties:\n  - { roles: [agent, analyst], reason: no self-approval }\ngrantApproval: { expiresAfter: 12h }\n' });
    expect(set.governance.separationOfDuties).toEqual([{ roles: ['agent', 'analyst'], reason: 'no self-approval', source: expect.objectContaining({ line: 2, col: 5 }) }]);
    expect(set.governance.grantApprovalTtl).toBe(12 * 3600);
    expect(load({}).governance).toEqual({ separationOfDuties: [], grantApprovalTtl: 72 * 3600 });
  });

  const refusals: Array<[string, Record<string, string>, string[]]> = [
    ['grantApproval declared twice', { 'g1.policy.yaml': 'grantApproval: { expiresAfter: 1d }\n', 'g2.policy.yaml': 'grantApproval: { expiresAfter: 2d }\n' }, [
      'g2.policy.yaml:1:1: "grantApproval:" is declared twice (first in g1.policy.yaml): keep one',
    ]],
    ['a role inheriting both halves', { 'access.policy.yaml': 'separationOfDuties:\n  - { roles: [lead, agent], reason: r }\n' }, [
      'roles.policy.yaml:4:3: role "lead" holds lead + agent through inherits, which separationOfDuties at access.policy.yaml:2 forbids together: split the role',
    ]],
    ['every unknown role of a rule', { 'access.policy.yaml': 'separationOfDuties:\n  - { roles: [agnt, analyst, leed], reason: r }\n' }, [
      'access.policy.yaml:2:15: unknown role "agnt" in separationOfDuties (roles: agent, analyst, lead; did you mean "agent"?)',
      'access.policy.yaml:2:30: unknown role "leed" in separationOfDuties (roles: agent, analyst, lead; did you mean "lead"?)',
    ]],
  ];
  it.each(refusals)('refuses %s', (_what, files, expected) => {
    expect(problems(files)).toEqual(expected);
  });
});
