/**
 * One secret, many keys: every use of a secret gets its own key, derived with HKDF-SHA256 under a
 * label naming that use, so a key that leaks from one use (a cursor MAC, a rate-limit proof, a
 * principal assertion) opens nothing else, and no use can be made to verify another's tags.
 * Labels are fixed forever once shipped: changing one invalidates what was signed under it.
 */
import { hkdfSync } from 'node:crypto';

export const KEY_PURPOSES = {
  /** Signed pagination cursors (from the JWT secret, as since the first build). */
  cursor: 'koe cursor signing v1',
  /** The gateway's proof to a subgraph that it already counted a request against the rate limits. */
  gatewayProof: 'koe gateway proof v1',
  /** The gateway's signed statement of who is calling, so a subgraph can skip its principal read. */
  principalAssertion: 'koe principal assertion v1',
  /** A subgraph's audit event handed to the gateway in its response, for the gateway to append. */
  auditHandoff: 'koe audit handoff v1',
  /** The console's session cookie. */
  consoleSession: 'koe console session v1',
  /** The one-minute bearer token the console's session lends a `/graphql` request (any JWT mode). */
  consoleBearer: 'koe console bearer v1',
  /** The console's SSO sign-in in flight: state, nonce and PKCE verifier, kept in a cookie. */
  consoleSso: 'koe console sso v1',
} as const;

export type KeyPurpose = keyof typeof KEY_PURPOSES;

export function derivedKey(secret: Uint8Array | string, purpose: KeyPurpose, bytes = 32): Buffer {
  const ikm = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  return Buffer.from(hkdfSync('sha256', ikm, new Uint8Array(0), KEY_PURPOSES[purpose], bytes));
}
