/** Known records from the seeded demo data, read straight from the database for expectations. */
import type { MikroORM } from '../../src/data/orm.js';
import { CustomerEntity, FeedbackEntity } from '../../src/data/entities/index.js';

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
  const east = one(await em.find(CustomerEntity, { teamId: 'team-east' }, { limit: 1, orderBy: { id: 'asc' } }), 'east customer');
  const west = one(await em.find(CustomerEntity, { teamId: 'team-west' }, { limit: 1, orderBy: { id: 'asc' } }), 'west customer');
  const consenting = one(await em.find(CustomerEntity, active, { limit: 1, orderBy: { id: 'asc' } }), 'consenting customer');
  const notConsenting = one(await em.find(CustomerEntity, { consents: { $none: { purpose: 'marketing', withdrawnAt: null } } }, { limit: 1, orderBy: { id: 'asc' } }), 'non-consenting customer');
  const eastFeedback = one(await em.find(FeedbackEntity, { teamId: 'team-east', customer: { $ne: null } }, { limit: 1, orderBy: { id: 'asc' } }), 'east feedback');
  const westFeedback = one(await em.find(FeedbackEntity, { teamId: 'team-west', customer: { $ne: null } }, { limit: 1, orderBy: { id: 'asc' } }), 'west feedback');
  const phoneInBody = one(await em.find(FeedbackEntity, { body: { $re: '0[789]0-[0-9]{4}-[0-9]{4}' } }, { limit: 1, orderBy: { id: 'asc' } }), 'feedback with a phone number');
  const marketingCount = await em.count(CustomerEntity, active);
  return { east, west, consenting, notConsenting, eastFeedback, westFeedback, phoneInBody, marketingCount };
}
