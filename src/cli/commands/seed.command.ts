import type { Command } from 'commander';
import { seedDemoData } from '../../data/demo-seed.js';
import { migrateAll } from '../../data/migrate.js';
import { openRuntime } from '../runtime.js';

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('load the deterministic demo data set into an empty database (a database with customers is left alone)')
    .option('--customers <n>', 'number of customers', (v) => Number.parseInt(v, 10))
    .option('--feedback <n>', 'number of feedback items', (v) => Number.parseInt(v, 10))
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10))
    .action(async (opts: { customers?: number; feedback?: number; seed?: number }) => {
      const rt = await openRuntime((l) => console.error(l));
      try {
        const { crypto } = await migrateAll(rt.orm, rt.keyRing().provider);
        const result = await seedDemoData(rt.orm, rt.secrets.pseudonymKey, crypto, opts);
        console.log(result.seeded ? `Seeded: ${JSON.stringify(result.counts)}` : 'The database already has customers; nothing seeded.');
      } finally {
        await rt.close();
      }
    });
}
