/** `koe audit …`: verify, export, checkpoint and prune the audit trail. */
import type { Command } from 'commander';
import { registerAuditCheckpoint } from './audit/checkpoint.js';
import { registerAuditExport } from './audit/export.js';
import { registerAuditPrune } from './audit/prune.js';
import { registerAuditVerify } from './audit/verify.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('verify, export, checkpoint and prune the tamper-evident audit trail');
  registerAuditVerify(audit);
  registerAuditExport(audit);
  registerAuditCheckpoint(audit);
  registerAuditPrune(audit);
}
