#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { registerAccess } from './commands/access.command.js';
import { registerAudit } from './commands/audit.command.js';
import { registerKeys } from './commands/keys.command.js';
import { registerLifecycle } from './commands/lifecycle.command.js';
import { registerMigrate } from './commands/migrate.command.js';
import { registerPolicy } from './commands/policy.command.js';
import { registerProvision } from './commands/provision.command.js';
import { registerSchema } from './commands/schema.command.js';
import { registerSeed } from './commands/seed.command.js';
import { registerStart } from './commands/start.command.js';
import { registerSubject } from './commands/subject.command.js';
import { registerSupergraph } from './commands/supergraph.command.js';
import { registerToken } from './commands/token.command.js';

const program = new Command('koe')
  .description('Koe (声): GraphQL platform for Voice-of-Customer data with per-field PLAIN / MASKED / DENIED decisions')
  .showHelpAfterError();

registerStart(program);
registerMigrate(program);
registerSeed(program);
registerSupergraph(program);
registerSchema(program);
registerPolicy(program);
registerToken(program);
registerAccess(program);
registerAudit(program);
registerKeys(program);
registerLifecycle(program);
registerSubject(program);
registerProvision(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`koe: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
