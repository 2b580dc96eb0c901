/**
 * Bearer tokens from an OIDC provider, verified against a JWKS served by this test on 127.0.0.1:
 * RS256 and ES256 accepted for our issuer and audience; everything else refused; a new signing key
 * published by the provider is picked up when a token names its kid.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import 'reflect-metadata';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDatabaseUrl } from '../support/run-database.js';
import { authenticate } from '../../src/auth/authenticate.js';
import { verifyBearer, issueConsoleToken, issueToken } from '../../src/auth/jwt.js';
import type { OidcConfig } from '../../src/auth/oidc.js';
import { loadConfig, type Env } from '../../src/config/index.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { runKoe } from '../support/koe-cli.js';
import { postAs, startTestKoe } from '../support/koe.js';

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'koe-api';
const SECRET = new TextEncoder().encode('hs256-dev-secret-that-must-not-work-with-oidc');

interface Signer {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signer(kid: string, alg: 'RS256' | 'ES256'): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

let server: Server;
let published: JWK[] = [];
let fetches = 0;
let oidc: OidcConfig;
/** The OIDC settings as start-up resolves them from the environment. */
const oidcFromEnv = (env: Env) => loadConfig(env).oidc;
let rsa: Signer;
let ec: Signer;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([signer('rsa-1', 'RS256'), signer('ec-1', 'ES256')]);
  published = [rsa.jwk, ec.jwk];
  server = createServer((_req, res) => {
    fetches += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  // Through the same environment variables production uses; no cooldown so rotation is instant here.
  oidc = oidcFromEnv({ KOE_JWKS_URL: url, KOE_JWT_ISSUER: ISSUER, KOE_JWT_AUDIENCE: AUDIENCE, KOE_JWKS_COOLDOWN_SECONDS: '0' })!;
});
afterAll(() => new Promise((r) => server?.close(r)));

interface Claims {
  iss?: string;
  aud?: string;
  exp?: number | null;
  iat?: number;
  nbf?: number;
  sub?: string;
}

function token(s: Signer, claims: Claims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({}).setProtectedHeader({ alg: s.alg, kid: s.kid }).setSubject(claims.sub ?? 'p-analyst');
  jwt.setIssuer(claims.iss ?? ISSUER).setAudience(claims.aud ?? AUDIENCE).setIssuedAt(claims.iat ?? now);
  if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? now + 300);
  if (claims.nbf) jwt.setNotBefore(claims.nbf);
  return jwt.sign(s.privateKey);
}

const verify = (t: string) => verifyBearer(t, { secret: SECRET, oidc });
const now = () => Math.floor(Date.now() / 1000);

