/**
 * Hive Gateway in front of Koe's subgraphs. Run it from the repository root:
 *
 *   npx koe supergraph > supergraph.graphql     # with the subgraphs' real URLs (see docs/routers.md)
 *   KOE_JWT_SECRET=… npx hive-gateway supergraph supergraph.graphql -c deploy/hive/gateway.config.ts
 *
 * The settings and why each is there: ./koe-hive.ts. The environment is Koe's own: KOE_JWT_SECRET
 * (or KOE_JWKS_URL with KOE_JWT_ISSUER and KOE_JWT_AUDIENCE), KOE_MAX_COST, KOE_MAX_PAGE_SIZE,
 * KOE_SUPERGRAPH (default ./supergraph.graphql, unless given on the command line).
 */
import { defineConfig } from '@graphql-hive/gateway';
import { koeHiveConfig, type KoeHiveOptions } from './koe-hive.js';

function jwtFromEnv(env: NodeJS.ProcessEnv): KoeHiveOptions['jwt'] {
  const { KOE_JWKS_URL: jwksUrl, KOE_JWT_ISSUER: issuer, KOE_JWT_AUDIENCE: audience, KOE_JWT_SECRET: secret } = env;
  if (jwksUrl && issuer && audience) return { jwksUrl, issuer, audience };
  if (secret) return { secret };
  throw new Error('Set KOE_JWT_SECRET (the secret Koe signs tokens with), or KOE_JWKS_URL with KOE_JWT_ISSUER and KOE_JWT_AUDIENCE');
}

function whole(raw: string | undefined, fallback: number): number {
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`Expected a whole number, got "${raw}"`);
  return n;
}

export const gatewayConfig = defineConfig(
  koeHiveConfig({
    supergraph: process.env.KOE_SUPERGRAPH ?? './supergraph.graphql',
    jwt: jwtFromEnv(process.env),
    maxCost: whole(process.env.KOE_MAX_COST, 5000),
    maxPageSize: whole(process.env.KOE_MAX_PAGE_SIZE, 100),
  }),
);
