/**
 * Suspicious-access alerts on seeded patterns, with thresholds lowered through a copied policy
 * directory: each rule fires just past its threshold and not at it, and two platform instances on
 * one database count together. On its own database, so other files' traffic cannot move a count.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertSink } from '../../src/audit/alerts/alert-evaluator.js';
import { CustomerEntity } from '../../src/data/entities/index.js';
import { loadPolicy } from '../../src/server/policy.js';
import { alertEvents, collectingLogger, marks, policyDirWithAudit, postFrom, until } from '../support/audit-alerts.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';
import { seededScratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

/** Working hours one hour long, two hours from now in Tokyo: every request in this run is after hours. */
function hoursExcludingNow(): string {
  const h = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
  const from = (h + 2) % 22;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(from)}:00-${pad(from + 1)}:00`;
}

const AUDIT_YAML = `alerts:
  plain_customer_reads: { threshold: 3, window: 10m }
  repeated_forbidden: { threshold: 3, window: 5m }
  authentication_failures: { threshold: 3, window: 5m }
  after_hours: { hours: "${hoursExcludingNow()}", days: [mon, tue, wed, thu, fri, sat, sun], timeZone: Asia/Tokyo, roles: [marketing] }
  bi_new_address: { roles: [bi_readonly] }
retention:
  default: 1y
