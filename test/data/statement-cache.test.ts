/**
 * Reads reuse the SQL built for the same shape of where object (src/data/statement-cache.ts). Guards
 * against a cached statement filtering differently from the one the query builder would build for
 * the call at hand: another team's rows, another page, another batch of ids leaking through values
 * bound to the wrong placeholders, or a shape whose values the builder converts reused at all.
 * Every read here is compared with the query builder's own answer for the same call, on the demo data.
 */
import 'reflect-metadata';
import { raw, type EntityClass, type EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerEntity, FeedbackEntity } from '../../src/data/entities/index.js';
import { leanFind, leanRows } from '../../src/data/lean-rows.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { StatementCache } from '../../src/data/statement-cache.js';
import { TouchedRows } from '../../src/data/touched-rows.js';
import { runDatabaseUrl } from '../support/run-database.js';

let orm: MikroORM;
const queries: string[] = [];
beforeAll(async () => {
  orm = await openOrm({ url: runDatabaseUrl(), onQuery: (sql) => queries.push(sql) });
});
afterAll(async () => {
  await orm?.close(true);
});

/** What the query builder returns for the same read, mapped the same way. */
async function built<T extends object>(em: EntityManager, entity: EntityClass<T>, where: object, properties: string[], orderBy?: object, limit?: number) {
  const qb = em.createQueryBuilder(entity, 'e0').select(properties as never).where(where as never);
  if (orderBy) qb.orderBy(orderBy as never);
  if (limit !== undefined) qb.limit(limit);
  return leanRows(em, new TouchedRows(), entity, (await qb.execute('all', false)) as unknown as Array<Record<string, unknown>>);
}

describe('statements built once per shape', () => {
  it('binds each call its own ids and team: a cached statement never answers for the previous call', async () => {
    const em = orm.em.fork();
    const all = await em.getConnection().execute<Array<{ id: string; team_id: string | null }>>('select id, team_id from customer order by id');
    const props = ['id', 'name', 'teamId'];
    const teams = ['team-east', 'team-west', 'team-east', 'nobody'];
    let compared = 0;
    for (const [i, team] of teams.entries()) {
      // Same shape every round (two ids, one team), other values.
      const ids = [all[i * 2]!.id, all[all.length - 1 - i]!.id];
      const where = { $and: [{ id: { $in: ids } }, { $or: [{ teamId: team }, { teamId: null }] }] };
      const cached = await leanFind(em, new TouchedRows(), CustomerEntity, where, { properties: props });
      expect(cached).toEqual(await built(em, CustomerEntity, where, props));
      for (const row of cached) {
        expect(ids).toContain(row.id);
        expect([team, null]).toContain(row.teamId);
      }
      compared += cached.length;
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('pages by cursor with the call\'s own date, id and limit', async () => {
    const em = orm.em.fork();
    const props = ['id', 'receivedAt', 'channel'];
    const order = [{ receivedAt: 'desc' }, { id: 'desc' }];
    let cursor: { receivedAt: Date; id: string } | null = null;
    const seen = new Set<string>();
    for (let page = 0; page < 4; page++) {
      const where: object = cursor ? { $or: [{ receivedAt: { $lt: cursor.receivedAt } }, { receivedAt: cursor.receivedAt, id: { $lt: cursor.id } }] } : { $or: [{ receivedAt: { $lt: new Date('2100-01-01') } }, { receivedAt: new Date('2100-01-01'), id: { $lt: 'ffffffff-ffff-ffff-ffff-ffffffffffff' } }] };
      const size = 3 + page;
      const rows: Array<{ id: string; receivedAt: unknown }> = await leanFind(em, new TouchedRows(), FeedbackEntity, where, { properties: props, orderBy: order as never, limit: size });
      expect(rows).toEqual(await built(em, FeedbackEntity, where, props, order, size));
      expect(rows).toHaveLength(size);
      for (const r of rows) expect(seen.has(r.id)).toBe(false), seen.add(r.id);
      const last: { id: string; receivedAt: unknown } = rows.at(-1)!;
      cursor = { receivedAt: last.receivedAt as Date, id: last.id };
    }
  });

  it('binds a row condition\'s subquery parameters of the call, not of the statement first built', async () => {
    const em = orm.em.fork();
    const props = ['id', 'teamId'];
    const seen = new Map<string, string[]>();
    for (const team of ['team-east', 'team-west', 'team-east']) {
      // As src/data/virtual-translators.ts writes a restriction: a raw subquery as the value.
      const where = { id: { $in: raw('select id from customer where team_id = ?', [team]) } };
      const rows = await leanFind(em, new TouchedRows(), CustomerEntity, where, { properties: props });
      expect(rows).toEqual(await built(em, CustomerEntity, where, props));
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.teamId).toBe(team);
      seen.set(team, rows.map((r) => r.id));
    }
    expect(seen.get('team-east')).not.toEqual(seen.get('team-west'));
  });

  it('keeps building a shape whose values the builder converts (a JSON containment)', () => {
    const cache = new StatementCache();
    let builds = 0;
    const build = (v: string) => () => (builds++, { sql: 'select 1 where x @> ?', bindings: [JSON.stringify([v])] });
    cache.statement('h', { x: { $contains: ['marketing'] } }, [], build('marketing'));
    const second = cache.statement('h', { x: { $contains: ['support'] } }, [], build('support'));
    expect(builds).toBe(2);
    expect(second.bindings).toEqual(['["support"]']);
  });

  it('sends the cached text through the ORM\'s connection: the second read of a shape is the same statement', async () => {
    const em = orm.em.fork();
    const ids = (await em.getConnection().execute<Array<{ id: string }>>('select id from customer order by id limit 6')).map((r) => r.id);
    queries.splice(0);
    await leanFind(em, new TouchedRows(), CustomerEntity, { id: { $in: ids.slice(0, 3) } }, { properties: ['id', 'email'] });
    await leanFind(em, new TouchedRows(), CustomerEntity, { id: { $in: ids.slice(3, 6) } }, { properties: ['id', 'email'] });
    // Still through the ORM's connection (its query log, the request's transaction), with placeholders.
    const reads = queries.filter((q) => q.includes('from "customer"')).map((q) => q.replace(/ \[took .*$/, ''));
    expect(reads).toHaveLength(2);
    expect(reads[0]).toContain('in ($1, $2, $3)');
    expect(reads[1]).toBe(reads[0]);
  });
});
