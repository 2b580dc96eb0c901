/**
 * Koe's commands: how `koe --help` lists each (its usage term and description, kept equal to what the
 * command's module registers by test/cli/command-list.test.ts) and its module, loaded only when it runs.
 * Loading them all (Apollo's gateway, OpenTelemetry, MikroORM, the resolvers …) took 2.7 s before any
 * command started; the list itself loads none.
 */
import type { Command } from 'commander';

export interface CliCommand {
  /** As commander lists it: `token [options] <principalId>`. */
  readonly term: string;
  readonly description: string;
  readonly load: () => Promise<(program: Command) => void>;
}

export const COMMANDS = {
  start: {
    term: 'start [options]',
    description: 'start the gateway and the three subgraphs (embedded PostgreSQL when DATABASE_URL is unset), migrating and seeding demo data once; each server runs in processes of its own, KOE_WORKERS (default 1) per server sharing its port',
    load: async () => (await import('./commands/start.command.js')).registerStart,
  },
  migrate: {
    term: 'migrate [options]',
    description: 'apply pending database migrations, seal any personal data still stored in plaintext, compute the piiFlags of feedback and the birth years of customers stored before them (DATABASE_URL, else the embedded PostgreSQL)',
    load: async () => (await import('./commands/migrate.command.js')).registerMigrate,
  },
  seed: {
    term: 'seed [options]',
    description: 'load the deterministic demo data set into an empty database (a database with customers is left alone)',
    load: async () => (await import('./commands/seed.command.js')).registerSeed,
  },
  supergraph: {
    term: 'supergraph [options]',
    description: 'print the supergraph SDL composed from the three subgraphs (for any Federation 2 router)',
    load: async () => (await import('./commands/supergraph.command.js')).registerSupergraph,
  },
  schema: {
    term: 'schema [options]',
    description: 'print the client-facing GraphQL schema (as the gateway exposes it), for codegen and BI tools',
    load: async () => (await import('./commands/schema.command.js')).registerSchema,
  },
  policy: {
    term: 'policy',
    description: 'check, test, explain and compare the policy files (policies/*.policy.yaml); impact replays the audit trail against a revision',
    load: async () => (await import('./commands/policy.command.js')).registerPolicy,
  },
  token: {
    term: 'token [options] <principalId>',
    description: 'mint a development bearer token for a principal (HS256 with the development secret)',
    load: async () => (await import('./commands/token.command.js')).registerToken,
  },
  access: {
    term: 'access',
    description: 'who may use Koe: grant and revoke roles, disable leavers, API keys, access reviews (each change audited)',
    load: async () => (await import('./commands/access.command.js')).registerAccess,
  },
  audit: {
    term: 'audit',
    description: 'verify, export, checkpoint and prune the tamper-evident audit trail',
    load: async () => (await import('./commands/audit.command.js')).registerAudit,
  },
  keys: {
    term: 'keys',
    description: 'key-encryption keys (KEKs) of field encryption: rotate them and see which version wraps how many data keys',
    load: async () => (await import('./commands/keys.command.js')).registerKeys,
  },
  lifecycle: {
    term: 'lifecycle',
    description: 'retention and disposal of customer data by the periods of lifecycle.policy.yaml',
    load: async () => (await import('./commands/lifecycle.command.js')).registerLifecycle,
  },
  subject: {
    term: 'subject',
    description: 'data-subject requests (APPI Art. 33–35) handled by the data protection officer',
    load: async () => (await import('./commands/subject.command.js')).registerSubject,
  },
  provision: {
    term: 'provision',
    description: 'third-party provision (APPI Art. 27–29): export under a recipient policy, with its provision record',
    load: async () => (await import('./commands/provision.command.js')).registerProvision,
  },
  incident: {
    term: 'incident',
    description: 'incidents involving personal data (APPI Art. 26): report whose data was seen, contain the credential',
    load: async () => (await import('./commands/incident.command.js')).registerIncident,
  },
  evidence: {
    term: 'evidence [options]',
    description: 'write the evidence pack for a period (HTML + JSON + signed SHA-256 manifest): reviews, grants, leavers, chain, alerts, keys, lifecycle, subject requests, provision, policy versions',
    load: async () => (await import('./commands/evidence.command.js')).registerEvidence,
  },
  documents: {
    term: 'documents',
    description: 'trusted documents: the published operations a client may send by hash (documentId) instead of text; a policy lock allows nothing else',
    load: async () => (await import('./commands/documents.command.js')).registerDocuments,
  },
  bi: {
    term: 'bi',
    description: 'a read-only PostgreSQL schema for BI tools, holding what one policy role reads through GraphQL',
    load: async () => (await import('./commands/bi.command.js')).registerBi,
  },
} satisfies Record<string, CliCommand>;

export type CommandName = keyof typeof COMMANDS;

export function isCommandName(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}
