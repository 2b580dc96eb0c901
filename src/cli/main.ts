#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
const program = new Command('koe')
  .description('Koe (声): GraphQL platform for Voice-of-Customer data with per-field PLAIN / MASKED / DENIED decisions')
  .showHelpAfterError();

/**
 * Each command's module, loaded only when it runs: loading all of them (Apollo's gateway, OpenTelemetry,
 * MikroORM, the resolvers …) took 2.7 s before any command started. `koe`, `koe help` and
 * `koe --help` load them all, to list them.
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  start: async () => (await import('./commands/start.command.js')).registerStart,
  migrate: async () => (await import('./commands/migrate.command.js')).registerMigrate,
  seed: async () => (await import('./commands/seed.command.js')).registerSeed,
  supergraph: async () => (await import('./commands/supergraph.command.js')).registerSupergraph,
  schema: async () => (await import('./commands/schema.command.js')).registerSchema,
  policy: async () => (await import('./commands/policy.command.js')).registerPolicy,
  token: async () => (await import('./commands/token.command.js')).registerToken,
  access: async () => (await import('./commands/access.command.js')).registerAccess,
  audit: async () => (await import('./commands/audit.command.js')).registerAudit,
  keys: async () => (await import('./commands/keys.command.js')).registerKeys,
  lifecycle: async () => (await import('./commands/lifecycle.command.js')).registerLifecycle,
  subject: async () => (await import('./commands/subject.command.js')).registerSubject,
  provision: async () => (await import('./commands/provision.command.js')).registerProvision,
  incident: async () => (await import('./commands/incident.command.js')).registerIncident,
  bi: async () => (await import('./commands/bi.command.js')).registerBi,
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const only = name !== undefined ? COMMANDS[name] : undefined;
  const registers = only ? [await only()] : await Promise.all(Object.values(COMMANDS).map((load) => load()));
  for (const register of registers) register(program);
  await program.parseAsync(process.argv);
}

main().catch((e: unknown) => {
  console.error(`koe: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
