/**
 * The `alerts:` and `retention:` sections: the shipped defaults load, mistakes are reported at
 * file:line with how to fix them, and the pure rule checks decide which counters an event feeds.
 */
import 'reflect-metadata';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertChecks, localClock, outsideHours } from '../../src/audit/alerts/alert-checks.js';
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

/** The reading without the per-minute cache: a formatter built for this call alone. */
function uncachedClock(at: Date, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { day: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

describe(localClock.name, () => {
  // Zones with DST, with half- and quarter-hour offsets, with a 30-minute DST shift, and Monrovia,
  // whose offset had seconds until 1972 (the cache must not apply there).
  const zones = ['Asia/Tokyo', 'America/New_York', 'Europe/London', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Africa/Monrovia', 'Pacific/Chatham'];
  it('reads the same day and minute as a fresh formatter, for runs of nearby instants (cache hits) in every zone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1965, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.array(fc.integer({ min: -90_000, max: 90_000 }), { minLength: 1, maxLength: 12 }),
        (zone, start, steps) => {
          let t = start;
          for (const step of steps) {
            t += step;
            const got = localClock(new Date(t), zone);
            expect({ day: got.day, minute: got.minute }).toEqual(uncachedClock(new Date(t), zone));
          }
        },
      ),
      { numRuns: 400 },
    );
  });
  it('reads both sides of a minute boundary and of a DST change right', () => {
    // 2026-03-08 07:00 UTC is 03:00 EDT, one second earlier 01:59:59 EST.
    for (const iso of ['2026-03-08T06:59:59.999Z', '2026-03-08T07:00:00Z', '2026-03-08T06:59:00Z', '2026-03-08T07:00:59.999Z']) {
      expect(localClock(new Date(iso), 'America/New_York')).toMatchObject(uncachedClock(new Date(iso), 'America/New_York'));
    }
    expect(localClock(new Date('2026-03-08T06:59:59.999Z'), 'America/New_York')).toMatchObject({ day: 7, minute: 1 * 60 + 59 });
    expect(localClock(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toMatchObject({ day: 7, minute: 3 * 60 });
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
