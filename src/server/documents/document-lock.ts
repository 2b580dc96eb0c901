/**
 * The policy's trusted-documents lock, enforced where the gateway builds a request's context: after
 * authentication, before Apollo parses anything. A locked principal (documentLockOf) may only name a
 * live document published for one of its allowed clients; operation text is refused with FORBIDDEN
 * without being parsed, and the refusal is audited with the principal (refusal-recorder.ts).
 * An unknown hash is left to Apollo, which answers PERSISTED_QUERY_NOT_FOUND as for anyone.
 */
import { documentLockOf, type CredentialKind, type RoleDef } from '../../policies/index.js';
import { lockAllows } from '../../policies/index.js';
import { PrincipalRefusedError } from '../../request/errors.js';
import type { AuthenticatedPrincipal } from '../../request/principal.js';
import type { SentDocument } from './sent-document.js';
import type { TrustedDocumentStore } from './trusted-document-store.js';

export interface DocumentLockDeps {
  roles: ReadonlyMap<string, Pick<RoleDef, 'documents'>>;
  store: TrustedDocumentStore;
  policyVersion: string;
}

export const credentialKindOf = (authorization: string | null | undefined): CredentialKind => (/^\s*apikey\s/i.test(authorization ?? '') ? 'apiKey' : 'token');

export async function assertDocumentAllowed(deps: DocumentLockDeps, principal: AuthenticatedPrincipal, credential: CredentialKind, sent: SentDocument): Promise<void> {
  const lock = documentLockOf(deps.roles, principal.roles, credential);
  if (!lock) return;
  const clients = lock.clients ? ` of ${lock.clients.join(', ')}` : '';
  if (sent.kind !== 'hash') {
    throw new PrincipalRefusedError(
      `Trusted documents only: the policy allows this principal only published documents${clients}, sent by hash (documentId or extensions.persistedQuery), not operation text`,
      principal, deps.policyVersion, { trustedDocumentsOnly: true },
    );
  }
  const doc = await deps.store.get(sent.hash);
  if (doc && !lockAllows(lock, doc.clients)) {
    throw new PrincipalRefusedError(
      `Trusted documents only: document sha256:${sent.hash} is not published for a client this principal may use${clients}`,
      principal, deps.policyVersion, { trustedDocumentsOnly: true },
    );
  }
}
