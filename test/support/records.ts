/** Known records from the seeded demo data, read straight from the database and decrypted, for expectations. */
import type { MikroORM } from '../../src/data/orm.js';
import { CustomerEntity, FeedbackEntity } from '../../src/data/entities/index.js';
import { unsealed } from './crypto.js';

export interface Fixtures {
  east: CustomerEntity;
  west: CustomerEntity;
  consenting: CustomerEntity;
  notConsenting: CustomerEntity;
  eastFeedback: FeedbackEntity;
  westFeedback: FeedbackEntity;
  /** Feedback whose body holds a phone number in half-width digits. */
  phoneInBody: FeedbackEntity;
  marketingCount: number;
}

export async function loadFixtures(orm: MikroORM): Promise<Fixtures> {
  const em = orm.em.fork();
  const one = <T extends object>(rows: T[], what: string): T => {
    if (!rows[0]) throw new Error(`demo data has no ${what}`);
    return rows[0];
  };
  const active = { consents: { $some: { purpose: 'marketing', withdrawnAt: null } } };
  const customer = async (where: object, what: string) =>
    unsealed(orm, 'customer', one(await em.find(CustomerEntity, where, { limit: 1, orderBy: { id: 'asc' } }), what));
  const feedback = async (where: object, what: string) =>
    unsealed(orm, 'feedback', one(await em.find(FeedbackEntity, where, { limit: 1, orderBy: { id: 'asc' } }), what));
  const east = await customer({ teamId: 'team-east' }, 'east customer');
  const west = await customer({ teamId: 'team-west' }, 'west customer');
  const consenting = await customer(active, 'consenting customer');
  const notConsenting = await customer({ consents: { $none: { purpose: 'marketing', withdrawnAt: null } } }, 'non-consenting customer');
  const eastFeedback = await feedback({ teamId: 'team-east', customer: { $ne: null } }, 'east feedback');
  const westFeedback = await feedback({ teamId: 'team-west', customer: { $ne: null } }, 'west feedback');
  // Bodies are encrypted: the one with a phone number is found by opening them in id order.
  let phoneInBody: FeedbackEntity | null = null;
  for (const row of await em.find(FeedbackEntity, {}, { orderBy: { id: 'asc' } })) {
    const open = await unsealed(orm, 'feedback', row);
    if (/0[789]0-[0-9]{4}-[0-9]{4}/.test(open.body)) {
      phoneInBody = open;
      break;
    }
  }
  if (!phoneInBody) throw new Error('demo data has no feedback with a phone number');
  const marketingCount = await em.count(CustomerEntity, active);
  return { east, west, consenting, notConsenting, eastFeedback, westFeedback, phoneInBody, marketingCount };
}
