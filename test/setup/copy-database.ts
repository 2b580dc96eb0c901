import pg from 'pg';
import { createScratchDatabase, type PgSsl, type ScratchDatabase } from '../../src/data/postgres/index.js';

/**
 * A scratch database holding a copy of `template` (PostgreSQL copies its files: far quicker than
 * migrating and seeding again). No session may be connected to `template` meanwhile.
 */
export async function copyScratchDatabase(adminUrl: string, template: string, prefix: string, ssl: PgSsl): Promise<ScratchDatabase> {
  // Its name (one a later run's stale sweep recognises) and its drop(), which also ends open sessions.
  const copy = await createScratchDatabase(adminUrl, prefix, ssl);
  const c = new pg.Client({ connectionString: adminUrl, ssl });
  await c.connect();
  try {
    await c.query(`drop database ${c.escapeIdentifier(copy.name)}`);
    await c.query(`create database ${c.escapeIdentifier(copy.name)} template ${c.escapeIdentifier(template)}`);
  } finally {
    await c.end();
  }
  return copy;
}
