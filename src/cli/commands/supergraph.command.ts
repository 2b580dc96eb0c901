import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { composeSupergraph } from '../../server/supergraph.js';
import { DEFAULT_PORTS } from '../../server/platform.js';

export function registerSupergraph(program: Command): void {
  program
    .command('supergraph')
    .description('print the supergraph SDL composed from the three subgraphs (for any Federation 2 router)')
    .option('--host <host>', 'host the subgraphs are reached at', '127.0.0.1')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: { host: string; out?: string }) => {
      const url = (port: number) => `http://${opts.host}:${port}/graphql`;
      const sdl = await composeSupergraph({
        customers: url(DEFAULT_PORTS.customers),
        feedback: url(DEFAULT_PORTS.feedback),
        audit: url(DEFAULT_PORTS.audit),
      });
      if (opts.out) writeFileSync(opts.out, sdl);
      else process.stdout.write(sdl);
    });
}
