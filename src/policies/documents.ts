/**
 * Trusted documents in the policy: which principals may only run published documents, named by
 * hash, and whose documents (docs/trusted-documents.md). Pure: the servers and the CLI ask it.
 */
import type { CredentialKind, DocumentLock, RoleDef } from './model.js';

/**
 * Several locks as one: the clients every lock allows (a lock naming none allows any), bound to
 * the credentials any of them binds. A lock is a restriction, so nothing here widens one.
 */
export function combineLocks(locks: readonly DocumentLock[]): DocumentLock | null {
  if (locks.length === 0) return null;
  let clients: readonly string[] | null = null;
  for (const l of locks) if (l.clients !== null) clients = clients === null ? [...l.clients] : clients.filter((c) => l.clients!.includes(c));
  const credentials = locks.some((l) => l.credentials === null) ? null : [...new Set(locks.flatMap((l) => l.credentials!))];
  return { clients, credentials };
}

/**
 * The lock binding a principal holding `roles` who authenticated with `credential`: any locked
 * role locks the principal (the roles' rules add up, so an unlocked role must not lift the lock).
 * Null: the principal may send operation text.
 */
export function documentLockOf(roles: ReadonlyMap<string, Pick<RoleDef, 'documents'>>, names: readonly string[], credential: CredentialKind): DocumentLock | null {
  const locks = names
    .map((n) => roles.get(n)?.documents)
    .filter((l): l is DocumentLock => !!l && (l.credentials === null || l.credentials.includes(credential)));
  return combineLocks(locks);
}

/** Whether a document published for the clients `publishedFor` may run under `lock`. */
export function lockAllows(lock: DocumentLock, publishedFor: readonly string[]): boolean {
  return lock.clients === null ? publishedFor.length > 0 : publishedFor.some((c) => lock.clients!.includes(c));
}
