/**
 * The `alerts:` and `retention:` sections: the shipped defaults load, mistakes are reported at
 * file:line with how to fix them, and the pure rule checks decide which counters an event feeds.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { alertChecks, outsideHours } from '../../src/audit/alerts/alert-checks.js';
import type { NewAuditEvent } from '../../src/audit/event.js';
import { PolicyError, type AfterHoursRule } from '../../src/policies/index.js';
import { loadPolicy } from '../../src/server/policy.js';
import { policyDirWithAudit } from '../support/audit-alerts.js';
import { POLICY_DIR } from '../support/koe.js';

async function problemsOf(yaml: string): Promise<string[]> {
  try {
    await loadPolicy(policyDirWithAudit(yaml));
    return [];
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return e.problems.map((p) => `${p.loc.file.split('/').pop()}:${p.loc.line}: ${p.message}`);
  }
}

describe('audit policy loading', () => {
  it('loads the shipped defaults: 200 customers in 10 min, Tokyo working hours, per-action retention', async () => {
    const { audit } = await loadPolicy(POLICY_DIR);
    expect(audit.alerts.plain_customer_reads).toEqual({ threshold: 200, window: 600 });
    expect(audit.alerts.after_hours).toMatchObject({ timeZone: 'Asia/Tokyo', fromMinute: 480, toMinute: 1200, days: [1, 2, 3, 4, 5] });
    expect(audit.retention.map((r) => r.action)).toEqual(expect.arrayContaining(['query', 'access.*', 'default']));
    expect(audit.retention.at(-1)!.action).toBe('default');
  });

  it.each([
    ['a window without a unit', 'alerts:\n  repeated_forbidden: { threshold: 3, window: 5 minutes }\n', 'audit.policy.yaml:2: "alerts.repeated_forbidden.window" is not valid: a window is a number'],
    ['an unknown rule', 'alerts:\n  too_many_reads: { threshold: 3, window: 5m }\n', 'audit.policy.yaml:2: unexpected key "alerts.too_many_reads"'],
    ['an unknown role', 'alerts:\n  bi_new_address:\n    roles: [bi_readonyl]\n', 'audit.policy.yaml:3: unknown role "bi_readonyl"'],
    ['an unknown time zone', 'alerts:\n  after_hours:\n    hours: "09:00-18:00"\n    timeZone: Asia/Tokio\n    roles: [analyst]\n', 'audit.policy.yaml:4: unknown time zone "Asia/Tokio"'],
    ['hours that end before they start', 'alerts:\n  after_hours:\n    hours: "18:00-09:00"\n    timeZone: Asia/Tokyo\n    roles: [analyst]\n', 'audit.policy.yaml:3: working hours must end after'],
    ['a bad retention period', 'retention:\n  query: forever\n', 'audit.policy.yaml:2: "retention.query" is not valid: a period'],
  ])('reports %s at its line', async (_what, yaml, expected) => {
    const problems = await problemsOf(yaml);
    expect(problems.join('\n')).toContain(expected);
  });
});

const TOKYO_9_TO_6: AfterHoursRule = { fromMinute: 540, toMinute: 1080, days: [1, 2, 3, 4, 5], timeZone: 'Asia/Tokyo', roles: ['analyst'] };

describe(outsideHours.name, () => {
  it.each([
    ['Monday 10:00 JST', '2026-11-30T01:00:00Z', false],
    ['Monday 08:59 JST', '2026-11-29T23:59:00Z', true],
    ['Monday 18:00 JST', '2026-11-30T09:00:00Z', true],
    ['Saturday 12:00 JST', '2026-11-28T03:00:00Z', true],
  ])('%s is outside hours: %s', (_label, iso, outside) => {
    expect(outsideHours(new Date(iso), TOKYO_9_TO_6)).toBe(outside);
  });
});

describe(alertChecks.name, () => {
  const event = (over: Partial<NewAuditEvent>): NewAuditEvent => ({
    at: new Date('2026-11-30T01:00:00Z'), actorId: 'p-1', roles: ['analyst'], action: 'query', outcome: 'ok', operationName: null, operationHash: null,
    purpose: null, subgraph: 'customers', resources: [], fields: [], policyVersion: 'v', requestId: 'r-1', clientAddress: '10.0.0.1', ...over,
  });
  const rules = { plain_customer_reads: { threshold: 2, window: 60 }, repeated_forbidden: { threshold: 2, window: 60 }, authentication_failures: { threshold: 2, window: 60 } };

  it.each([
    ['a PLAIN customer read counts each customer', event({ resources: ['Customer:a', 'Customer:b', 'Feedback:f'], fields: [{ field: 'Customer.email', decision: 'PLAIN', count: 2 }] }), ['plain_customer_reads:p-1:Customer:a,Customer:b']],
    ['a MASKED read counts nothing', event({ resources: ['Customer:a'], fields: [{ field: 'Customer.email', decision: 'MASKED', count: 1 }] }), []],
    ['a refusal counts its request', event({ outcome: 'denied' }), ['repeated_forbidden:p-1:r-1']],
    ['an authentication failure counts by address', event({ actorId: null, action: 'authenticate', outcome: 'unauthenticated' }), ['authentication_failures:10.0.0.1:r-1']],
    ['an alert never counts', event({ action: 'alert.repeated_forbidden', outcome: 'denied' }), []],
  ])('%s', (_what, e, expected) => {
    expect(alertChecks(e, rules).map((c) => `${c.rule}:${c.subject}:${c.items.join(',')}`)).toEqual(expected);
  });
});
