/**
 * Refused console sign-ins per client address, counted in the rate-limit table every instance
 * shares (src/server/limits/rate-limit.store.ts, one row per key and minute), so guessing tokens
 * or API keys from one address stops after a few tries a minute. Only failures count: a person who
 * signs in and out all day is never held up.
 */
import type { RateLimitStore } from '../limits/rate-limit.store.js';

export class SignInLimiter {
  constructor(
    private readonly store: RateLimitStore,
    private readonly maxFailuresPerMinute: number,
  ) {}

  /** Seconds to wait when this address has used up its failures this minute; null when it may try. */
  async retryAfter(address: string | null): Promise<number | null> {
    if (!this.maxFailuresPerMinute) return null;
    const t = await this.store.add(keyOf(address), 0, 0);
    return t.requests >= this.maxFailuresPerMinute ? t.retryAfter : null;
  }

  async failed(address: string | null): Promise<void> {
    if (this.maxFailuresPerMinute) await this.store.add(keyOf(address), 1, 0);
  }
}

/** Not a principal id: those never contain a space. */
const keyOf = (address: string | null) => `sign-in ${address ?? 'unknown'}`;
