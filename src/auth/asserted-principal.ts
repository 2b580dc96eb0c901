/** A subgraph's reading of the gateway's principal assertion (src/auth/principal-assertion.ts) on one call. */
import { derivedKey } from '../crypto/derive.js';
import type { RequestHead, RequestMeta } from '../request/meta.js';
import type { AuthenticatedPrincipal } from '../request/principal.js';
import { PRINCIPAL_ASSERTION_HEADER, verifyPrincipalAssertion } from './principal-assertion.js';

/** `secret`: the JWT secret both the gateway and the subgraphs hold; only a key derived for this purpose signs. */
export function assertedPrincipal(secret: Uint8Array, policyVersion: string): (req: RequestHead, meta: RequestMeta) => AuthenticatedPrincipal | null {
  const key = derivedKey(secret, 'principalAssertion');
  return (req, meta) => {
    const header = req.headers[PRINCIPAL_ASSERTION_HEADER];
    const presented = Array.isArray(header) ? undefined : header;
    return verifyPrincipalAssertion(key, presented, { requestId: meta.requestId, authorization: meta.authorization, policyVersion });
  };
}
