/**
 * Loads the demo data set into an empty database, once: a database that already has customers is
 * left untouched, so `npm start` can run any number of times.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { ConsentEntity, CustomerEntity, FeedbackEntity, PrincipalEntity, PurchaseEntity } from './entities/index.js';
import { customerKey } from './pseudonym.js';
import { generateDemoData, type DemoOptions } from './seed/demo-data.js';

const CHUNK = 1000;

export interface SeedResult {
  seeded: boolean;
  counts: Record<string, number>;
}

export async function seedDemoData(orm: MikroORM, pseudonymKey: string, opts: DemoOptions = {}): Promise<SeedResult> {
  const em = orm.em.fork();
  if ((await em.count(CustomerEntity, {})) > 0) return { seeded: false, counts: {} };
  const data = generateDemoData(opts);
  await em.transactional(async (tx) => {
    const now = new Date();
    // Demo roles are "granted by the seed", so access reviews show who granted what from the start.
    const roleGrants = (roles: string[]) => roles.map((role) => ({ role, grantedBy: 'seed', grantedAt: now.toISOString() }));
    await insertChunks(tx, PrincipalEntity, data.principals.map((p) => ({ ...p, attributes: {}, roleGrants: roleGrants(p.roles), createdAt: now })));
    await insertChunks(tx, CustomerEntity, data.customers.map((c) => ({ ...c, customerKey: customerKey(pseudonymKey, c.id) })));
    await insertChunks(tx, PurchaseEntity, data.purchases.map(({ customerId, ...p }) => ({ ...p, customer: customerId })));
    await insertChunks(tx, ConsentEntity, data.consents.map(({ customerId, ...c }) => ({ ...c, customer: customerId })));
    await insertChunks(tx, FeedbackEntity, data.feedback.map(({ customerId, ...f }) => ({ ...f, customer: customerId })));
  });
  return {
    seeded: true,
    counts: {
      principals: data.principals.length,
      customers: data.customers.length,
      purchases: data.purchases.length,
      consents: data.consents.length,
      feedback: data.feedback.length,
    },
  };
}

async function insertChunks<T extends object>(
  em: Parameters<Parameters<ReturnType<MikroORM['em']['fork']>['transactional']>[0]>[0],
  entity: new () => T,
  rows: object[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await em.insertMany(entity, rows.slice(i, i + CHUNK) as never[]);
  }
}
