/**
 * Loads the demo data set into an empty database, once: a database that already has customers is
 * left untouched, so `npm start` can run any number of times.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { NIL_OWNER, type FieldCrypto } from './encryption/index.js';
import { ConsentEntity, CustomerEntity, FeedbackEntity, PrincipalEntity, PurchaseEntity } from './entities/index.js';
import { customerKey } from './pseudonym.js';
import { generateDemoData, type DemoOptions } from './seed/demo-data.js';
import { feedbackPiiFlags } from '../policies/detector/feedback-flags.js';

const CHUNK = 1000;

export interface SeedResult {
  seeded: boolean;
  counts: Record<string, number>;
}

/** Personal values are sealed before they are sent: no plaintext reaches the database, its WAL or a backup. */
export async function seedDemoData(orm: MikroORM, pseudonymKey: string, crypto: FieldCrypto, opts: DemoOptions = {}): Promise<SeedResult> {
  const em = orm.em.fork();
  if ((await em.count(CustomerEntity, {})) > 0) return { seeded: false, counts: {} };
  const data = generateDemoData(opts);
  await em.transactional(async (tx) => {
    const now = new Date();
    // Demo roles are "granted by the seed", so access reviews show who granted what from the start.
    const roleGrants = (roles: string[]) => roles.map((role) => ({ role, grantedBy: 'seed', grantedAt: now.toISOString() }));
    await insertChunks(tx, PrincipalEntity, data.principals.map((p) => ({ ...p, attributes: {}, roleGrants: roleGrants(p.roles), createdAt: now })));
    const keys = await crypto.ensureKeys(tx, [...data.customers.map((c) => c.id), NIL_OWNER]);
    const keyOf = (owner: string | null) => keys.get(owner ?? NIL_OWNER)!;
    await insertChunks(tx, CustomerEntity, data.customers.map((c) => crypto.sealRow(keyOf(c.id), 'customer', c.id, { ...c, customerKey: customerKey(pseudonymKey, c.id) })));
    await insertChunks(tx, PurchaseEntity, data.purchases.map(({ customerId, ...p }) => crypto.sealRow(keyOf(customerId), 'purchase', p.id, { ...p, customer: customerId })));
    await insertChunks(tx, ConsentEntity, data.consents.map(({ customerId, ...c }) => ({ ...c, customer: customerId })));
    await insertChunks(tx, FeedbackEntity, data.feedback.map(({ customerId, ...f }) => crypto.sealRow(keyOf(customerId), 'feedback', f.id, { ...f, customer: customerId, piiFlags: feedbackPiiFlags(f.subject, f.body), piiScannedAt: now })));
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
