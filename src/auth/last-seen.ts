/**
 * `lastSeenAt` of principals and `lastUsedAt` of API keys, for access reviews. Written at most once a
 * minute per row per process (and the SQL skips rows touched in the last minute by any instance),
 * fire-and-forget: a slow or failed write never delays or fails the request it describes.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

const INTERVAL_MS = 60_000;
const MAX_TRACKED = 10_000;
/** Per database pool (the ORM's driver): a server on another database in this process has written nothing there. */
const lastWrites = new WeakMap<object, Map<string, number>>();

const SQL = {
  principal: `update "principal" set "last_seen_at" = now() where "id" = ? and ("last_seen_at" is null or "last_seen_at" < now() - interval '1 minute')`,
  api_key: `update "api_key" set "last_used_at" = now() where "id" = ? and ("last_used_at" is null or "last_used_at" < now() - interval '1 minute')`,
} as const;

export function touchLastSeen(em: EntityManager, table: keyof typeof SQL, id: string, nowMs = Date.now()): void {
  const key = `${table}:${id}`;
  const driver = em.getDriver();
  let lastWrite = lastWrites.get(driver);
  if (!lastWrite) lastWrites.set(driver, (lastWrite = new Map()));
  const previous = lastWrite.get(key);
  if (previous !== undefined && nowMs - previous < INTERVAL_MS) return;
  if (lastWrite.size >= MAX_TRACKED) lastWrite.clear(); // bounded memory; the SQL guard still throttles
  lastWrite.set(key, nowMs);
  em.getConnection()
    .execute(SQL[table], [id], 'run')
    .catch(() => lastWrite.delete(key)); // e.g. the pool closed at shutdown; try again next time
}
