/**
 * The configuration read once at start-up (src/config): the documented defaults, every setting
 * read from its variable, and every malformed or half-done setting refused with the variable, the
 * problem and what is accepted, all problems at once, before anything listens.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Env } from '../../src/config/index.js';

const problemsOf = (env: Env): readonly string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe(loadConfig.name, () => {
  it('without any variable gives the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      production: false,
      port: null,
      adminPort: null,
      logLevel: 'info',
      policyDir: null,
      database: { url: null, ssl: null, pgDir: null, poolMax: 10, statementTimeoutMs: 10_000, acquireTimeoutMs: 5_000 },
      secrets: { jwtSecret: null, masterKey: null, masterKeyFile: null, pseudonymKey: null },
      oidc: null,
      sso: null,
      tls: null,
      shutdownGraceMs: 10_000,
      checkpointEvery: 1000,
      fieldCrypto: { keyCacheSize: 10_000, keyCacheTtlMs: 60_000, valueCacheSize: 20_000 },
      subgraphPorts: { customers: null, feedback: null, audit: null },
      subgraphUrls: { customers: null, feedback: null, audit: null },
      workers: 1,
      trustedDocumentsTtlMs: 5_000,
    });
    expect(c.limits).toEqual({
      production: false,
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
      maxTokenTtlSeconds: 86_400,
    });
  });

  it('reads every setting from its variable', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      PORT: '0',
      KOE_ADMIN_PORT: '9464',
      LOG_LEVEL: 'warn',
      KOE_POLICY_DIR: ' ops/policies ',
      DATABASE_URL: 'postgresql://koe@db:5432/koe',
      DATABASE_SSL: 'Verify-Full',
      KOE_PG_DIR: '/var/lib/koe/pg',
      KOE_DB_POOL_MAX: '4',
      KOE_DB_STATEMENT_TIMEOUT_MS: '0',
      KOE_DB_ACQUIRE_TIMEOUT_MS: '750',
      KOE_JWT_SECRET: ' secret with spaces ',
      KOE_MASTER_KEY: '2:abc,1:def',
      KOE_MASTER_KEY_FILE: '/etc/koe/keyring.json',
      KOE_PSEUDONYM_KEY: 'pk',
      KOE_JWKS_URL: 'https://idp.example/jwks',
      KOE_JWT_ISSUER: 'https://idp.example/',
      KOE_JWT_AUDIENCE: 'koe',
      KOE_JWKS_COOLDOWN_SECONDS: '0.5',
      KOE_OIDC_ISSUER: 'https://idp.example/',
      KOE_OIDC_CLIENT_ID: 'koe-console',
      KOE_OIDC_CLIENT_SECRET: ' s3cret ',
      KOE_OIDC_REDIRECT_URL: 'https://koe.example/console/auth/callback',
      KOE_TLS_CERT: '/tls/cert.pem',
      KOE_TLS_KEY: '/tls/key.pem',
      KOE_MAX_DEPTH: '8',
      KOE_MAX_ALIASES: '5',
      KOE_MAX_ROOT_FIELDS: '3',
      KOE_MAX_TOKENS: '100',
      KOE_MAX_COST: '900',
      KOE_DEFAULT_PAGE_SIZE: '10',
      KOE_MAX_PAGE_SIZE: '50',
      KOE_MAX_BODY_BYTES: '1024',
      KOE_RATE_LIMIT_REQUESTS: '0',
      KOE_RATE_LIMIT_PLAIN_READS: '7',
      KOE_SIGN_IN_FAILURES_PER_MINUTE: '4',
      KOE_MAX_REPRESENTATIONS: '500',
      KOE_MAX_TOKEN_TTL: '90m',
      KOE_SHUTDOWN_GRACE_MS: '0',
      KOE_AUDIT_CHECKPOINT_EVERY: '3',
      KOE_KEY_CACHE_SIZE: '1',
      KOE_KEY_CACHE_TTL_MS: '2',
      KOE_VALUE_CACHE_SIZE: '3',
    });
    expect(c).toMatchObject({
      production: true,
      port: 0,
      adminPort: 9464,
      logLevel: 'warn',
      policyDir: 'ops/policies',
      database: { url: 'postgresql://koe@db:5432/koe', ssl: 'verify-full', pgDir: '/var/lib/koe/pg', poolMax: 4, statementTimeoutMs: 0, acquireTimeoutMs: 750 },
      // Secrets as given, to the byte.
      secrets: { jwtSecret: ' secret with spaces ', masterKey: '2:abc,1:def', masterKeyFile: '/etc/koe/keyring.json', pseudonymKey: 'pk' },
      oidc: { jwksUrl: 'https://idp.example/jwks', issuer: 'https://idp.example/', audience: 'koe', cooldownMs: 500 },
      sso: { issuer: 'https://idp.example/', clientId: 'koe-console', clientSecret: ' s3cret ', redirectUrl: 'https://koe.example/console/auth/callback' },
      tls: { cert: '/tls/cert.pem', key: '/tls/key.pem', ca: null },
      shutdownGraceMs: 0,
      checkpointEvery: 3,
      fieldCrypto: { keyCacheSize: 1, keyCacheTtlMs: 2, valueCacheSize: 3 },
    });
    expect(c.limits).toEqual({
      production: true,
      maxDepth: 8,
      maxAliases: 5,
      maxRootFields: 3,
      maxTokens: 100,
      maxCost: 900,
      defaultPageSize: 10,
      maxPageSize: 50,
      maxBodyBytes: 1024,
      requestsPerMinute: 0,
      plainReadsPerMinute: 7,
      signInFailuresPerMinute: 4,
      maxRepresentations: 500,
      maxTokenTtlSeconds: 5400,
    });
  });

  it('reads where each server listens and where the gateway calls the subgraphs, and the workers per server', () => {
    const c = loadConfig({ KOE_CUSTOMERS_PORT: '5001', KOE_FEEDBACK_PORT: '5002', KOE_AUDIT_PORT: '0', KOE_CUSTOMERS_URL: 'https://customers.internal:5001/graphql', KOE_WORKERS: '3' });
    expect(c.subgraphPorts).toEqual({ customers: 5001, feedback: 5002, audit: 0 });
    expect(c.subgraphUrls).toEqual({ customers: 'https://customers.internal:5001/graphql', feedback: null, audit: null });
    expect(c.workers).toBe(3);
  });

  it('treats blank variables as unset, and DATABASE_SSL=disable as no TLS', () => {
    const c = loadConfig({ PORT: '', KOE_JWT_SECRET: '', KOE_TLS_CERT: ' ', KOE_TLS_KEY: '', KOE_MAX_DEPTH: '', KOE_JWKS_URL: '  ', DATABASE_SSL: 'disable' });
    expect(c).toMatchObject({ port: null, secrets: { jwtSecret: null }, tls: null, oidc: null, database: { ssl: null } });
    expect(c.limits.maxDepth).toBe(12);
  });

  it('SSO sign-in needs both the issuer and the client id, and http(s) URLs', () => {
    expect(() => loadConfig({ KOE_OIDC_ISSUER: 'https://idp.example/' })).toThrow(/needs both KOE_OIDC_ISSUER and KOE_OIDC_CLIENT_ID \(KOE_OIDC_CLIENT_ID unset\)/);
    expect(() => loadConfig({ KOE_OIDC_CLIENT_ID: 'koe' })).toThrow(/KOE_OIDC_ISSUER unset/);
    expect(() => loadConfig({ KOE_OIDC_CLIENT_SECRET: 'x' })).toThrow(/KOE_OIDC_CLIENT_SECRET is set but/);
    expect(() => loadConfig({ KOE_OIDC_ISSUER: 'idp.example', KOE_OIDC_CLIENT_ID: 'koe' })).toThrow(/KOE_OIDC_ISSUER is not an http\(s\) URL/);
    expect(loadConfig({ KOE_OIDC_ISSUER: 'http://127.0.0.1:9/', KOE_OIDC_CLIENT_ID: 'koe' }).sso).toEqual({ issuer: 'http://127.0.0.1:9/', clientId: 'koe', clientSecret: null, redirectUrl: null });
  });

  it('is silent under vitest unless LOG_LEVEL says otherwise', () => {
    expect(loadConfig({ VITEST: 'true' }).logLevel).toBe('silent');
    expect(loadConfig({ VITEST: 'true', LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });

  it('hands out frozen settings, down to their parts', () => {
    const c = loadConfig({ KOE_TLS_CERT: 'c', KOE_TLS_KEY: 'k' });
    expect(Object.isFrozen(c) && Object.isFrozen(c.limits) && Object.isFrozen(c.database) && Object.isFrozen(c.tls)).toBe(true);
    expect(() => ((c.limits as { maxDepth: number }).maxDepth = 99)).toThrow(TypeError);
  });

  // A JWKS without issuer and audience would accept any token the provider issues for any application.
  it.each([
    [{ KOE_JWKS_URL: 'https://idp.example/jwks' }, 'KOE_JWT_ISSUER and KOE_JWT_AUDIENCE unset'],
    [{ KOE_JWKS_URL: 'https://idp.example/jwks', KOE_JWT_ISSUER: 'https://idp.example/' }, '(KOE_JWT_AUDIENCE unset)'],
    [{ KOE_JWKS_URL: 'https://idp.example/jwks', KOE_JWT_AUDIENCE: 'koe' }, '(KOE_JWT_ISSUER unset)'],
  ])('refuses KOE_JWKS_URL without issuer and audience: %j', (env, missing) => {
    const [problem, ...rest] = problemsOf(env);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^KOE_JWKS_URL needs KOE_JWT_ISSUER and KOE_JWT_AUDIENCE as well/);
    expect(problem).toContain(missing);
  });

  it.each([
    ['an OIDC setting without KOE_JWKS_URL', { KOE_JWT_ISSUER: 'https://idp.example/' }, 'KOE_JWT_ISSUER is set but KOE_JWKS_URL is not'],
    ['an OIDC setting without KOE_JWKS_URL', { KOE_JWT_AUDIENCE: 'koe' }, 'KOE_JWT_AUDIENCE is set but KOE_JWKS_URL is not'],
    ['a JWKS address that is not http(s)', { KOE_JWKS_URL: 'idp.example/jwks', KOE_JWT_ISSUER: 'i', KOE_JWT_AUDIENCE: 'a' }, 'KOE_JWKS_URL is not an http(s) URL'],
    ['a negative JWKS cooldown', { KOE_JWKS_COOLDOWN_SECONDS: '-1', KOE_JWKS_URL: 'https://i/j', KOE_JWT_ISSUER: 'i', KOE_JWT_AUDIENCE: 'a' }, 'KOE_JWKS_COOLDOWN_SECONDS must be a number ≥ 0, got "-1"'],
    ['a certificate without its key', { KOE_TLS_CERT: '/c.pem' }, 'KOE_TLS_CERT is set but KOE_TLS_KEY is not'],
    ['a key without its certificate', { KOE_TLS_KEY: '/k.pem' }, 'KOE_TLS_KEY is set but KOE_TLS_CERT is not'],
    ['a CA without certificate and key', { KOE_TLS_CA: '/ca.pem' }, 'KOE_TLS_CA is set but KOE_TLS_CERT and KOE_TLS_KEY are not'],
    ['a port that is no number', { PORT: 'http' }, 'PORT must be a TCP port from 0 to 65535 (0: any free port), got "http"'],
    ['a port out of range', { KOE_ADMIN_PORT: '70000' }, 'KOE_ADMIN_PORT must be a TCP port from 0 to 65535'],
    ['an unknown log level', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent, got "verbose"'],
    ['a database URL that is not PostgreSQL', { DATABASE_URL: 'mysql://db/koe' }, 'DATABASE_URL is not a PostgreSQL URL: use postgres://user@host:5432/database (got "mysql://db/koe")'],
    ['a DATABASE_SSL typo (never silently plaintext)', { DATABASE_SSL: 'yes' }, 'DATABASE_SSL must be require, verify-full or disable, got "yes"'],
    ['an empty pool', { KOE_DB_POOL_MAX: '0' }, 'KOE_DB_POOL_MAX must be a whole number ≥ 1, got "0"'],
    ['a timeout with a unit', { KOE_DB_STATEMENT_TIMEOUT_MS: '10s' }, 'KOE_DB_STATEMENT_TIMEOUT_MS must be a whole number ≥ 0, got "10s"'],
    ['a negative timeout', { KOE_DB_ACQUIRE_TIMEOUT_MS: '-5' }, 'KOE_DB_ACQUIRE_TIMEOUT_MS must be a whole number ≥ 0'],
    ['a fractional limit', { KOE_MAX_DEPTH: '1.5' }, 'KOE_MAX_DEPTH must be a whole number ≥ 0, got "1.5"'],
    ['a limit that is no number', { KOE_RATE_LIMIT_REQUESTS: 'lots' }, 'KOE_RATE_LIMIT_REQUESTS must be a whole number ≥ 0'],
    ['a negative representation cap', { KOE_MAX_REPRESENTATIONS: '-1' }, 'KOE_MAX_REPRESENTATIONS must be a whole number ≥ 0'],
    ['a token lifetime of zero', { KOE_MAX_TOKEN_TTL: '0' }, 'KOE_MAX_TOKEN_TTL must be a positive duration in seconds ("3600") or with a unit s, m, h or d ("24h"), got "0"'],
    ['a grace period with a unit', { KOE_SHUTDOWN_GRACE_MS: '5s' }, 'KOE_SHUTDOWN_GRACE_MS must be a whole number ≥ 0'],
    ['a checkpoint interval that is no number', { KOE_AUDIT_CHECKPOINT_EVERY: 'often' }, 'KOE_AUDIT_CHECKPOINT_EVERY must be a whole number ≥ 0'],
    ['an empty key cache', { KOE_KEY_CACHE_SIZE: '0' }, 'KOE_KEY_CACHE_SIZE must be a whole number ≥ 1'],
    ['a key cache time of zero', { KOE_KEY_CACHE_TTL_MS: '0' }, 'KOE_KEY_CACHE_TTL_MS must be a whole number ≥ 1'],
    ['an empty value cache', { KOE_VALUE_CACHE_SIZE: 'none' }, 'KOE_VALUE_CACHE_SIZE must be a whole number ≥ 1'],
    ['no server processes', { KOE_WORKERS: '0' }, 'KOE_WORKERS must be a whole number ≥ 1, got "0"'],
    ['a subgraph port out of range', { KOE_FEEDBACK_PORT: '99999' }, 'KOE_FEEDBACK_PORT must be a TCP port from 0 to 65535'],
    ['a subgraph address that is not http(s)', { KOE_CUSTOMERS_URL: 'customers:4001/graphql' }, 'KOE_CUSTOMERS_URL is not an http(s) URL'],
    ['a BI sync interval with a unit', { KOE_BI_SYNC_INTERVAL: '5m' }, 'KOE_BI_SYNC_INTERVAL must be a whole number ≥ 1'],
    ['a BI sync interval of zero', { KOE_BI_SYNC_INTERVAL: '0' }, 'KOE_BI_SYNC_INTERVAL must be a whole number ≥ 1'],
  ] as Array<[string, Env, string]>)('refuses %s: %j', (_what, env, message) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('lists every problem in one error, not just the first', () => {
    const env = { KOE_JWKS_URL: 'https://idp.example/jwks', KOE_TLS_CERT: '/c.pem', DATABASE_SSL: 'on', KOE_MAX_DEPTH: 'deep' };
    expect(problemsOf(env)).toHaveLength(4);
    expect(() => loadConfig(env)).toThrow(/^Koe's configuration is invalid \(4 problems\):\n {2}- /);
    expect(() => loadConfig(env)).toThrow(/DATABASE_SSL must be[^]*KOE_JWKS_URL needs[^]*KOE_TLS_CERT is set[^]*KOE_MAX_DEPTH must be/);
  });
});
