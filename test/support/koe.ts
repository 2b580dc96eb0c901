/**
 * A real Koe for a test file: its own ORM on the run's scratch database (its worker's), the three subgraphs and
 * the gateway on free ports, and a graphql-request client per role.
 */
import 'reflect-metadata';
import { GraphQLClient } from 'graphql-request';
import { Agent, fetch as undiciFetch } from 'undici';
import { runDatabaseUrl } from './run-database.js';
import { issueToken } from '../../src/auth/jwt.js';
import { loadConfig } from '../../src/config/index.js';
import { openOrm, poolOptions, type MikroORM } from '../../src/data/orm.js';
import { startPlatform, type Platform } from '../../src/server/platform.js';
import type { PolicySet } from '../../src/policies/index.js';
import { loadPolicy } from '../../src/server/policy.js';
import { testCrypto } from './crypto.js';
import { trustedCa, type TlsMaterial } from '../../src/server/tls.js';

export const TEST_JWT_SECRET = new TextEncoder().encode('koe-test-secret-not-for-production-0123456789');

export const TEST_PSEUDONYM_KEY = 'koe-test-pseudonym-key';

export interface TestKoe {
  orm: MikroORM;
  platform: Platform;
  /** SQL statements seen since the last `resetQueries()`. */
  queries: string[];
  resetQueries(): void;
  token(principalId: string, ttlSeconds?: number): Promise<string>;
  client(principalId: string, opts?: { url?: string; purpose?: string }): Promise<GraphQLClient>;
  stop(): Promise<void>;
}

export const POLICY_DIR = new URL('../../policies', import.meta.url).pathname;

export interface TestKoeOptions {
  /** Another database than the run's (a scratch one a test may break); default `runDatabaseUrl()`. */
  databaseUrl?: string;
  /** The platform's logger (e.g. one that collects warn lines); default the environment's. */
  logger?: import('../../src/server/ops/logger.js').Logger;
  /** Serve HTTPS with this material; `client()` then trusts its certificate (or CA). */
  tls?: TlsMaterial;
  /** Limit overrides (e.g. rate limits off for a test that sends thousands of requests). */
  limits?: Partial<import('../../src/server/limits/settings.js').LimitSettings>;
  /** How the gateway calls the subgraphs (default: in-process, as `startPlatform` does). */
  subgraphCalls?: 'in-process' | 'http';
}

export async function startTestKoe(
  policy?: PolicySet,
  opts: TestKoeOptions = {},
): Promise<TestKoe> {
  policy ??= await loadPolicy(POLICY_DIR);
  const queries: string[] = [];
  // The environment as it is now (a test may set a variable just for this Koe), loaded once as `koe start` does.
  const config = loadConfig();
  const orm = await openOrm({ url: opts.databaseUrl ?? runDatabaseUrl(), onQuery: (sql) => queries.push(sql), ...poolOptions(config.database) });
  const platform = await startPlatform({
    config,
    orm,
    crypto: await testCrypto(orm),
    jwtSecret: TEST_JWT_SECRET,
    pseudonymKey: TEST_PSEUDONYM_KEY,
    policy,
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.tls ? { tls: opts.tls } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.subgraphCalls ? { subgraphCalls: opts.subgraphCalls } : {}),
    ports: { gateway: 0, customers: 0, feedback: 0, audit: 0 },
  });
  const token = (id: string, ttl?: number) => issueToken(TEST_JWT_SECRET, id, ttl);
  const fetch = opts.tls ? trustingFetch(trustedCa(opts.tls)) : undefined;
  return {
    orm,
    platform,
    queries,
    resetQueries: () => void queries.splice(0),
    token,
    client: async (id, opts = {}) =>
      new GraphQLClient(opts.url ?? platform.gatewayUrl, {
        headers: { authorization: `Bearer ${await token(id)}`, ...(opts.purpose ? { 'x-koe-purpose': opts.purpose } : {}) },
        ...(fetch ? { fetch } : {}),
      }),
    stop: async () => {
      await platform.stop();
      await orm.close(true);
    },
  };
}

/** A fetch that trusts only `ca` (a test certificate), for graphql-request's `fetch` option. */
export function trustingFetch(ca: Buffer): typeof globalThis.fetch {
  const dispatcher = new Agent({ connect: { ca } });
  return ((url: string, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher })) as unknown as typeof globalThis.fetch;
}

/** Posts a raw GraphQL request, for tests that need the HTTP status or send odd headers. */
export async function postGraphQL(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: { data?: unknown; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }> } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never };
}

export type GraphQLBody = Awaited<ReturnType<typeof postGraphQL>>['json'];

/** Posts `query` as `principal` (a fresh token), with an `x-koe-purpose` header when given; the response body. */
export async function postAs(
  koe: TestKoe,
  principal: string,
  query: string,
  variables: Record<string, unknown> = {},
  purpose?: string,
  url = koe.platform.gatewayUrl,
): Promise<GraphQLBody> {
  const headers: Record<string, string> = { authorization: `Bearer ${await koe.token(principal)}` };
  if (purpose) headers['x-koe-purpose'] = purpose;
  return (await postGraphQL(url, { query, variables }, headers)).json;
}

/** The `extensions.code` of each error of a response. */
export const errorCodes = (res: GraphQLBody) => (res.errors ?? []).map((e) => e.extensions?.code);
