/**
 * Bearer tokens already verified in this process (issue 16): a token is checked by signature once,
 * then found by the SHA-256 of its text. What is kept is only what verification concluded (the
 * subject), never a refusal; an entry lives until the token's `exp` and never beyond (nor beyond
 * `maxAgeMs`, so a key withdrawn from the provider's JWKS stops counting within minutes), and the
 * least recently used goes first past `maxEntries`. The key also binds the verification settings
 * (secret, provider, maximum lifetime), so a token verified under one deployment's keys means
 * nothing under another's in the same process. Only the signature check is saved: the principal is
 * still read on every request (authenticate.ts), so a disabled principal's token fails at once.
 */
import { createHash } from 'node:crypto';
import { Lru } from '../policies/lru.js';

interface Entry {
  sub: string;
  /** Valid until, ms: the token's `exp`, or sooner. */
  until: number;
}

export interface VerifiedTokenCacheOptions {
  maxEntries?: number;
  maxAgeMs?: number;
}

export class VerifiedTokenCache {
  private readonly entries: Lru<string, Entry>;
  private readonly maxAgeMs: number;

  constructor(opts: VerifiedTokenCacheOptions = {}) {
    this.entries = new Lru(opts.maxEntries ?? 10_000);
    this.maxAgeMs = opts.maxAgeMs ?? 5 * 60_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The subject of a token verified before under `settings`, while its entry is valid at `nowMs`. */
  get(settings: string, token: string, nowMs: number): string | null {
    const hit = this.entries.get(keyOf(settings, token));
    return hit && nowMs < hit.until ? hit.sub : null;
  }

  /** Records a token just verified; `expSeconds` is its `exp` claim. */
  set(settings: string, token: string, sub: string, expSeconds: number, nowMs: number): void {
    const until = Math.min(expSeconds * 1000, nowMs + this.maxAgeMs);
    if (until > nowMs) this.entries.set(keyOf(settings, token), { sub, until });
  }
}

const keyOf = (settings: string, token: string) => createHash('sha256').update(settings).update('\0').update(token).digest('base64url');
