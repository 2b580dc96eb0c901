/**
 * `/readyz`: ready when the database answers, no migration is pending and the policy is loaded.
 * Each check reports its own reason so an operator sees which one failed.
 */
import type { MikroORM } from '@mikro-orm/postgresql';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; reason?: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

export function readinessOf(orm: MikroORM, policyLoaded: () => boolean): () => Promise<Readiness> {
  // Migrations cannot go stale while the process runs; once current, the list is not read again.
  let migrationsCurrent = false;
  return async () => {
    const checks: Readiness['checks'] = {};
    checks.database = await attempt(async () => void (await orm.em.getConnection().getKnex().raw('select 1')));
    checks.migrations = migrationsCurrent
      ? { ok: true }
      : await attempt(async () => {
          const pending = await orm.getMigrator().getPendingMigrations();
          if (pending.length) throw new Error(`pending: ${pending.map((m) => m.name).join(', ')}`);
          migrationsCurrent = true;
        });
    checks.policy = policyLoaded() ? { ok: true } : { ok: false, reason: 'no policy loaded' };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  };
}

async function attempt(fn: () => Promise<void>): Promise<{ ok: boolean; reason?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)));
    await Promise.race([fn(), timeout]);
    return { ok: true };
  } catch (e) {
    // Driver messages can carry host names, never credentials; the first line is enough.
    return { ok: false, reason: (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}
