import type { Command } from 'commander';
import { migrateUp } from '../../data/migrate.js';
import { openRuntime } from '../runtime.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (DATABASE_URL, else the embedded PostgreSQL)')
    .action(async () => {
      const rt = await openRuntime((l) => console.error(l));
      try {
        const applied = await migrateUp(rt.orm);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Schema is current; nothing to apply.');
      } finally {
        await rt.close();
      }
    });
}
