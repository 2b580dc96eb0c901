// Use restrictions and virtual columns as the reads' SQL carries them: a plain subquery on
// use_restriction without a join to customer, reusable across requests (row conditions are cached
// per ability), and the formula columns only for callers whose rules test them.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../../src/data/orm.js';
import { CustomerEntity, FeedbackEntity } from '../../src/data/entities/index.js';
import { VIRTUAL_TRANSLATORS, virtualsTested } from '../../src/data/virtual-translators.js';
import { condToMikroOrmWhere, type PolicySet } from '../../src/policies/index.js';
import { loadPolicy, policyDir } from '../../src/server/policy.js';
import { PROJECT_ROOT } from '../../src/cli/runtime.js';

let orm: MikroORM;
let policy: PolicySet;
beforeAll(async () => {
  // Never connects: the statements are only rendered.
  orm = await MikroORM.init({ ...ormOptions({ url: 'postgres://nobody@127.0.0.1:1/none' }), connect: false });
  policy = await loadPolicy(policyDir(PROJECT_ROOT, null));
});
afterAll(async () => {
  await orm?.close(true);
});

const notRestricted = (type: string) =>
  condToMikroOrmWhere({ kind: 'cmp', field: 'restrictedPurposes', op: 'nin', value: ['analytics', 'marketing'] }, VIRTUAL_TRANSLATORS[type]);

describe('use restrictions in SQL', () => {
  it('hide feedback of restricted customers without joining customer, keeping feedback from nobody', () => {
    const sql = orm.em.fork().createQueryBuilder(FeedbackEntity, 'e0').select('id').where(notRestricted('Feedback')).getFormattedQuery();
    expect(sql).toBe(
      `select "e0"."id" from "feedback" as "e0" where ("e0"."customer_id" is null or "e0"."customer_id" not in (select customer_id from use_restriction where purpose in ('analytics', 'marketing')))`,
    );
  });

  it('render the same condition on every use (a cached row condition serves many requests)', () => {
    const where = notRestricted('Customer');
    const render = () => orm.em.fork().createQueryBuilder(CustomerEntity, 'e0').select('id').where(where).getFormattedQuery();
    const first = render();
    expect(first).toContain(`"e0"."id" not in (select customer_id from use_restriction where purpose in ('analytics', 'marketing'))`);
    expect(render()).toBe(first);
    expect(render()).toBe(first);
  });

  it('select the restricted customers for "contains"', () => {
    const where = condToMikroOrmWhere({ kind: 'cmp', field: 'restrictedPurposes', op: 'eq', value: 'support' }, VIRTUAL_TRANSLATORS.Customer);
    const sql = orm.em.fork().createQueryBuilder(CustomerEntity, 'e0').select('id').where(where).getFormattedQuery();
    expect(sql).toContain(`"e0"."id" in (select customer_id from use_restriction where purpose in ('support'))`);
  });
});

describe('virtual columns a read computes', () => {
  it('none for the analyst, whose rules test no virtual attribute', () => {
    expect(virtualsTested(policy, ['analyst'], 'Customer')).toEqual([]);
  });

  it('consentedPurposes for marketing, whose e-mail rule tests it per record', () => {
    expect(virtualsTested(policy, ['marketing'], 'Customer')).toEqual(['consentedPurposes']);
    expect(virtualsTested(policy, ['analyst', 'marketing'], 'Customer')).toEqual(['consentedPurposes']);
  });

  it('restrictedPurposes for the DPO, whose purpose-bound rules make refusals ask other purposes', () => {
    expect(virtualsTested(policy, ['dpo'], 'Customer')).toContain('restrictedPurposes');
  });

  it('none for a type without virtual attributes or a role the policy does not know', () => {
    expect(virtualsTested(policy, ['marketing'], 'Feedback')).toEqual([]);
    expect(virtualsTested(policy, ['no-such-role'], 'Customer')).toEqual([]);
  });
});
