/**
 * The trusted documents table (docs/trusted-documents.md): publish a verified manifest for a
 * client, list, revoke. Each change calls `record` in its own transaction (the caller appends the
 * audit event there: src/server/documents/document-admin.ts), so no change stands unrecorded.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ManifestEntry } from './manifest.js';

/** Who publishes or revokes, under which policy version. */
export interface DocumentActor {
  readonly id: string;
  readonly policyVersion: string;
}

/** Appends the change's audit event in the change's transaction `tx`. */
export type RecordChange = (tx: EntityManager, action: 'documents.publish' | 'documents.revoke', detail: Record<string, unknown>, at: Date) => Promise<void>;

export interface PublishResult {
  client: string;
  /** Newly published, published again after a revocation, already published with this text. */
  published: number;
  republished: number;
  unchanged: number;
}

export interface TrustedDocumentRow {
  client: string;
  hash: string;
  body: string;
  publishedBy: string;
  publishedAt: Date;
  policyVersion: string;
  revokedBy: string | null;
  revokedAt: Date | null;
}

/** Idempotent: publishing the same manifest again changes nothing and writes no event. */
export async function publishDocuments(em: EntityManager, actor: DocumentActor, client: string, entries: readonly ManifestEntry[], record: RecordChange): Promise<PublishResult> {
  return em.transactional(async (tx) => {
    const conn = tx.getConnection();
    const hashes = entries.map((e) => e.hash);
    const existing = await conn.execute<Array<{ hash: string; revoked: boolean }>>(
      `select hash, revoked_at is not null as revoked from trusted_document where client = ? and hash in (${placeholders(hashes)}) for update`,
      [client, ...hashes],
    );
    const state = new Map(existing.map((r) => [r.hash, r.revoked]));
    const fresh = entries.filter((e) => !state.has(e.hash));
    const again = entries.filter((e) => state.get(e.hash) === true);
    const result = { client, published: fresh.length, republished: again.length, unchanged: entries.length - fresh.length - again.length };
    if (fresh.length + again.length === 0) return result;
    const now = new Date();
    for (const e of fresh) {
      await conn.execute(
        `insert into trusted_document (client, hash, body, published_by, published_at, policy_version) values (?, ?, ?, ?, ?, ?)`,
        [client, e.hash, e.body, actor.id, now, actor.policyVersion],
      );
    }
    if (again.length) {
      await conn.execute(
        `update trusted_document set revoked_at = null, revoked_by = null, published_by = ?, published_at = ?, policy_version = ? where client = ? and hash in (${placeholders(again)})`,
        [actor.id, now, actor.policyVersion, client, ...again.map((e) => e.hash)],
      );
    }
    const detail = { client, published: fresh.map((e) => e.hash), republished: again.map((e) => e.hash), unchanged: result.unchanged };
    await record(tx, 'documents.publish', detail, now);
    return result;
  });
}

const placeholders = (items: readonly unknown[]) => items.map(() => '?').join(', ');

/** Revokes one document of `client`, or all its live ones; returns the hashes revoked (none: no event). */
export async function revokeDocuments(em: EntityManager, actor: DocumentActor, client: string, hash: string | null, record: RecordChange): Promise<string[]> {
  return em.transactional(async (tx) => {
    const now = new Date();
    const rows = await tx.getConnection().execute<Array<{ hash: string }>>(
      `update trusted_document set revoked_at = ?, revoked_by = ? where client = ? and revoked_at is null ${hash ? 'and hash = ?' : ''} returning hash`,
      [now, actor.id, client, ...(hash ? [hash] : [])],
    );
    const revoked = rows.map((r) => r.hash).sort();
    if (revoked.length) await record(tx, 'documents.revoke', { client, revoked }, now);
    return revoked;
  });
}

export async function listDocuments(em: EntityManager, client: string | null): Promise<TrustedDocumentRow[]> {
  const rows = await em.getConnection().execute<Array<Record<string, unknown>>>(
    `select client, hash, body, published_by, published_at, policy_version, revoked_by, revoked_at from trusted_document
      ${client ? 'where client = ?' : ''} order by client, published_at, hash`,
    client ? [client] : [],
  );
  return rows.map((r) => ({
    client: r.client as string, hash: r.hash as string, body: r.body as string, publishedBy: r.published_by as string,
    publishedAt: new Date(r.published_at as string), policyVersion: r.policy_version as string,
    revokedBy: (r.revoked_by as string | null) ?? null, revokedAt: r.revoked_at ? new Date(r.revoked_at as string) : null,
  }));
}

/** Whether `client` has a row for `hash` at all (live or revoked): revoking an unknown hash is a typo worth telling. */
export async function documentExists(em: EntityManager, client: string, hash: string): Promise<boolean> {
  const rows = await em.getConnection().execute(`select 1 from trusted_document where client = ? and hash = ?`, [client, hash]);
  return rows.length > 0;
}

/** The live text of `hash` and the clients it is published for; null when no client has it live. */
export async function liveDocument(em: EntityManager, hash: string): Promise<{ body: string; clients: string[] } | null> {
  const rows = await em.getConnection().execute<Array<{ client: string; body: string }>>(
    `select client, body from trusted_document where hash = ? and revoked_at is null order by client`,
    [hash],
  );
  return rows.length ? { body: rows[0]!.body, clients: rows.map((r) => r.client) } : null;
}