`;

let db: ScratchKoeDb;
let a: TestKoe;
let b: TestKoe;
const log = collectingLogger();
let customerIds: string[];

beforeAll(async () => {
  db = await seededScratchKoeDb();
  const policy = await loadPolicy(policyDirWithAudit(AUDIT_YAML));
  a = await startTestKoe(policy, { databaseUrl: db.url, logger: log.logger });
  b = await startTestKoe(policy, { databaseUrl: db.url });
  customerIds = (await db.orm.em.fork().find(CustomerEntity, {}, { limit: 6, orderBy: { id: 'asc' } })).map((c) => c.id);
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await db?.drop();
});

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { email } } }';
const UPSERT = 'mutation { upsertCustomer(input: { name: "x", email: "x@example.jp", segment: "gold" }) { id } }';

async function as(koe: TestKoe, principal: string, query: string, variables: Record<string, unknown> = {}, url = koe.platform.subgraphUrls.customers) {
  return postGraphQL(url, { query, variables }, { authorization: `Bearer ${await koe.token(principal)}`, 'x-request-id': `alert-${randomUUID()}` });
}
const readCustomers = (koe: TestKoe, ids: readonly string[]) => as(koe, 'p-admin', ENTITIES, { r: ids.map((id) => ({ __typename: 'Customer', id })) });

describe('suspicious-access alerts', () => {
  it('an admin reading 3 customers in PLAIN raises nothing; a 4th raises plain_customer_reads once, without naming customers', async () => {
    await readCustomers(a, customerIds.slice(0, 3));
    await until(async () => (await marks(db.sql, 'plain_customer_reads', 'p-admin')) === 3, '3 marks');
    expect(await alertEvents(db.sql, 'plain_customer_reads')).toEqual([]);
    await readCustomers(a, customerIds.slice(3, 4));
    const [alert] = await until(async () => (await alertEvents(db.sql, 'plain_customer_reads')).at(0) && alertEvents(db.sql, 'plain_customer_reads'), 'the alert');
    expect(alert).toMatchObject({ actor_id: 'p-admin', detail: { rule: 'plain_customer_reads', principal: 'p-admin', count: 4, threshold: 3, windowSeconds: 600 } });
    expect(JSON.stringify(alert)).not.toContain(customerIds[0]!);
    // Re-reading a counted customer does not count again, and the window alerts only once.
    await readCustomers(a, customerIds.slice(0, 5));
    await until(async () => (await marks(db.sql, 'plain_customer_reads', 'p-admin')) === 5, '5 marks');
    expect(await alertEvents(db.sql, 'plain_customer_reads')).toHaveLength(1);
    expect(log.lines.some((l) => l.msg === 'audit alert: alert.plain_customer_reads' && l.level === 40)).toBe(true);
  });

  it('two instances count FORBIDDEN together: 3 refusals spread over both raise nothing, the 4th raises one alert', async () => {
    await as(a, 'p-analyst', UPSERT);
    await as(b, 'p-analyst', UPSERT);
    await as(b, 'p-analyst', UPSERT);
    await until(async () => (await marks(db.sql, 'repeated_forbidden', 'p-analyst')) === 3, '3 marks');
    expect(await alertEvents(db.sql, 'repeated_forbidden')).toEqual([]);
    await as(a, 'p-analyst', UPSERT);
    await until(async () => (await alertEvents(db.sql, 'repeated_forbidden')).length === 1, 'the alert');
    await as(b, 'p-analyst', UPSERT);
    await until(async () => (await marks(db.sql, 'repeated_forbidden', 'p-analyst')) === 5, '5 marks');
    expect(await alertEvents(db.sql, 'repeated_forbidden')).toMatchObject([{ detail: { rule: 'repeated_forbidden', count: 4 } }]);
  });

  it('authentication failures from one address: 3 raise nothing, the 4th raises an alert naming no principal', async () => {
    const fail = (koe: TestKoe) => postGraphQL(koe.platform.subgraphUrls.feedback, { query: '{ __typename }' }, { authorization: 'Bearer not-a-token' });
    for (const koe of [a, b, a]) expect((await fail(koe)).status).toBe(401);
    await until(async () => (await marks(db.sql, 'authentication_failures', '127.0.0.1')) === 3, '3 marks');
    expect(await alertEvents(db.sql, 'authentication_failures')).toEqual([]);
    await fail(b);
    const [alert] = await until(async () => (await alertEvents(db.sql, 'authentication_failures')).at(0) && alertEvents(db.sql, 'authentication_failures'), 'the alert');
    expect(alert).toMatchObject({ actor_id: null, client_address: '127.0.0.1', detail: { principal: null, count: 4 } });
  });

  it('access outside working hours alerts for a listed role, and not for a role the rule does not name', async () => {
    await as(a, 'p-support-east', '{ __typename }');
    await as(a, 'p-marketing', '{ __typename }');
    const [alert] = await until(async () => (await alertEvents(db.sql, 'after_hours')).at(0) && alertEvents(db.sql, 'after_hours'), 'the alert');
    expect(alert).toMatchObject({ actor_id: 'p-marketing', detail: { rule: 'after_hours' } });
    expect(await alertEvents(db.sql, 'after_hours')).toHaveLength(1);
  });

  it('a BI key learns its first address, stays quiet there, and alerts from a new one', async () => {
    const headers = async () => ({ authorization: `Bearer ${await a.token('p-bi')}` });
    const url = a.platform.subgraphUrls.customers;
    await postFrom(url, '127.0.0.1', { query: '{ __typename }' }, await headers());
    await postFrom(b.platform.subgraphUrls.customers, '127.0.0.1', { query: '{ __typename }' }, await headers());
    await until(async () => (await marks(db.sql, 'bi_new_address', 'p-bi')) === 1, 'the first address');
    expect(await alertEvents(db.sql, 'bi_new_address')).toEqual([]);
    await postFrom(url, '127.0.0.2', { query: '{ __typename }' }, await headers());
    const [alert] = await until(async () => (await alertEvents(db.sql, 'bi_new_address')).at(0) && alertEvents(db.sql, 'bi_new_address'), 'the alert');
    expect(alert).toMatchObject({ actor_id: 'p-bi', client_address: '127.0.0.2', detail: { rule: 'bi_new_address', count: 2 } });
  });

  it('a failing evaluation is logged, never thrown (the response is already recorded)', async () => {
    const lines: Array<[string, Record<string, unknown>]> = [];
    const sink = alertSink({ rules: { repeated_forbidden: { threshold: 1, window: 60 } }, log: (m, f) => void lines.push([m, f]) });
    const broken = { getConnection: () => ({ execute: () => Promise.reject(new Error('db down')) }) } as never;
    const event = { at: new Date(), actorId: 'p-x', roles: [], action: 'query', outcome: 'denied', requestId: 'r', clientAddress: null, fields: [], resources: [] } as never;
    await expect(sink(broken, [event])).resolves.toBeUndefined();
    expect(lines).toEqual([['audit alert evaluation failed', { err: 'db down' }]]);
  });
});
