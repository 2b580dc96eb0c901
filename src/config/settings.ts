/**
 * Koe's settings as the rest of the code receives them: typed, validated, frozen. Only
 * `loadConfig` (load-config.ts) turns the environment into these; everything else is handed them.
 */
import { resolve } from 'node:path';

/** Every limit a server enforces (an explicit option still wins over the configured value). */
export interface LimitSettings {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxTokens: number;
  maxCost: number;
  /** The page size a list field is costed at when no `first` is given, and the most it counts. */
  defaultPageSize: number;
  maxPageSize: number;
  maxBodyBytes: number;
  /** Per principal and minute; 0 turns the limiter off. */
  requestsPerMinute: number;
  plainReadsPerMinute: number;
  /** Refused console sign-ins per client address and minute before it answers 429; 0 turns it off. */
  signInFailuresPerMinute: number;
  /**
   * `_entities` representations in one request, all `_entities` fields together. Unset: one page
   * (`maxPageSize`) per entity type the subgraph resolves (see `representationCap`).
   */
  maxRepresentations?: number;
  /** The longest lifetime a bearer token may have (`exp` minus `iat`, and `exp` minus now), in seconds. */
  maxTokenTtlSeconds: number;
  /** Admin-only introspection, no "did you mean" hints. On under NODE_ENV=production. */
  production: boolean;
}

export type CountedLimit = Exclude<keyof LimitSettings, 'production' | 'maxRepresentations' | 'maxTokenTtlSeconds'>;

export const LIMIT_DEFAULTS: Readonly<Record<CountedLimit, number>> = {
  maxDepth: 12,
  maxAliases: 30,
  maxRootFields: 10,
  maxTokens: 2000,
  maxCost: 5000,
  defaultPageSize: 20,
  maxPageSize: 100,
  maxBodyBytes: 256 * 1024,
  requestsPerMinute: 600,
  plainReadsPerMinute: 20_000,
  signInFailuresPerMinute: 10,
};

/** A day: long enough for a working session, short enough that a leaked token dies by tomorrow. */
export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 24 * 3600;

/** Where the database is and how Koe's pool uses it. */
export interface DatabaseSettings {
  /** `DATABASE_URL`; null: a local server (tests) or the embedded one. */
  readonly url: string | null;
  /** `DATABASE_SSL`: `require` (TLS, no certificate check), `verify-full`, or null (none). */
  readonly ssl: 'require' | 'verify-full' | null;
  /** `KOE_PG_DIR`: where the embedded server keeps its data; null: under `.koe/`. */
  readonly pgDir: string | null;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
  readonly acquireTimeoutMs: number;
}

export const DATABASE_DEFAULTS = { poolMax: 10, statementTimeoutMs: 10_000, acquireTimeoutMs: 5_000 } as const;

/** Secrets as given; each null one is generated once into the development files (auth/secrets.ts). */
export interface SecretSettings {
  readonly jwtSecret: string | null;
  /** `KOE_MASTER_KEY`: one base64 key, or `<version>:<base64>,…` during a rotation (parsed by src/crypto). */
  readonly masterKey: string | null;
  readonly masterKeyFile: string | null;
  readonly pseudonymKey: string | null;
}

/** The OIDC provider whose RS256/ES256 tokens are accepted (and HS256 ones refused). */
export interface OidcSettings {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** Minimum time between JWKS fetches for an unknown `kid` (jose's cooldown); default 30 s. */
  readonly cooldownMs?: number;
}

/**
 * The console's "Sign in with SSO": the authorization code flow with PKCE against this issuer
 * (`KOE_OIDC_ISSUER`, `KOE_OIDC_CLIENT_ID`, optional `KOE_OIDC_CLIENT_SECRET` for a confidential
 * client and `KOE_OIDC_REDIRECT_URL`, required under NODE_ENV=production; in development, without it,
 * the callback is the address the gateway listens on, never the request's Host header).
 */
export interface SsoSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly redirectUrl: string | null;
}

/** The PEM files of `KOE_TLS_CERT`, `KOE_TLS_KEY` and optional `KOE_TLS_CA` (read by server/tls.ts). */
export interface TlsPaths {
  readonly cert: string;
  readonly key: string;
  readonly ca: string | null;
}

