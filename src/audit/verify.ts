/**
 * Verifies the audit chain end to end: every event's hash is recomputed from its content and
 * `prevHash`, every link and sequence number is checked, and every checkpoint must carry a valid
 * signature and match the chain's hash at its position. Stops at the first problem and names its
 * sequence number. A chain pruned by `koe_audit_prune` must start right after a signed checkpoint.
 */
import { eventHash } from './canonical.js';
import { chainBounds, checkpointsBetween, eventBatches, type Sql } from './chain-reader.js';
import { checkpointSignatureValid, type Checkpoint, type CheckpointKey } from './checkpoint.js';
import { GENESIS_HASH, type ChainedAuditEvent } from './event.js';

export type ProblemKind = 'start' | 'gap' | 'link' | 'hash' | 'checkpoint-signature' | 'checkpoint-key' | 'checkpoint-hash' | 'checkpoint-beyond-head';

export interface VerifyProblem {
  seq: string;
  kind: ProblemKind;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  checkpoints: number;
  firstSeq: string | null;
  lastSeq: string | null;
  /** False when no key was given: checkpoints were matched against the chain but not authenticated. */
  signaturesChecked: boolean;
  problem: VerifyProblem | null;
}

export interface VerifyOptions {
  key?: CheckpointKey | null;
  batchSize?: number;
  /** Called after each batch with events seen and the expected total. */
  onProgress?: (done: number, total: number) => void;
}

class Broken extends Error {
  constructor(readonly problem: VerifyProblem) {
    super(problem.message);
  }
}

export async function verifyChain(sql: Sql, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const key = opts.key ?? null;
  const report: VerifyReport = { ok: true, events: 0, checkpoints: 0, firstSeq: null, lastSeq: null, signaturesChecked: key !== null, problem: null };
  const fail = (seq: string, kind: ProblemKind, message: string): never => {
    throw new Broken({ seq, kind, message });
  };
  const checkSignature = (cp: Checkpoint) => {
    report.checkpoints += 1;
    if (!key) return;
    if (cp.keyId !== key.id) fail(cp.seq, 'checkpoint-key', `checkpoint at seq ${cp.seq} was signed with key ${cp.keyId}, not the current key ${key.id}`);
    if (!checkpointSignatureValid(key, cp)) fail(cp.seq, 'checkpoint-signature', `checkpoint at seq ${cp.seq} has an invalid signature: it was forged or altered`);
  };
  try {
    const bounds = await chainBounds(sql);
    const total = bounds ? Number(BigInt(bounds.last) - BigInt(bounds.first) + 1n) : 0;
    let prev: Pick<ChainedAuditEvent, 'seq' | 'hash'> | null = null;
    for await (const batch of eventBatches(sql, { batchSize: opts.batchSize })) {
      const from = prev?.seq ?? '0';
      const checkpoints = await checkpointsBetween(sql, from, batch[batch.length - 1]!.seq);
      const bySeq = new Map(checkpoints.map((c) => [c.seq, c]));
      for (const cp of checkpoints) checkSignature(cp);
      for (const e of batch) {
        if (prev === null) {
          report.firstSeq = e.seq;
          if (e.seq === '1') {
            if (e.prevHash !== GENESIS_HASH) fail(e.seq, 'link', `seq 1 does not start from the genesis hash`);
          } else {
            // Pruned below here: the previous position must be vouched for by a signed checkpoint.
            const anchor = bySeq.get((BigInt(e.seq) - 1n).toString());
            if (!anchor) fail(e.seq, 'start', `the chain starts at seq ${e.seq} without a checkpoint at seq ${BigInt(e.seq) - 1n}: events before it were removed outside koe_audit_prune`);
            else if (anchor.hash !== e.prevHash) fail(e.seq, 'link', `seq ${e.seq}: prevHash does not match the checkpoint at seq ${anchor.seq}`);
          }
        } else {
          if (BigInt(e.seq) !== BigInt(prev.seq) + 1n) fail(e.seq, 'gap', `events between seq ${prev.seq} and ${e.seq} are missing (deleted)`);
          if (e.prevHash !== prev.hash) fail(e.seq, 'link', `seq ${e.seq}: prevHash does not match the hash of seq ${prev.seq}`);
        }
        if (eventHash(e.seq, e, e.prevHash) !== e.hash) fail(e.seq, 'hash', `seq ${e.seq}: content does not match its hash (the row was edited)`);
        const cp = bySeq.get(e.seq);
        if (cp && cp.hash !== e.hash) fail(e.seq, 'checkpoint-hash', `seq ${e.seq}: the chain differs from the signed checkpoint here: rewritten at or before this event`);
        prev = e;
        report.events += 1;
      }
      opts.onProgress?.(report.events, total);
    }
    report.lastSeq = prev?.seq ?? null;
    // A checkpoint past the head means the newest events were deleted.
    for (const cp of await checkpointsBetween(sql, prev?.seq ?? '0')) {
      checkSignature(cp);
      fail(cp.seq, 'checkpoint-beyond-head', `a checkpoint exists at seq ${cp.seq} but the chain ends at seq ${prev?.seq ?? 'nothing'}: events were deleted`);
    }
  } catch (e) {
    if (!(e instanceof Broken)) throw e;
    report.ok = false;
    report.problem = e.problem;
  }
  return report;
}
