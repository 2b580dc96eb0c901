/**
 * Keeps each policy version's content the first time Koe runs under it, so the evidence pack can
 * diff the versions in force in a period (the trail records only their hashes). One indexed read at
 * start-up; the matrix is compiled and the row written only for a version not seen before.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { matrix, type DecisionMatrix, type PolicySet } from '../policies/index.js';
import type { Sql } from './chain-reader.js';

export interface PolicyVersionRecord {
  version: string;
  files: Array<{ name: string; text: string }>;
  matrix: DecisionMatrix;
  firstSeenAt: Date;
  gitCommit: string | null;
}

/** HEAD of the checkout holding the policy directory; null when it is not one (or git is absent). */
async function gitCommit(dir: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['-C', dir, 'rev-parse', 'HEAD'], { timeout: 2000 });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** Returns true when this call wrote the version (false: it was already recorded). */
export async function recordPolicyVersion(sql: Sql, set: PolicySet): Promise<boolean> {
  const seen = await sql('select 1 from policy_version_record where version = ?', [set.version]);
  if (seen.length > 0) return false;
  const files = set.sources.map((s) => ({ name: s.name, text: s.text }));
  const written = await sql(
    `insert into policy_version_record (version, files, matrix, git_commit) values (?, ?::jsonb, ?::jsonb, ?)
      on conflict (version) do nothing returning version`,
    [set.version, JSON.stringify(files), JSON.stringify(matrix(set, set.catalog)), await gitCommit(set.dir)],
  );
  return written.length > 0;
}

/** The recorded content of these versions; a version missing from the result was never recorded. */
export async function recordedPolicyVersions(sql: Sql, versions: readonly string[]): Promise<Map<string, PolicyVersionRecord>> {
  if (versions.length === 0) return new Map();
  const rows = await sql<{ version: string; files: unknown; matrix: unknown; first_seen_at: Date | string; git_commit: string | null }>(
    `select version, files, matrix, first_seen_at, git_commit from policy_version_record where version in (${versions.map(() => '?').join(', ')})`,
    [...versions],
  );
  const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  return new Map(rows.map((r) => [r.version, { version: r.version, files: json(r.files), matrix: json(r.matrix), firstSeenAt: new Date(r.first_seen_at), gitCommit: r.git_commit }]));
}
