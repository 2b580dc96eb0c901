import type { Command } from 'commander';
import { migrateAll } from '../../data/migrate.js';
import { openRuntime } from '../runtime.js';
import { progressReporter } from './progress.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description(
      'apply pending database migrations, seal any personal data still stored in plaintext, compute the piiFlags of feedback and the birth years of customers stored before them (DATABASE_URL, else the embedded PostgreSQL)',
    )
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .action(async (flags: { progress?: boolean }) => {
      const rt = await openRuntime((l) => console.error(l));
      const scan = progressReporter(flags.progress ?? false, 'scanning feedback for piiFlags', 'rows');
      const years = progressReporter(flags.progress ?? false, 'filling customers\' birth years', 'rows');
      try {
        const done = await migrateAll(rt.orm, rt.keyRing().provider, {
          sealed: (table, n) => console.error(`  sealed ${n} ${table} rows so far`),
          piiFlags: (n, total) => scan.update(n, total),
          birthYears: (n, total) => (scan.stop(), years.update(n, total)),
        });
        scan.stop();
        years.stop();
        console.log(done.applied.length ? `Applied: ${done.applied.join(', ')}` : 'Schema is current; nothing to apply.');
        const sealed = Object.entries(done.encrypted).filter(([, n]) => n > 0);
        if (sealed.length) console.log(`Encrypted rows stored in plaintext: ${sealed.map(([t, n]) => `${t} ${n}`).join(', ')}`);
        if (done.piiScanned) console.log(`Computed piiFlags of feedback stored before them: ${done.piiScanned} rows`);
        if (done.birthYears) console.log(`Filled the birth year (age bands) of customers stored before it: ${done.birthYears} rows`);
      } finally {
        scan.stop();
        years.stop();
        await rt.close();
      }
    });
}
