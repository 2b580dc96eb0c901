/**
 * Builds the evidence pack for a period: each section's collector in turn (progress reported per
 * section and during chain verification), then `evidence.json`, `evidence.html` and the signed
 * manifest written to the output directory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointKey } from '../checkpoint.js';
import { accessReviews, grants, leavers } from './evidence-access.js';
import { keys, lifecycle, provision, subjectRequests } from './evidence-data.js';
import { evidenceHtml } from './evidence-html.js';
import { writeManifest, type Manifest } from './evidence-manifest.js';
import type { EvidencePack, EvidenceSection } from './evidence-model.js';
import { alerts, chain, checkpoints, incidents, policyChanges, policyVersions } from './evidence-trail.js';
import type { Collector, CollectContext } from './section.js';

export const COLLECTORS: ReadonlyArray<[string, Collector]> = [
  ['access reviews', accessReviews],
  ['grants and revocations', grants],
  ['leavers', leavers],
  ['chain verification', chain],
  ['checkpoints', checkpoints],
  ['alerts', alerts],
  ['incidents', incidents],
  ['keys', keys],
  ['lifecycle', lifecycle],
  ['subject requests', subjectRequests],
  ['provision records', provision],
  ['policy versions', policyVersions],
  ['policy changes', policyChanges],
];

export interface PackOptions extends Omit<CollectContext, 'key'> {
  key: CheckpointKey;
  out: string;
  /** One line per section started. */
  onSection?: (index: number, total: number, name: string) => void;
  now?: Date;
}

export async function buildEvidencePack(opts: PackOptions): Promise<{ pack: EvidencePack; manifest: Manifest }> {
  const sections: EvidenceSection[] = [];
  for (const [i, [name, collect]] of COLLECTORS.entries()) {
    opts.onSection?.(i + 1, COLLECTORS.length, name);
    sections.push(await collect(opts));
  }
  const pack: EvidencePack = {
    from: opts.period.from.toISOString(),
    to: opts.period.to.toISOString(),
    generatedAt: (opts.now ?? new Date()).toISOString(),
    policyVersion: opts.policyVersion,
    sections,
  };
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(join(opts.out, 'evidence.json'), `${JSON.stringify(pack, null, 2)}\n`);
  writeFileSync(join(opts.out, 'evidence.html'), evidenceHtml(pack));
  const manifest = writeManifest(opts.out, ['evidence.html', 'evidence.json'], opts.key, { from: pack.from, to: pack.to, generatedAt: pack.generatedAt });
  return { pack, manifest };
}
