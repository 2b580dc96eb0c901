/**
 * The environment, read once at start-up. Every problem is collected and reported together, each
 * naming the variable, what is wrong with its value and what is accepted, so an operator fixes
 * them in one go; nothing is read from the environment again while Koe runs.
 */
import {
  DATABASE_DEFAULTS,
  DEFAULT_CHECKPOINT_EVERY,
  DEFAULT_MAX_TOKEN_TTL_SECONDS,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_TRUSTED_DOCUMENTS_TTL_MS,
  FIELD_CRYPTO_DEFAULTS,
  LIMIT_DEFAULTS,
  type CountedLimit,
  type DatabaseSettings,
  type KoeConfig,
  type LimitSettings,
  type OidcSettings,
  type SsoSettings,
  type TlsPaths,
} from './settings.js';

export type Env = Readonly<Record<string, string | undefined>>;

const LIMIT_ENV: Record<CountedLimit, string> = {
  maxDepth: 'KOE_MAX_DEPTH',
  maxAliases: 'KOE_MAX_ALIASES',
  maxRootFields: 'KOE_MAX_ROOT_FIELDS',
  maxTokens: 'KOE_MAX_TOKENS',
  maxCost: 'KOE_MAX_COST',
  defaultPageSize: 'KOE_DEFAULT_PAGE_SIZE',
  maxPageSize: 'KOE_MAX_PAGE_SIZE',
  maxBodyBytes: 'KOE_MAX_BODY_BYTES',
  requestsPerMinute: 'KOE_RATE_LIMIT_REQUESTS',
  plainReadsPerMinute: 'KOE_RATE_LIMIT_PLAIN_READS',
  signInFailuresPerMinute: 'KOE_SIGN_IN_FAILURES_PER_MINUTE',
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Koe's configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Throws a ConfigError listing every problem; the settings are frozen, down to their parts. */
export function loadConfig(env: Env = process.env): KoeConfig {
  const read = new Reader(env);
  const production = read.text('NODE_ENV') === 'production';
  const config: KoeConfig = {
    production,
    port: read.port('PORT'),
    adminPort: read.port('KOE_ADMIN_PORT'),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS) ?? (env.VITEST ? 'silent' : 'info'),
    policyDir: read.text('KOE_POLICY_DIR'),
    database: database(read),
    secrets: {
      jwtSecret: read.secret('KOE_JWT_SECRET'),
      masterKey: read.secret('KOE_MASTER_KEY'),
      masterKeyFile: read.text('KOE_MASTER_KEY_FILE'),
      pseudonymKey: read.secret('KOE_PSEUDONYM_KEY'),
    },
    oidc: oidc(read),
    sso: sso(read, production),
    tls: tls(read),
    limits: limits(read, production),
    shutdownGraceMs: read.whole('KOE_SHUTDOWN_GRACE_MS') ?? DEFAULT_SHUTDOWN_GRACE_MS,
    checkpointEvery: read.whole('KOE_AUDIT_CHECKPOINT_EVERY') ?? DEFAULT_CHECKPOINT_EVERY,
    bi: {
      syncIntervalSeconds: read.whole('KOE_BI_SYNC_INTERVAL', 1),
      password: read.secret('KOE_BI_PASSWORD'),
    },
    executor: read.oneOf('KOE_EXECUTOR', ['graphql-js', 'graphql-jit']) as KoeConfig['executor'],
    readColumns: (read.oneOf('KOE_READ_COLUMNS', ['selected', 'all']) as KoeConfig['readColumns'] | null) ?? 'selected',
    subgraphPorts: { customers: read.port('KOE_CUSTOMERS_PORT'), feedback: read.port('KOE_FEEDBACK_PORT'), audit: read.port('KOE_AUDIT_PORT') },
    subgraphUrls: { customers: read.httpUrl('KOE_CUSTOMERS_URL'), feedback: read.httpUrl('KOE_FEEDBACK_URL'), audit: read.httpUrl('KOE_AUDIT_URL') },
    workers: read.whole('KOE_WORKERS', 1) ?? 1,
    trustedDocumentsTtlMs: read.whole('KOE_TRUSTED_DOCUMENTS_TTL_MS') ?? DEFAULT_TRUSTED_DOCUMENTS_TTL_MS,
    fieldCrypto: {
      keyCacheSize: read.whole('KOE_KEY_CACHE_SIZE', 1) ?? FIELD_CRYPTO_DEFAULTS.keyCacheSize,
      keyCacheTtlMs: read.whole('KOE_KEY_CACHE_TTL_MS', 1) ?? FIELD_CRYPTO_DEFAULTS.keyCacheTtlMs,
      valueCacheSize: read.whole('KOE_VALUE_CACHE_SIZE', 1) ?? FIELD_CRYPTO_DEFAULTS.valueCacheSize,
    },
  };
  if (read.problems.length) throw new ConfigError(read.problems);
  return deepFreeze(config);
}