/** Unwrapped data keys and decrypted values kept in memory by field encryption. */
export interface FieldCryptoSettings {
  readonly keyCacheSize: number;
  readonly keyCacheTtlMs: number;
  readonly valueCacheSize: number;
}

export const FIELD_CRYPTO_DEFAULTS: FieldCryptoSettings = { keyCacheSize: 10_000, keyCacheTtlMs: 60_000, valueCacheSize: 20_000 };

/** `koe bi` (docs/bi.md). */
export interface BiSettings {
  /** `KOE_BI_SYNC_INTERVAL`: seconds between the syncs `koe start` runs; null: none (on demand only). */
  readonly syncIntervalSeconds: number | null;
  /** `KOE_BI_PASSWORD`: the BI login role's password; null: `koe bi grant` generates one and prints it once. */
  readonly password: string | null;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
export const DEFAULT_CHECKPOINT_EVERY = 1000;

export interface KoeConfig {
  /** `NODE_ENV=production`. */
  readonly production: boolean;
  /** `PORT` (the gateway; 0: every server on a free port); null: the default 4000. */
  readonly port: number | null;
  /** `KOE_ADMIN_PORT` (metrics and health); null: the default. */
  readonly adminPort: number | null;
  /** `LOG_LEVEL`; unset: `info`, or `silent` under vitest. */
  readonly logLevel: string;
  /** `KOE_POLICY_DIR` as given (relative to the project root); null: `policies/`. Absolute: policyDir(). */
  readonly policyDir: string | null;
  readonly database: DatabaseSettings;
  readonly secrets: SecretSettings;
  readonly oidc: OidcSettings | null;
  /** The console's SSO sign-in; null: token and API-key sign-in only. */
  readonly sso: SsoSettings | null;
  readonly tls: TlsPaths | null;
  readonly limits: Readonly<LimitSettings>;
  /** `KOE_SHUTDOWN_GRACE_MS`: how long stopping waits for in-flight requests. */
  readonly shutdownGraceMs: number;
  /** `KOE_AUDIT_CHECKPOINT_EVERY`: sign a checkpoint every N audit events (0: never). */
  readonly checkpointEvery: number;
  readonly fieldCrypto: FieldCryptoSettings;
  readonly bi: BiSettings;
  /** `KOE_EXECUTOR`: how subgraphs execute operations; null: the measured default (src/server/jit-executor.ts). */
  readonly executor: 'graphql-js' | 'graphql-jit' | null;
  /**
   * `KOE_READ_COLUMNS`: `selected` (default) reads only the columns an operation uses
   * (src/resolvers/selected-columns.ts); `all` reads every column, the escape hatch and the benchmark's baseline.
   */
  readonly readColumns: 'selected' | 'all';
  /** `KOE_CUSTOMERS_PORT`, `KOE_FEEDBACK_PORT`, `KOE_AUDIT_PORT`; null: the defaults (4001–4003), or a free port under `PORT=0`. */
  readonly subgraphPorts: Readonly<Record<ServerSubgraph, number | null>>;
  /**
   * `KOE_CUSTOMERS_URL`, `KOE_FEEDBACK_URL`, `KOE_AUDIT_URL`: where the gateway calls each subgraph
   * when they run as separate services (`koe start --only gateway`); null: on the gateway's host at the subgraph's port.
   */
  readonly subgraphUrls: Readonly<Record<ServerSubgraph, string | null>>;
  /** `KOE_WORKERS`: processes per server under `koe start` (they share the server's port); default 1. */
  readonly workers: number;
  /**
   * `KOE_TRUSTED_DOCUMENTS_TTL_MS`: how long the gateway keeps a trusted document it looked up (or
   * found missing) before asking the database again, so a publish or revoke by another process
   * binds within this time; 0 asks on every request. Default 5 s (docs/trusted-documents.md).
   */
  readonly trustedDocumentsTtlMs: number;
}

export const DEFAULT_TRUSTED_DOCUMENTS_TTL_MS = 5_000;

/** The policy directory, absolute: `configured` (KoeConfig.policyDir) against the project root, else `policies/`. */
export function policyDir(projectRoot: string, configured: string | null): string {
  return resolve(projectRoot, configured ?? 'policies');
}

/** The subgraphs by name (the same names as `SubgraphName`; config imports nothing of the request layer). */
export type ServerSubgraph = 'customers' | 'feedback' | 'audit';
