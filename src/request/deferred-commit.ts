/**
 * An audit commit left in flight when Apollo's last hook returns, for the server's HTTP front to
 * await after Apollo has serialised the answer and before it writes or hands over a byte of it: the
 * WAL flush overlaps the serialisation instead of preceding it. The hook that starts one must run
 * in a server whose front awaits it (src/server/http.ts `settle`); a hook without that front awaits
 * its commit itself. Fail closed holds: an answer whose commit failed becomes AUDIT_UNAVAILABLE.
 */

/** Made with the request's context: Apollo hands plugins a shallow copy of it, so the holder is shared. */
export interface DeferredCommit {
  pending: Promise<boolean> | null;
}

export function deferredCommit(): DeferredCommit {
  return { pending: null };
}

/** Leaves `commit` in `holder`; a failure goes to `onError` once and settles as false. */
export function defer(holder: DeferredCommit, commit: Promise<unknown>, onError: (err: unknown) => void): void {
  holder.pending = commit.then(
    () => true,
    (err: unknown) => (onError(err), false),
  );
}

/** False when the request's deferred commit failed; true when it committed or nothing was left pending. */
export function committed(holder: DeferredCommit): Promise<boolean> {
  return holder.pending ?? Promise.resolve(true);
}