function database(read: Reader): DatabaseSettings {
  const url = read.text('DATABASE_URL');
  if (url !== null && !/^postgres(ql)?:\/\/./.test(url)) read.problem('DATABASE_URL', url, 'is not a PostgreSQL URL: use postgres://user@host:5432/database');
  const ssl = read.oneOf('DATABASE_SSL', ['require', 'verify-full', 'disable'], { lowerCase: true });
  const poolMax = read.whole('KOE_DB_POOL_MAX', 1) ?? DATABASE_DEFAULTS.poolMax;
  return {
    url,
    ssl: ssl === 'disable' ? null : (ssl as DatabaseSettings['ssl']),
    pgDir: read.text('KOE_PG_DIR'),
    poolMax,
    statementTimeoutMs: read.whole('KOE_DB_STATEMENT_TIMEOUT_MS') ?? DATABASE_DEFAULTS.statementTimeoutMs,
    acquireTimeoutMs: read.whole('KOE_DB_ACQUIRE_TIMEOUT_MS') ?? DATABASE_DEFAULTS.acquireTimeoutMs,
  };
}

function oidc(read: Reader): OidcSettings | null {
  const jwksUrl = read.text('KOE_JWKS_URL');
  const issuer = read.text('KOE_JWT_ISSUER');
  const audience = read.text('KOE_JWT_AUDIENCE');
  const cooldown = read.number('KOE_JWKS_COOLDOWN_SECONDS');
  if (jwksUrl === null) {
    // Half an OIDC set-up would silently leave HS256 development tokens working.
    for (const [name, value] of [['KOE_JWT_ISSUER', issuer], ['KOE_JWT_AUDIENCE', audience]] as const) {
      if (value !== null) read.problem(name, value, 'is set but KOE_JWKS_URL is not: set KOE_JWKS_URL to the provider\'s JWKS, or unset it');
    }
    return null;
  }
  if (!/^https?:$/.test(urlProtocol(jwksUrl))) read.problem('KOE_JWKS_URL', jwksUrl, 'is not an http(s) URL: use the provider\'s JWKS address, e.g. https://idp.example.com/.well-known/jwks.json');
  // Without both, any token the provider issues for any application would be accepted.
  if (issuer === null || audience === null) {
    const missing = [issuer === null ? 'KOE_JWT_ISSUER' : null, audience === null ? 'KOE_JWT_AUDIENCE' : null].filter(Boolean).join(' and ');
    read.problems.push(`KOE_JWKS_URL needs KOE_JWT_ISSUER and KOE_JWT_AUDIENCE as well (${missing} unset): tokens are accepted only for Koe's issuer and audience`);
    return null;
  }
  return { jwksUrl, issuer, audience, ...(cooldown !== null ? { cooldownMs: cooldown * 1000 } : {}) };
}

function sso(read: Reader, production: boolean): SsoSettings | null {
  const issuer = read.text('KOE_OIDC_ISSUER');
  const clientId = read.text('KOE_OIDC_CLIENT_ID');
  const clientSecret = read.secret('KOE_OIDC_CLIENT_SECRET');
  const redirectUrl = read.text('KOE_OIDC_REDIRECT_URL');
  if (issuer === null && clientId === null) {
    for (const [name, value] of [['KOE_OIDC_CLIENT_SECRET', clientSecret], ['KOE_OIDC_REDIRECT_URL', redirectUrl]] as const) {
      if (value !== null) read.problem(name, name === 'KOE_OIDC_CLIENT_SECRET' ? '(hidden)' : value, 'is set but KOE_OIDC_ISSUER and KOE_OIDC_CLIENT_ID are not: set both for SSO sign-in, or unset it');
    }
    return null;
  }
  if (issuer === null || clientId === null) {
    read.problems.push(`SSO sign-in needs both KOE_OIDC_ISSUER and KOE_OIDC_CLIENT_ID (${issuer === null ? 'KOE_OIDC_ISSUER' : 'KOE_OIDC_CLIENT_ID'} unset)`);
    return null;
  }
  if (!/^https?:$/.test(urlProtocol(issuer))) read.problem('KOE_OIDC_ISSUER', issuer, "is not an http(s) URL: use the provider's issuer, e.g. https://idp.example.com");
  if (redirectUrl !== null && !/^https?:$/.test(urlProtocol(redirectUrl))) {
    read.problem('KOE_OIDC_REDIRECT_URL', redirectUrl, 'is not an http(s) URL: use https://<koe host>/console/auth/callback');
  }
  // Without it the callback address comes from the listening socket, which behind a proxy or load
  // balancer is not the address browsers use; production names it, once, as the provider registers it.
  if (production && redirectUrl === null) {
    read.problems.push('SSO sign-in under NODE_ENV=production needs KOE_OIDC_REDIRECT_URL (https://<koe host>/console/auth/callback, as registered at the provider): the callback address is never taken from a request');
  }
  return { issuer, clientId, clientSecret, redirectUrl };
}

