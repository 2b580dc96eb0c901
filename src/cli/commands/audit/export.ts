/** `koe audit export`: events as JSON lines for a SIEM, streamed batch by batch. */
import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { exportEvents } from '../../../audit/export.js';
import { withAuditRuntime } from './audit-runtime.js';

interface ExportFlags {
  since: string;
  until?: string;
  format: string;
  out?: string;
  batchSize: string;
}

function isoDate(flag: string, value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new Error(`${flag} must be an ISO date or time, e.g. 2026-11-01T00:00:00Z (got "${value}")`);
  return d;
}

export function registerAuditExport(audit: Command): void {
  audit
    .command('export')
    .description('stream audit events in seq order as JSON lines (stdout, or --out file)')
    .requiredOption('--since <iso>', 'first event time to include (inclusive)')
    .option('--until <iso>', 'end of the time range (exclusive)')
    .option('--format <format>', 'output format; only jsonl', 'jsonl')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--batch-size <n>', 'events read per query', '1000')
    .action(async (flags: ExportFlags) => {
      if (flags.format !== 'jsonl') throw new Error(`--format must be jsonl (got "${flags.format}")`);
      const since = isoDate('--since', flags.since);
      const until = flags.until ? isoDate('--until', flags.until) : undefined;
      const out: Writable = flags.out ? createWriteStream(flags.out) : process.stdout;
      const write = async (line: string) => {
        if (!out.write(line)) await once(out, 'drain');
      };
      const n = await withAuditRuntime(({ sql }) => exportEvents(sql, { since, until, batchSize: Number(flags.batchSize) }, write));
      if (flags.out) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      console.error(`Exported ${n} audit events.`);
    });
}
