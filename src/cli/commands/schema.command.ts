import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { apiSchemaSdl } from '../../server/api-schema.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the client-facing GraphQL schema (as the gateway exposes it), for codegen and BI tools')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: { out?: string }) => {
      const sdl = await apiSchemaSdl();
      if (opts.out) writeFileSync(opts.out, sdl);
      else process.stdout.write(sdl);
    });
}