describe(verifyBearer.name, () => {
  it.each(['RS256', 'ES256'])('accepts a %s token for our issuer and audience', async (alg) => {
    expect(await verify(await token(alg === 'RS256' ? rsa : ec))).toEqual({ sub: 'p-analyst' });
  });

  it('caches the key set instead of fetching it per token', async () => {
    await verify(await token(rsa));
    const before = fetches;
    for (let i = 0; i < 5; i++) await verify(await token(ec));
    expect(fetches).toBe(before);
  });

  it.each([
    ['a wrong issuer', () => token(rsa, { iss: 'https://evil.example.test/' }), 'token iss claim rejected'],
    ['a wrong audience', () => token(rsa, { aud: 'another-app' }), 'token aud claim rejected'],
    // Genuine (signed by the provider for us) but refused for its claims: the subject is kept as a claim for the audit.
    ['an expired token', () => token(rsa, { exp: now() - 60 }), { error: 'token expired', claimedSub: 'p-analyst' }],
    ['a token not yet valid', () => token(ec, { nbf: now() + 120 }), 'token nbf claim rejected'],
    ['a token without expiry', () => token(rsa, { exp: null }), { error: 'token exp claim rejected', claimedSub: 'p-analyst' }],
    ['a token valid for ten years', () => token(rsa, { exp: now() + 10 * 365 * 86_400 }), { error: 'token lifetime is over the 86400 s maximum', claimedSub: 'p-analyst' }],
    ['a token issued an hour ago for 25 hours', () => token(ec, { iat: now() - 3600, exp: now() + 24 * 3600 }), { error: 'token lifetime is over the 86400 s maximum', claimedSub: 'p-analyst' }],
    ['an alg:none token', async () => `${b64({ alg: 'none' })}.${b64({ sub: 'p-admin', iss: ISSUER, aud: AUDIENCE, exp: now() + 60 })}.`, 'invalid token'],
    ['an HS256 token signed with the development secret', () => issueToken(SECRET, 'p-admin'), 'invalid token'],
    ['a token signed by a key the provider never published', async () => token(await signer('rogue', 'RS256')), 'token signed by an unknown key'],
    ['garbage', async () => 'not.a.jwt', 'invalid token'],
  ] as Array<[string, () => Promise<string>, string | { error: string; claimedSub: string }]>)('refuses %s', async (_name, make, refusal) => {
    expect(await verify(await make())).toEqual(typeof refusal === 'string' ? { error: refusal } : refusal);
  });

  it("accepts the console session's own tokens in OIDC mode, and nothing that only claims to be one", async () => {
    const signedIn = Date.now() - 5000;
    expect(await verify(await issueConsoleToken(SECRET, 'p-auditor', 60, signedIn))).toEqual({ sub: 'p-auditor', sessionAt: signedIn });
    // Its header names the console, but it is signed with the development secret itself.
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'koe-console+jwt' }).setIssuer('koe-console').setSubject('p-admin').setIssuedAt().setExpirationTime(now() + 60).sign(SECRET);
    expect(await verify(forged)).toEqual({ error: 'invalid token' });
    // Signed with another deployment's secret.
    expect(await verify(await issueConsoleToken(new TextEncoder().encode('another-secret-another-deployment'), 'p-admin', 60, Date.now()))).toEqual({ error: 'invalid token' });
    // Genuine, but without its session's sign-in instant: it could outlive a sign-out.
    const sessionless = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'koe-console+jwt' }).setIssuer('koe-console').setSubject('p-admin').setIssuedAt().setExpirationTime(now() + 60);
    const { derivedKey: key } = await import('../../src/crypto/derive.js');
    expect(await verify(await sessionless.sign(key(SECRET, 'consoleBearer')))).toEqual({ error: 'console token has no session' });
    // A console token is a minute's credential, never a long-lived one.
    const long = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'koe-console+jwt' }).setIssuer('koe-console').setSubject('p-admin').setIssuedAt().setExpirationTime(now() + 3600);
    const { derivedKey } = await import('../../src/crypto/derive.js');
    expect(await verify(await long.sign(derivedKey(SECRET, 'consoleBearer')))).toEqual({ error: 'token lifetime is over the 120 s maximum', claimedSub: 'p-admin' });
  });

  it('accepts a rotated-in key once the provider publishes it (refetched on an unknown kid)', async () => {
    const next = await signer('rsa-2', 'RS256');
    const early = await token(next);
    expect(await verify(early)).toEqual({ error: 'token signed by an unknown key' });
    published = [next.jwk, ec.jwk]; // rsa-1 retired
    const before = fetches;
    expect(await verify(await token(next))).toEqual({ sub: 'p-analyst' });
    expect(fetches).toBe(before + 1);
    expect(await verify(await token(rsa))).toEqual({ error: 'token signed by an unknown key' });
  });
});

function b64(o: object): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

describe('authenticate with an OIDC provider', () => {
  let orm: MikroORM;
  beforeAll(async () => {
    orm = await openOrm({ url: runDatabaseUrl() });
  });
  afterAll(async () => orm?.close(true));

  it('resolves the token subject to the principal in the database, and refuses a disabled one', async () => {
    const p = await authenticate(`Bearer ${await token(ec)}`, orm.em.fork(), { jwtSecret: SECRET, oidc });
    expect(p).toMatchObject({ id: 'p-analyst', roles: ['analyst'] });
    await expect(authenticate(`Bearer ${await token(ec, { sub: 'p-leaver' })}`, orm.em.fork(), { jwtSecret: SECRET, oidc })).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses to run with a JWKS but without issuer and audience', () => {
    expect(() => oidcFromEnv({ KOE_JWKS_URL: 'http://127.0.0.1:1/jwks' })).toThrow(/KOE_JWT_ISSUER and KOE_JWT_AUDIENCE/);
  });
});

describe('OIDC settings are resolved once, at start-up', () => {
  // Guards against a half-set KOE_JWKS_URL failing each request instead of stopping start-up.
  it('koe start refuses a JWKS without issuer and audience before anything starts', async () => {
    const run = await runKoe(['start', '--no-seed'], { KOE_JWKS_URL: 'https://idp.example.test/jwks', KOE_JWT_ISSUER: undefined, KOE_JWT_AUDIENCE: undefined, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/KOE_JWKS_URL needs KOE_JWT_ISSUER and KOE_JWT_AUDIENCE as well/);
    expect(run.stdout).not.toMatch(/Policy .* loaded|Koe is up/);
  }, 120_000);

  it('a running server does not read the environment per request', async () => {
    const koe = await startTestKoe();
    const saved = process.env.KOE_JWKS_URL;
    try {
      // Were the settings read per request, this half-set provider would fail every request now.
      process.env.KOE_JWKS_URL = 'http://127.0.0.1:1/jwks';
      const res = await postAs(koe, 'p-analyst', '{ me { id } }');
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ me: { id: 'p-analyst' } });
    } finally {
      if (saved === undefined) delete process.env.KOE_JWKS_URL;
      else process.env.KOE_JWKS_URL = saved;
      await koe.stop();
    }
  });
});
