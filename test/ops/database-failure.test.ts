/**
 * PostgreSQL down: the database of this file's platform refuses connections and its sessions are
 * killed. Every request is answered quickly with 503 SERVICE_UNAVAILABLE and no data (through the
 * gateway and straight from a subgraph); when the database accepts connections again the same
 * platform answers normally, without a restart. Runs on its own database.
 */
import { GraphQLError } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDatabaseUrl } from '../support/run-database.js';
import { issueToken } from '../../src/auth/jwt.js';
import { DATABASE_DEFAULTS } from '../../src/config/index.js';

const DEFAULT_ACQUIRE_TIMEOUT_MS = DATABASE_DEFAULTS.acquireTimeoutMs;
import { urlForDatabase } from '../../src/data/postgres/index.js';
import { databaseFailureOf, isDatabaseUnavailable } from '../../src/server/ops/database-failure.js';
import { postGraphQL, TEST_JWT_SECRET, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
let dbName: string;
const DASHBOARD = '{ feedbacks(first: 5) { edges { node { id body customer { id name email } } } } }';

beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe());
  dbName = decodeURIComponent(new URL(db.url).pathname.slice(1));
});
afterAll(async () => {
  await admin(`ALTER DATABASE "${dbName}" WITH ALLOW_CONNECTIONS true`).catch(() => {});
  await stop?.();
});

/** Runs on the server's `postgres` database, so it works while the scratch one refuses connections. */
async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: urlForDatabase(runDatabaseUrl(), 'postgres') });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const takeDown = () =>
  admin(`ALTER DATABASE "${dbName}" WITH ALLOW_CONNECTIONS false;
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}' AND pid <> pg_backend_pid()`);
const bringBack = () => admin(`ALTER DATABASE "${dbName}" WITH ALLOW_CONNECTIONS true`);

async function ask(url: string) {
  const auth = { authorization: `Bearer ${await issueToken(TEST_JWT_SECRET, 'p-analyst')}` };
  const t0 = performance.now();
  const res = await postGraphQL(url, { query: DASHBOARD }, auth);
  return { ...res, ms: performance.now() - t0 };
}

describe('database failure', () => {
  it('runs every statement under the configured statement timeout (default 10 s)', async () => {
    const rows = await koe.orm.em.fork().getConnection().execute<Array<{ statement_timeout: string }>>('show statement_timeout');
    expect(rows[0]!.statement_timeout).toBe('10s');
  });

  it('answers 503 SERVICE_UNAVAILABLE while PostgreSQL is down, and recovers without a restart', async () => {
    const before = await ask(koe.platform.gatewayUrl);
    expect(before.status).toBe(200);
    expect(before.json.errors).toBeUndefined();

    await takeDown();
    try {
      for (const url of [koe.platform.gatewayUrl, koe.platform.subgraphUrls.feedback, koe.platform.subgraphUrls.customers]) {
        // Twice: the first meets the killed pooled connections, the second a refused new one.
        for (let i = 0; i < 2; i++) {
          const r = await ask(url);
          expect(r.status, `${url} #${i}: ${JSON.stringify(r.json)}`).toBe(503);
          expect(r.json.data ?? null).toBeNull();
          expect(r.json.errors).toHaveLength(1);
          expect(r.json.errors![0]!.extensions?.code).toBe('SERVICE_UNAVAILABLE');
          expect(r.ms).toBeLessThan(DEFAULT_ACQUIRE_TIMEOUT_MS);
        }
      }
      const ready = await fetch(koe.platform.gatewayUrl.replace('/graphql', '/readyz'));
      expect(ready.status).toBe(503);
    } finally {
      await bringBack();
    }

    const after = await ask(koe.platform.gatewayUrl);
    expect(after.status, JSON.stringify(after.json)).toBe(200);
    expect(after.json.errors).toBeUndefined();
    expect(after.json.data).toEqual(before.json.data);
    expect((await fetch(koe.platform.gatewayUrl.replace('/graphql', '/readyz'))).status).toBe(200);
  });
});

describe('what counts as the database being unavailable', () => {
  const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  it.each([
    ['refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['database not accepting connections (55000)', pgError('55000', 'database "koe" is not currently accepting connections')],
    ['session terminated (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['statement timeout (57014)', pgError('57014', 'canceling statement due to statement timeout')],
    ['too many connections (53300)', pgError('53300')],
    ['pool acquire timeout', Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' })],
    ['wrapped in a resolver error', new GraphQLError('boom', { originalError: new Error('Connection terminated unexpectedly') })],
    [
      "the gateway's view of a subgraph answering 503 SERVICE_UNAVAILABLE",
      new GraphQLError('503: Service Unavailable', { extensions: { response: { status: 503, body: { errors: [{ message: 'm', extensions: { code: 'SERVICE_UNAVAILABLE' } }] } } } }),
    ],
  ])('%s', (_name, err) => expect(isDatabaseUnavailable(err)).toBe(true));

  it.each([
    ['a unique violation (23505)', pgError('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error (42601)', pgError('42601')],
    ['a policy refusal', new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } })],
    ['an audit refusal from a subgraph (503 AUDIT_UNAVAILABLE)', new GraphQLError('503', { extensions: { response: { status: 503, body: { errors: [{ message: 'm', extensions: { code: 'AUDIT_UNAVAILABLE' } }] } } } })],
    ['nothing', undefined],
  ])('not %s', (_name, err) => expect(isDatabaseUnavailable(err)).toBe(false));
});

describe('timed out or unreachable (extensions.reason)', () => {
  const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  it.each([
    ['statement timeout (57014)', pgError('57014', 'canceling statement due to statement timeout'), 'DATABASE_TIMEOUT'],
    ['pool acquire timeout', Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }), 'DATABASE_TIMEOUT'],
    ['a subgraph that answered 503 DATABASE_TIMEOUT', new GraphQLError('503', { extensions: { response: { status: 503, body: { errors: [{ message: 'm', extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DATABASE_TIMEOUT' } }] } } } }), 'DATABASE_TIMEOUT'],
    ['refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'DATABASE_UNREACHABLE'],
    ['session terminated (57P01)', pgError('57P01', 'terminating connection due to administrator command'), 'DATABASE_UNREACHABLE'],
    ['a subgraph that answered 503 without a reason', new GraphQLError('503', { extensions: { response: { status: 503, body: { errors: [{ message: 'm', extensions: { code: 'SERVICE_UNAVAILABLE' } }] } } } }), 'DATABASE_UNREACHABLE'],
  ])('%s', (_name, err, reason) => expect(databaseFailureOf(err)).toBe(reason));
});
