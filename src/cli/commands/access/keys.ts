/** `koe access create-key|revoke-key|keys`: API keys for BI tools and ingestion. */
import type { Command } from 'commander';
import { createApiKey, listApiKeys, parseDuration, revokeApiKey } from '../../../auth/api-key-admin.js';
import { fmtDate, withAccessSession } from './session.js';
import { printTable } from './table.js';

export function registerAccessKeys(access: Command): void {
  access
    .command('create-key <principal>')
    .description('create an API key (Authorization: ApiKey <key>); the key is printed once and only its hash is stored')
    .requiredOption('--actor <principal>', 'principal id of whoever creates the key; recorded in the audit trail')
    .option('--name <name>', 'a name unique per principal, e.g. the tool using it', 'default')
    .option('--expires-in <duration>', 'lifetime: 90d, 12h, 30m; "never" for none', '90d')
    .action(async (principal: string, opts: { actor: string; name: string; expiresIn: string }) => {
      const expiresAt = opts.expiresIn === 'never' ? null : new Date(Date.now() + parseDuration(opts.expiresIn));
      await withAccessSession(async (s) => {
        const { key, row } = await createApiKey(s.em, { principalId: principal, name: opts.name, expiresAt }, await s.actor(opts.actor));
        console.log(key);
        console.error(`key ${row.id} (prefix ${row.prefix}) for ${principal}, expires ${fmtDate(row.expiresAt)}. Store it now: it cannot be shown again.`);
      });
    });
  access
    .command('revoke-key <key>')
    .description('revoke an API key by id or by its 8-character prefix; refused from the next request')
    .requiredOption('--actor <principal>', 'principal id of whoever revokes the key; recorded in the audit trail')
    .action(async (key: string, opts: { actor: string }) => {
      await withAccessSession(async (s) => {
        const row = await revokeApiKey(s.em, key, await s.actor(opts.actor));
        console.log(`revoked key ${row.id} (prefix ${row.prefix}) of ${row.principalId} at ${fmtDate(row.revokedAt)}`);
      });
    });
  access
    .command('keys [principal]')
    .description('list API keys (never the secret) with their last use')
    .action(async (principal: string | undefined) => {
      await withAccessSession(async (s) => {
        const rows = await listApiKeys(s.em, principal);
        const table = rows.map((k) => [k.prefix, k.principalId, k.name, fmtDate(k.createdAt), fmtDate(k.expiresAt), k.revokedAt ? `revoked ${fmtDate(k.revokedAt)}` : 'active', fmtDate(k.lastUsedAt), k.id]);
        printTable(['prefix', 'principal', 'name', 'created', 'expires', 'state', 'last used', 'id'], table);
      });
    });
}