function urlProtocol(raw: string): string {
  try {
    return new URL(raw).protocol;
  } catch {
    return '';
  }
}

function tls(read: Reader): TlsPaths | null {
  const cert = read.text('KOE_TLS_CERT');
  const key = read.text('KOE_TLS_KEY');
  const ca = read.text('KOE_TLS_CA');
  if (cert === null && key === null) {
    if (ca !== null) read.problems.push('KOE_TLS_CA is set but KOE_TLS_CERT and KOE_TLS_KEY are not: set both to serve HTTPS, or unset KOE_TLS_CA');
    return null;
  }
  if (cert === null || key === null) {
    const [set, missing] = cert !== null ? ['KOE_TLS_CERT', 'KOE_TLS_KEY'] : ['KOE_TLS_KEY', 'KOE_TLS_CERT'];
    read.problems.push(`${set} is set but ${missing} is not: HTTPS needs both the certificate and its private key (PEM files)`);
    return null;
  }
  return { cert, key, ca };
}

function limits(read: Reader, production: boolean): LimitSettings {
  const out = { production } as LimitSettings;
  for (const key of Object.keys(LIMIT_DEFAULTS) as CountedLimit[]) out[key] = read.whole(LIMIT_ENV[key]) ?? LIMIT_DEFAULTS[key];
  const representations = read.whole('KOE_MAX_REPRESENTATIONS');
  if (representations !== null) out.maxRepresentations = representations;
  out.maxTokenTtlSeconds = maxTokenTtl(read);
  return out;
}

/** `KOE_MAX_TOKEN_TTL`: seconds (`3600`) or a duration (`90m`, `24h`, `7d`). */
function maxTokenTtl(read: Reader): number {
  const raw = read.text('KOE_MAX_TOKEN_TTL');
  if (raw === null) return DEFAULT_MAX_TOKEN_TTL_SECONDS;
  const seconds = parseDurationSeconds(raw);
  if (seconds === null || seconds <= 0) {
    read.problems.push(`KOE_MAX_TOKEN_TTL must be a positive duration in seconds ("3600") or with a unit s, m, h or d ("24h"), got "${raw}"`);
    return DEFAULT_MAX_TOKEN_TTL_SECONDS;
  }
  return seconds;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `3600`, `3600s`, `90m`, `24h`, `7d` to seconds; null when it is none of those. */
export function parseDurationSeconds(raw: string): number | null {
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(raw);
  if (!m) return null;
  const n = Number(m[1]) * UNIT_SECONDS[(m[2] || 's').toLowerCase()]!;
  return Number.isSafeInteger(n) ? n : null;
}

/** Reads variables, treating blank as unset, and collects what is wrong instead of stopping at it. */
class Reader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  text(name: string): string | null {
    const raw = this.env[name]?.trim();
    return raw ? raw : null;
  }

  /** As given, untrimmed: a secret's every byte is key material. */
  secret(name: string): string | null {
    const raw = this.env[name];
    return raw ? raw : null;
  }

  problem(name: string, raw: string, what: string): void {
    this.problems.push(`${name} ${what} (got "${raw}")`);
  }

  /** A whole number ≥ `min`: a typo in a limit must stop start-up, not silently remove the limit. */
  whole(name: string, min = 0): number | null {
    const raw = this.text(name);
    if (raw === null) return null;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
      this.problems.push(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
      return null;
    }
    return n;
  }

  /** An http(s) URL (a subgraph's GraphQL endpoint). */
  httpUrl(name: string): string | null {
    const raw = this.text(name);
    if (raw === null) return null;
    if (!/^https?:$/.test(urlProtocol(raw))) {
      this.problem(name, raw, 'is not an http(s) URL: use the subgraph\'s GraphQL endpoint, e.g. http://customers.internal:4001/graphql');
      return null;
    }
    return raw;
  }

  number(name: string): number | null {
    const raw = this.text(name);
    if (raw === null) return null;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) {
      this.problems.push(`${name} must be a number ≥ 0, got "${raw}"`);
      return null;
    }
    return n;
  }

  port(name: string): number | null {
    const raw = this.text(name);
    if (raw === null) return null;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n > 65_535) {
      this.problems.push(`${name} must be a TCP port from 0 to 65535 (0: any free port), got "${raw}"`);
      return null;
    }
    return n;
  }

  oneOf(name: string, allowed: readonly string[], opts: { lowerCase?: boolean } = {}): string | null {
    const given = this.text(name);
    if (given === null) return null;
    const raw = opts.lowerCase ? given.toLowerCase() : given;
    if (allowed.includes(raw)) return raw;
    // A typo here (DATABASE_SSL above all) must fail loudly, not fall back to something weaker.
    this.problems.push(`${name} must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, got "${given}"`);
    return null;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
