/** `koe audit verify`: walks the whole chain and exits 1 at the first broken link or bad checkpoint. */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { writeCheckpoint } from '../../../audit/checkpoint.js';
import { verifyChain, type VerifyReport } from '../../../audit/verify.js';
import { withAuditRuntime } from './audit-runtime.js';

interface VerifyFlags {
  json?: boolean;
  progress?: boolean;
  batchSize: string;
  checkpoint?: boolean;
}

export function registerAuditVerify(audit: Command): void {
  audit
    .command('verify')
    .description('recompute every hash and link of the audit chain and check the signed checkpoints; exit 1 on any break')
    .option('--json', 'print the report as JSON on stdout')
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .option('--batch-size <n>', 'events read per query', '1000')
    .option('--checkpoint', 'after a successful verify, sign a checkpoint at the head of the chain')
    .action(async (flags: VerifyFlags) => {
      await withAuditRuntime(async ({ sql, key, rt }) => {
        const bar = flags.progress || process.stderr.isTTY ? new cliProgress.SingleBar({ stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic) : null;
        let started = false;
        const report = await verifyChain(sql, {
          key,
          batchSize: Number(flags.batchSize),
          onProgress: (done, total) => {
            if (!bar) return;
            if (!started) (bar.start(total, 0), (started = true));
            bar.update(done);
          },
        });
        bar?.stop();
        if (report.ok && flags.checkpoint) await writeCheckpoint(rt.orm.em.fork(), key);
        console.log(flags.json ? JSON.stringify(report) : describe(report));
        if (!report.ok) process.exitCode = 1;
      });
    });
}

function describe(r: VerifyReport): string {
  const range = r.firstSeq ? ` (seq ${r.firstSeq}..${r.lastSeq})` : '';
  if (r.ok) return `Audit chain intact: ${r.events} events${range}, ${r.checkpoints} signed checkpoints verified.`;
  return `Audit chain BROKEN at seq ${r.problem!.seq} [${r.problem!.kind}]: ${r.problem!.message}`;
}
