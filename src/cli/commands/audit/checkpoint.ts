/** `koe audit checkpoint`: signs the current head of the chain with the key derived from the master key. */
import type { Command } from 'commander';
import { writeCheckpoint } from '../../../audit/checkpoint.js';
import { withAuditRuntime } from './audit-runtime.js';

export function registerAuditCheckpoint(audit: Command): void {
  audit
    .command('checkpoint')
    .description('sign a checkpoint at the head of the audit chain (HMAC with a key derived from the key ring: KOE_MASTER_KEY, else the development key file)')
    .action(async () => {
      await withAuditRuntime(async ({ rt, key }) => {
        const cp = await writeCheckpoint(rt.orm.em.fork(), key);
        console.log(cp ? `Checkpoint signed at seq ${cp.seq} (key ${cp.keyId}).` : 'The audit chain is empty; nothing to sign.');
      });
    });
}
