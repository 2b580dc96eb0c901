import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { buildSchema } from 'graphql';
import { loadPolicySet } from '../../policies/index.js';
import { catalogOf } from '../../schema/catalog.js';
import { apiSchemaSdl } from '../../server/api-schema.js';
import { shownDir } from './policy/cli-support.js';
import { roleSchemaSdl } from '../../schema/role-schema.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the client-facing GraphQL schema (as the gateway exposes it), for codegen and BI tools')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--role <role>', 'only what this role can ever use: no field it is always DENIED, no type it cannot read, no mutation it cannot call')
    .option('--dir <dir>', 'policy directory for --role (default: $KOE_POLICY_DIR, else policies/)')
    .addOption(
      new Option('--catalog', 'print instead what the policy files are checked against, as JSON: types, fields with their @pii category, mutations').conflicts('role'),
    )
    .action(async (opts: { out?: string; role?: string; dir?: string; catalog?: boolean }) => {
      let sdl = await apiSchemaSdl();
      // The CLI build keeps this beside the bundle (src/cli/api-catalog.ts).
      if (opts.catalog) sdl = `${JSON.stringify(catalogOf(buildSchema(sdl)), null, 2)}\n`;
      // The catalog from this very SDL (what apiCatalog() would build again), so the cut matches the print.
      if (opts.role) sdl = roleSchemaSdl(sdl, loadPolicySet(shownDir(opts.dir), catalogOf(buildSchema(sdl))), opts.role);
      if (opts.out) writeFileSync(opts.out, sdl);
      else process.stdout.write(sdl);
    });
}
