/**
 * `/readyz`: ready when the database answers, no migration is pending and the policy is loaded.
 * Each check reports its own reason so an operator sees which one failed. Two views: anyone
 * reaching a client port gets the short `reason` (no host, port or driver text: an address is a
 * map of the network for whoever asks), the admin port also the driver's `detail`.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { DatabaseFailure } from '../../request/errors.js';
import { databaseFailureOf } from './database-failure.js';

export interface Check {
  ok: boolean;
  /** Fixed wording, safe for anyone: `database unreachable`, `database timed out`, … */
  reason?: string;
  /** The first line of the underlying error; admin port only. */
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, Check>;
}

const CHECK_TIMEOUT_MS = 2000;

export function readinessOf(orm: MikroORM, policyLoaded: () => boolean): () => Promise<Readiness> {
  // Migrations cannot go stale while the process runs; once current, the list is not read again.
  let migrationsCurrent = false;
  return async () => {
    const checks: Readiness['checks'] = {};
    checks.database = await attempt(async () => void (await orm.em.getConnection().getKnex().raw('select 1')), databaseReason);
    checks.migrations = migrationsCurrent
      ? { ok: true }
      : await attempt(async () => {
          const pending = await orm.getMigrator().getPendingMigrations();
          if (pending.length) throw new PendingMigrations(pending.map((m) => m.name));
          migrationsCurrent = true;
        }, (e) => (e instanceof PendingMigrations ? `${e.names.length} migration(s) pending` : databaseReason(e)));
    checks.policy = policyLoaded() ? { ok: true } : { ok: false, reason: 'no policy loaded' };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  };
}

/** What a client port may show: the checks with their fixed reasons, never the detail. */
export function publicReadiness(r: Readiness): Readiness {
  const checks = Object.fromEntries(Object.entries(r.checks).map(([name, c]) => [name, c.ok ? { ok: true } : { ok: false, reason: c.reason ?? 'failed' }]));
  return { ready: r.ready, checks };
}

class PendingMigrations extends Error {
  constructor(readonly names: string[]) {
    super(`pending: ${names.join(', ')}`);
  }
}

class CheckTimeout extends Error {}

function databaseReason(e: unknown): string {
  if (e instanceof CheckTimeout || databaseFailureOf(e) === DatabaseFailure.TIMEOUT) return 'database timed out';
  return databaseFailureOf(e) ? 'database unreachable' : 'database check failed';
}

async function attempt(fn: () => Promise<void>, reasonOf: (e: unknown) => string): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CheckTimeout(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)));
    await Promise.race([fn(), timeout]);
    return { ok: true };
  } catch (e) {
    // Driver messages can carry host names, never credentials; the first line is enough.
    return { ok: false, reason: reasonOf(e), detail: (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}
