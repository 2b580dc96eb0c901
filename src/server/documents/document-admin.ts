/**
 * Publishing and revoking trusted documents with their audit events (`koe documents`): one event
 * per change, in the change's transaction, like every admin verb (access.*, bi.sync).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents } from '../../audit/append.js';
import { auditAccessEvent, type AccessActor } from '../../auth/access-event.js';
import { publishDocuments, revokeDocuments, type ManifestEntry, type PublishResult, type RecordChange } from '../../data/documents/index.js';

const recorder = (actor: AccessActor, client: string): RecordChange => async (tx, action, detail, at) => {
  await appendAuditEvents(tx, [auditAccessEvent(actor, action, [`TrustedDocuments:${client}`], detail, at)]);
};

export function publishAudited(em: EntityManager, actor: AccessActor, client: string, entries: readonly ManifestEntry[]): Promise<PublishResult> {
  return publishDocuments(em, actor, client, entries, recorder(actor, client));
}

export function revokeAudited(em: EntityManager, actor: AccessActor, client: string, hash: string | null): Promise<string[]> {
  return revokeDocuments(em, actor, client, hash, recorder(actor, client));
}
