/**
 * `koe keys rotate`: a new KEK version (the key file grows one; with KOE_MASTER_KEY the operator
 * adds it first), every data key re-wrapped in batches, the old version retired. Rerun after a
 * crash to resume. Every run, finished or failed, is one `keys.rotate` audit event.
 */
import type { Command } from 'commander';
import { appendAuditEvents } from '../../../audit/append.js';
import { auditAccessEvent } from '../../../auth/access-event.js';
import { addKeyFileVersion } from '../../../crypto/index.js';
import { keyProviderFor, rotateKeys, RotationError, type RotationResult } from '../../../data/encryption/index.js';
import { cliActor } from '../cli-actor.js';
import { cliAction, CliError, EXIT_USAGE } from '../policy/cli-support.js';
import { progressReporter } from '../progress.js';
import { cliPolicy, openRuntime, PROJECT_ROOT } from '../../runtime.js';

interface RotateFlags {
  batch: string;
  actor?: string;
  progress?: boolean;
}

export function registerKeysRotate(keys: Command): void {
  keys
    .command('rotate')
    .description(
      'add a new KEK version, re-wrap every data key with it in batches and retire the old version; ' +
        'resumes an interrupted rotation; with KOE_MASTER_KEY add the new version ("2:<b64>,1:<b64>") first',
    )
    .option('--batch <n>', 'data keys re-wrapped per transaction', '500')
    .option('--actor <principal>', 'principal id recorded in the audit event (default: cli:<OS user>)')
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .addHelpText('after', '\nExit codes: 0 rotated (or resumed and finished), 1 failed (rerun to resume), 2 bad input.')
    .action(cliAction(rotate));
}

async function rotate(flags: RotateFlags): Promise<void> {
  const batchSize = Number(flags.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new CliError(`--batch must be a positive integer (got "${flags.batch}")`, EXIT_USAGE);
  const rt = await openRuntime((l) => console.error(l));
  try {
    const em = rt.orm.em.fork();
    const actor = await cliActor(em, flags.actor, (await cliPolicy()).version);
    const { provider, source } = rt.keyRing();
    const progress = progressReporter(flags.progress ?? false, 're-wrapping', 'keys');
    const started = Date.now();
    let result: RotationResult;
    try {
      result = await rotateKeys(em, provider, {
        batchSize,
        onProgress: progress.update,
        // Only the key file can grow a version here; KOE_MASTER_KEY is the operator's to change.
        addVersion:
          source.kind === 'file' && source.file
            ? () => {
                addKeyFileVersion(source.file!);
                return keyProviderFor(PROJECT_ROOT, rt.config.secrets, rt.secrets.masterKey).provider;
              }
            : undefined,
      });
    } catch (e) {
      progress.stop();
      const message = e instanceof Error ? e.message : String(e);
      // A rotation that could not start changed nothing; one that failed midway is recorded.
      if (!(e instanceof RotationError)) await appendAuditEvents(em, [{ ...auditAccessEvent(actor, 'keys.rotate', [], { error: message }), outcome: 'error' }]);
      throw new CliError(`keys rotate: ${message}`);
    }
    progress.stop();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const { from, to, rewrapped, retired, resumed } = result;
    await appendAuditEvents(em, [auditAccessEvent(actor, 'keys.rotate', [], { from, to, rewrapped, retired, resumed })]);
    console.log(
      `${resumed ? 'Resumed rotation' : 'Rotated'}: ${rewrapped} keys re-wrapped from version ${from.join(', ')} to ${to} in ${seconds} s; ` +
        (retired.length ? `retired version ${retired.join(', ')}.` : 'nothing retired yet (some keys were busy): run koe keys rotate again.'),
    );
    if (source.kind === 'env' && retired.length) console.log(`Version ${retired.join(', ')} may now be removed from KOE_MASTER_KEY.`);
  } finally {
    await rt.close();
  }
}
