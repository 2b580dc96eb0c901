/**
 * The `@pii` guard decides through `decider(type, field)`, built once per ability and field and
 * then applied to every record of a page. It must give exactly what `decide` gives on each record:
 * row conditions (a support agent's team, marketing's consent) and use restrictions stay per record.
 * Checked over the shipped policy files: every role, every purpose, every `@pii` field of the contract.
 */
import { describe, expect, it } from 'vitest';
import { abilityFor } from '../../src/policies/ability/ability-for.js';
import { piiFields } from '../../src/policies/catalog.js';
import { loadPolicySet } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const shipped = () => loadPolicySet(new URL('../../policies', import.meta.url).pathname, contractCatalog);

/** Records a page could hold side by side: the fields' answers differ between them for some roles. */
const RECORDS: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['own team', { id: 'r1', teamId: 'team-a', consentedPurposes: [], restrictedPurposes: [] }],
  ['other team', { id: 'r2', teamId: 'team-b', consentedPurposes: [], restrictedPurposes: [] }],
  ['consented to marketing', { id: 'r3', teamId: 'team-b', consentedPurposes: ['marketing'], restrictedPurposes: [] }],
  ['restricted for analytics', { id: 'r4', teamId: 'team-a', consentedPurposes: ['marketing'], restrictedPurposes: ['analytics'] }],
  ['restricted for marketing', { id: 'r5', teamId: 'team-a', consentedPurposes: ['marketing'], restrictedPurposes: ['marketing'] }],
  ['restricted for support', { id: 'r6', teamId: 'team-a', consentedPurposes: [], restrictedPurposes: ['support'] }],
  ['without the attributes', { id: 'r7' }],
];

describe('decider(type, field)', () => {
  const policy = shipped();
  const roles = [...policy.roles.keys()];
  const purposes = [null, ...policy.purposes.keys()];

  it.each(roles.flatMap((role) => purposes.map((purpose) => [role, purpose] as const)))('%s under purpose %s: decides every record as decide does', (role, purpose) => {
    const ability = abilityFor(policy, { id: 'p1', roles: [role], teamId: 'team-a' }, { purpose });
    const differ: string[] = [];
    for (const { type, field } of piiFields(contractCatalog)) {
      const decider = ability.decider(type, field);
      // Twice through the records with one decider: an answer kept from an earlier record would show.
      for (const [name, record] of [...RECORDS, ...RECORDS.slice().reverse()]) {
        const got = decider({ ...record });
        const want = ability.decide(type, { ...record }, field);
        if (got.decision !== want.decision || got.masker !== want.masker) differ.push(`${type}.${field} on ${name}: ${got.decision}/${got.masker} vs ${want.decision}/${want.masker}`);
      }
    }
    expect(differ).toEqual([]);
  });

  it('denies a restricted customer to a role whose field is static (the analyst), and masks the next one', () => {
    const analyst = abilityFor(policy, { id: 'p1', roles: ['analyst'], teamId: null }, { purpose: null });
    const email = analyst.decider('Customer', 'email');
    expect(email({ id: 'c1', restrictedPurposes: ['analytics'] }).decision).toBe('DENIED');
    expect(email({ id: 'c2', restrictedPurposes: [] })).toMatchObject({ decision: 'MASKED', masker: 'email' });
    expect(email({ id: 'c3', restrictedPurposes: ['marketing'] })).toMatchObject({ decision: 'MASKED', masker: 'email' });
  });

  it('decides a conditional field per record: a support agent reads their team’s customer in plain, not another team’s', () => {
    const agent = abilityFor(policy, { id: 'p1', roles: ['support_agent'], teamId: 'team-a' }, { purpose: 'support' });
    const email = agent.decider('Customer', 'email');
    const own = email({ id: 'c1', teamId: 'team-a', restrictedPurposes: [] }).decision;
    const other = email({ id: 'c2', teamId: 'team-b', restrictedPurposes: [] }).decision;
    expect(own).toBe('PLAIN');
    expect(other).not.toBe('PLAIN');
    expect(email({ id: 'c3', teamId: 'team-a', restrictedPurposes: [] }).decision).toBe('PLAIN');
  });

  it('is one function per ability and field', () => {
    const analyst = abilityFor(policy, { id: 'p1', roles: ['analyst'], teamId: null }, { purpose: null });
    expect(analyst.decider('Customer', 'email')).toBe(analyst.decider('Customer', 'email'));
    expect(analyst.decider('Customer', 'email')).not.toBe(analyst.decider('Customer', 'phone'));
  });
});
