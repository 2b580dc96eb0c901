import type { Command } from 'commander';
import { migrateAll } from '../../data/migrate.js';
import { openRuntime } from '../runtime.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations, then seal any personal data still stored in plaintext (DATABASE_URL, else the embedded PostgreSQL)')
    .action(async () => {
      const rt = await openRuntime((l) => console.error(l));
      try {
        const done = await migrateAll(rt.orm, rt.keyRing().provider, (table, n) => console.error(`  sealed ${n} ${table} rows so far`));
        console.log(done.applied.length ? `Applied: ${done.applied.join(', ')}` : 'Schema is current; nothing to apply.');
        const sealed = Object.entries(done.encrypted).filter(([, n]) => n > 0);
        if (sealed.length) console.log(`Encrypted rows stored in plaintext: ${sealed.map(([t, n]) => `${t} ${n}`).join(', ')}`);
      } finally {
        await rt.close();
      }
    });
}
