// Newest-first pages sort `desc nulls last`; without a matching index PostgreSQL sorts the whole
// table for every page (the gateway's dashboard query spent 60–80 ms there on 100k feedback).
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDatabaseUrl } from '../support/run-database.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';

let orm: MikroORM;
beforeAll(async () => {
  orm = await openOrm({ url: runDatabaseUrl() });
});
afterAll(async () => {
  await orm?.close(true);
});

async function planOf(sql: string): Promise<string> {
  const knex = orm.em.fork().getConnection().getKnex();
  // Seq scans off: on the small test tables the planner may prefer them; the question is only
  // whether an index CAN give this order without a sort.
  return (await knex.transaction(async (trx) => {
    await trx.raw('set local enable_seqscan = off');
    const res = (await trx.raw(`explain (format json) ${sql}`)) as { rows: Array<{ 'QUERY PLAN': unknown }> };
    return JSON.stringify(res.rows[0]!['QUERY PLAN']);
  })) as string;
}

describe('page indexes', () => {
  it.each([
    ['feedback newest first', 'select * from feedback order by received_at desc nulls last, id desc limit 21', 'feedback_received_at_desc_id_index'],
    ['feedback by rating, highest first', 'select * from feedback order by rating desc nulls last, id desc limit 21', 'feedback_rating_desc_id_index'],
    ['customers newest first', 'select * from customer order by created_at desc nulls last, id desc limit 21', 'customer_created_at_desc_id_index'],
    ['customers by prefecture, descending', 'select * from customer order by prefecture desc nulls last, id desc limit 21', 'customer_prefecture_desc_id_index'],
  ])('reads %s from an index without sorting', async (_what, sql, index) => {
    const plan = await planOf(sql);
    expect(plan).toContain(index);
    expect(plan).not.toContain('"Node Type":"Sort"');
  });
});

describe('audit row storage', () => {
  it('compresses the large audit columns with lz4 where the server has it (pglz made every append wait about 1 ms)', async () => {
    const conn = orm.em.fork().getConnection();
    const [{ lz4 } = { lz4: false }] = await conn.execute<Array<{ lz4: boolean }>>(`select exists (select 1 from pg_config() where name = 'CONFIGURE' and setting like '%--with-lz4%') as lz4`);
    const rows = await conn.execute<Array<{ attname: string; attcompression: string }>>(
      `select attname, attcompression from pg_attribute where attrelid = 'audit_event'::regclass and attname in ('resources', 'fields', 'detail') order by attname`,
    );
    expect(rows.map((r) => r.attname)).toEqual(['detail', 'fields', 'resources']);
    for (const r of rows) expect(r.attcompression, r.attname).toBe(lz4 ? 'l' : '');
  });
});
