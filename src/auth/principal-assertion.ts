/**
 * The gateway's signed statement of who is calling, so that a subgraph it calls can skip its own
 * principal read: one read per client request, made by the gateway. It names the principal as the
 * gateway read it (id, name, roles, team, attributes), and is bound to
 * - the request id of this call (another request's assertion is refused: no replay across requests),
 * - the credential the call carries (a digest of `Authorization`: a captured assertion is useless
 *   without the credential it came with),
 * - the policy version (a subgraph on other policy files reads the principal itself),
 * - an expiry at most MAX_TTL_MS after it was made.
 * Anything else (absent, cut, forged, stale, bound to something else) is refused, and the subgraph
 * reads the principal from the database as it would for a direct call. A disabled principal is
 * therefore refused on its next client request: the gateway reads the row on every one.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuthenticatedPrincipal } from '../request/principal.js';

export const PRINCIPAL_ASSERTION_HEADER = 'x-koe-principal';

/** How long an assertion is honoured: a subgraph fetch follows the gateway's read within milliseconds. */
export const MAX_TTL_MS = 5_000;
/** Clocks of the gateway and subgraph hosts may differ this much. */
const SKEW_MS = 1_000;
/** Far above a real principal's row; a larger header is refused before it is parsed. */
const MAX_LENGTH = 8_192;
const VERSION = 'v1';
const FORMAT = /^v1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

export interface AssertionBinding {
  requestId: string;
  /** The `Authorization` header of the call (the credential the gateway authenticated). */
  authorization: string | undefined;
  policyVersion: string;
}

interface Claims {
  sub: string;
  name: string;
  roles: string[];
  team: string | null;
  attrs: Record<string, unknown>;
  rid: string;
  cred: string;
  pv: string;
  exp: number;
}

function credentialDigest(authorization: string | undefined): string {
  return createHash('sha256').update(authorization ?? '').digest('base64url');
}

function mac(key: Uint8Array, payload: string): string {
  return createHmac('sha256', key).update(`${VERSION}.${payload}`).digest('base64url');
}

/** `key`: `derivedKey(secret, 'principalAssertion')`, never the secret itself. */
export function signPrincipalAssertion(key: Uint8Array, principal: AuthenticatedPrincipal, bound: AssertionBinding, now = Date.now(), ttlMs = MAX_TTL_MS): string {
  const claims: Claims = {
    sub: principal.id,
    name: principal.displayName,
    roles: [...principal.roles],
    team: principal.teamId,
    attrs: { ...principal.attributes },
    rid: bound.requestId,
    cred: credentialDigest(bound.authorization),
    pv: bound.policyVersion,
    exp: now + Math.min(ttlMs, MAX_TTL_MS),
  };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${VERSION}.${payload}.${mac(key, payload)}`;
}

/** The principal `presented` asserts when it is genuine, fresh and bound to this call; otherwise null. */
export function verifyPrincipalAssertion(key: Uint8Array, presented: string | undefined, bound: AssertionBinding, now = Date.now()): AuthenticatedPrincipal | null {
  if (!presented || presented.length > MAX_LENGTH) return null;
  const m = FORMAT.exec(presented);
  if (!m) return null;
  const [, payload, tag] = m as unknown as [string, string, string];
  const [got, want] = [Buffer.from(tag), Buffer.from(mac(key, payload))];
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  } catch {
    return null;
  }
  if (!wellFormed(claims)) return null;
  if (claims.exp < now || claims.exp > now + MAX_TTL_MS + SKEW_MS) return null;
  if (claims.rid !== bound.requestId || claims.pv !== bound.policyVersion) return null;
  if (claims.cred !== credentialDigest(bound.authorization)) return null;
  return { id: claims.sub, displayName: claims.name, roles: claims.roles, teamId: claims.team, attributes: claims.attrs };
}

/** A genuine tag over a wrong shape is still refused: only what `signPrincipalAssertion` writes is read. */
function wellFormed(c: Claims): boolean {
  return (
    typeof c === 'object' && c !== null &&
    typeof c.sub === 'string' && typeof c.name === 'string' &&
    Array.isArray(c.roles) && c.roles.every((r) => typeof r === 'string') &&
    (c.team === null || typeof c.team === 'string') &&
    typeof c.attrs === 'object' && c.attrs !== null && !Array.isArray(c.attrs) &&
    typeof c.rid === 'string' && typeof c.cred === 'string' && typeof c.pv === 'string' && Number.isFinite(c.exp)
  );
}
