/**
 * `koe documents publish|list|revoke`: the trusted documents a client (a dashboard, a BI tool) may
 * send by hash instead of text, and a role the policy locks to them may send nothing else
 * (docs/trusted-documents.md). Publishing and revoking are audited.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ManifestError, documentExists, listDocuments, normalizeHash, verifyManifest } from '../../data/documents/index.js';
import { pendingMigrations } from '../../data/migrate.js';
import { apiSchema } from '../../server/api-schema.js';
import { publishAudited, revokeAudited } from '../../server/documents/document-admin.js';
import { openRuntime } from '../runtime.js';
import { cliActor } from './cli-actor.js';
import { cliAction, CliError, DIR_OPTION, EXIT_USAGE, loadPolicyFrom } from './policy/cli-support.js';

interface ActorFlags {
  client: string;
  actor?: string;
  dir?: string;
}

const CLIENT = /^[a-z][a-z0-9_-]{0,63}$/;
const CLIENT_OPTION = ['--client <name>', 'the client the documents belong to (a-z, 0-9, _ and -; as the policy\'s documents.clients names it)'] as const;
const ACTOR_OPTION = ['--actor <principal>', 'principal id recorded in the audit event (default: cli:<OS user>)'] as const;

export function registerDocuments(program: Command): void {
  const docs = program.command('documents').description('trusted documents: the published operations a client may send by hash (documentId) instead of text; a policy lock allows nothing else');
  docs.command('publish')
    .description('publish a persisted-documents manifest ({"sha256:<hex>": "<document>"}, as GraphQL Code Generator writes it) for a client')
    .argument('<manifest>', 'the manifest file, e.g. examples/dashboard/generated/persisted-documents.json')
    .requiredOption(...CLIENT_OPTION)
    .option(...ACTOR_OPTION)
    .option(...DIR_OPTION)
    .addHelpText(
      'after',
      '\nEvery hash must be the sha256 of its text, and every text one valid operation for the API schema (`koe schema`);' +
        '\none bad entry refuses the whole manifest (each problem is listed) and nothing is published.' +
        '\nIdempotent: documents already published for the client are left as they are; a revoked one is published again.' +
        '\nOne audit event (documents.publish) per run that changed anything. Exit codes: 0 done, 1 failed, 2 bad input.',
    )
    .action(cliAction(publish));
  docs.command('list')
    .description('list the published documents (hash, client, publisher, policy version, revocation)')
    .option('--client <name>', 'only this client\'s documents')
    .option('--json', 'print the rows as JSON, document text included')
    .action(cliAction(list));
  docs.command('revoke')
    .description('revoke one published document of a client, or all of them: requests by that hash are refused from then on')
    .argument('[hash]', 'the document\'s hash ("sha256:<hex>" or the hex); omitted: every live document of the client')
    .requiredOption(...CLIENT_OPTION)
    .option(...ACTOR_OPTION)
    .option(...DIR_OPTION)
    .addHelpText('after', '\nGateways keep a looked-up document for KOE_TRUSTED_DOCUMENTS_TTL_MS (default 5 s): a revocation binds them all within that time.')
    .action(cliAction(revoke));
}

function clientOf(name: string): string {
  if (!CLIENT.test(name)) throw new CliError(`--client ${JSON.stringify(name)}: a client name is a-z, 0-9, _ and -, starting with a letter (at most 64)`, EXIT_USAGE);
  return name;
}

async function publish(manifestPath: string, flags: ActorFlags): Promise<void> {
  const client = clientOf(flags.client);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read the manifest ${manifestPath}: ${(e as Error).message}`, EXIT_USAGE);
  }
  let entries;
  try {
    entries = verifyManifest(text, await apiSchema());
  } catch (e) {
    if (e instanceof ManifestError) throw new CliError(`${manifestPath}: ${e.message}`, EXIT_USAGE);
    throw e;
  }
  const { set } = await loadPolicyFrom(flags.dir);
  await withDatabase(async (em) => {
    const actor = await cliActor(em, flags.actor, set.version);
    const r = await publishAudited(em, actor, client, entries);
    console.log(`documents publish: ${client}: ${r.published} published, ${r.republished} published again after a revocation, ${r.unchanged} already published (${entries.length} in ${manifestPath})`);
  });
}

async function list(flags: { client?: string; json?: boolean }): Promise<void> {
  const client = flags.client === undefined ? null : clientOf(flags.client);
  await withDatabase(async (em) => {
    const rows = await listDocuments(em, client);
    if (flags.json) return void console.log(JSON.stringify(rows.map((r) => ({ ...r, hash: `sha256:${r.hash}` })), null, 2));
    if (rows.length === 0) return void console.log(client ? `no documents published for ${client}` : 'no documents published');
    for (const r of rows) {
      const state = r.revokedAt ? `revoked ${r.revokedAt.toISOString()} by ${r.revokedBy}` : 'live';
      console.log(`${r.client}\tsha256:${r.hash}\t${operationNameOf(r.body)}\tpublished ${r.publishedAt.toISOString()} by ${r.publishedBy} (policy ${r.policyVersion.slice(0, 12)})\t${state}`);
    }
  });
}

async function revoke(hashArg: string | undefined, flags: ActorFlags): Promise<void> {
  const client = clientOf(flags.client);
  const hash = hashArg === undefined ? null : normalizeHash(hashArg);
  if (hashArg !== undefined && !hash) throw new CliError(`${hashArg}: not a sha256 hash ("sha256:" and 64 hex digits, or the 64 digits alone)`, EXIT_USAGE);
  const { set } = await loadPolicyFrom(flags.dir);
  await withDatabase(async (em) => {
    if (hash && !(await documentExists(em, client, hash))) throw new CliError(`sha256:${hash} was never published for ${client} (koe documents list --client ${client})`, EXIT_USAGE);
    const actor = await cliActor(em, flags.actor, set.version);
    const revoked = await revokeAudited(em, actor, client, hash);
    console.log(revoked.length ? `documents revoke: ${client}: ${revoked.length} revoked (${revoked.map((h) => `sha256:${h.slice(0, 12)}…`).join(', ')})` : `documents revoke: ${client}: nothing live to revoke`);
  });
}

async function withDatabase(fn: (em: import('@mikro-orm/postgresql').EntityManager) => Promise<void>): Promise<void> {
  const rt = await openRuntime((l) => console.error(l));
  try {
    const pending = await pendingMigrations(rt.orm);
    if (pending.length) throw new CliError(`the database lacks ${pending.length} migration(s): run koe migrate first`);
    await fn(rt.orm.em.fork());
  } finally {
    await rt.close();
  }
}

/** The operation's name for the listing (`-` when anonymous), read without parsing. */
function operationNameOf(body: string): string {
  return /^\s*(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(body)?.[1] ?? '-';
}
