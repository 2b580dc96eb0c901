/**
 * Credentials to principal. A bearer token or an API key only names the principal: roles, team and
 * status are read from the database on every request (no cache), so a disable, a revoked role or a
 * team change applies to the very next request on every instance. The same read ends a console
 * session its principal signed out of (`console_signed_out_at`, src/server/console/console-session.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PrincipalEntity } from '../data/entities/index.js';
import { UnauthenticatedError } from '../request/errors.js';
import { verifyApiKey } from './api-key.js';
import { verifyBearer } from './jwt.js';
import { touchLastSeen } from './last-seen.js';
import type { OidcConfig } from './oidc.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import type { AuthenticatedPrincipal } from '../request/principal.js';

export interface AuthenticateOptions {
  jwtSecret: Uint8Array;
  /** The OIDC provider (the configuration's, resolved at start-up); null: HS256 tokens with `jwtSecret`. */
  oidc: OidcConfig | null;
  /** The longest bearer-token lifetime accepted, in seconds (`KOE_MAX_TOKEN_TTL`; default 24 h). */
  maxTokenTtlSeconds?: number;
  /** Tokens verified before (issue 16); default the process's own, null: verify every time (benchmarks, tests). */
  tokenCache?: VerifiedTokenCache | null;
  now?: Date;
}

/**
 * One per process, shared by the gateway and the subgraphs in it (as the JWKS in oidc.ts is): its
 * keys bind the verification settings, so servers with different secrets never share an entry.
 */
const processTokenCache = new VerifiedTokenCache();

/** Who the credential names; `sessionAt` (ms) when it is a console session's token. */
interface Named {
  id: string;
  sessionAt: number | null;
}

async function principalIdOf(authorization: string | undefined, em: EntityManager, opts: AuthenticateOptions, now: Date): Promise<Named> {
  if (!authorization) throw new UnauthenticatedError('no credentials; send "Authorization: Bearer <token>" or "Authorization: ApiKey <key>"');
  const match = /^(Bearer|ApiKey)\s+(\S+)$/i.exec(authorization.trim());
  if (!match) throw new UnauthenticatedError('unsupported authorization scheme');
  if (match[1]!.toLowerCase() === 'apikey') {
    const verified = await verifyApiKey(em, match[2]!, now);
    if ('error' in verified) throw new UnauthenticatedError(verified.error, verified.claimedPrincipalId ?? null);
    touchLastSeen(em, 'api_key', verified.keyId);
    return { id: verified.principalId, sessionAt: null };
  }
  const keys = { secret: opts.jwtSecret, oidc: opts.oidc, ...(opts.maxTokenTtlSeconds ? { maxTtlSeconds: opts.maxTokenTtlSeconds } : {}) };
  const verified = await verifyBearer(match[2]!, keys, now.getTime(), opts.tokenCache === undefined ? processTokenCache : opts.tokenCache);
  if ('error' in verified) throw new UnauthenticatedError(verified.error, verified.claimedSub ?? null);
  return { id: verified.sub, sessionAt: verified.sessionAt ?? null };
}

export async function authenticate(
  authorization: string | undefined,
  em: EntityManager,
  opts: AuthenticateOptions,
): Promise<AuthenticatedPrincipal> {
  const now = opts.now ?? new Date();
  const { id, sessionAt } = await principalIdOf(authorization, em, opts, now);
  // Plain SQL, not the identity map: a fork reused across calls must still see the row as it is now,
  // and this runs on every request (an entity costs more than the statement).
  const [row] = await em.getConnection().execute<PrincipalRow[]>(PRINCIPAL_SQL, [now, sessionAt, sessionAt, id]);
  // One message for unknown, disabled and expired: the caller learns nothing about which. The
  // credential itself was genuine, so the audit keeps the id it named (a leaver's attempts).
  if (!row || row.status !== 'active' || row.expired) {
    throw new UnauthenticatedError('unknown or disabled principal', id);
  }
  if (row.signed_out) throw new UnauthenticatedError('the console session has ended: sign in again', id);
  touchLastSeen(em, 'principal', row.id);
  return {
    id: row.id,
    displayName: row.display_name,
    roles: row.roles,
    teamId: row.team_id,
    attributes: row.attributes,
  };
}

const PRINCIPAL_SQL = `select id, display_name, roles, team_id, attributes, status,
  (expires_at is not null and expires_at <= ?::timestamptz) as expired,
  (?::float8 is not null and console_signed_out_at >= to_timestamp(?::float8 / 1000)) is true as signed_out
  from principal where id = ?`;

interface PrincipalRow {
  id: string;
  display_name: string;
  roles: string[];
  team_id: string | null;
  attributes: PrincipalEntity['attributes'];
  status: string;
  expired: boolean;
  signed_out: boolean;
}
