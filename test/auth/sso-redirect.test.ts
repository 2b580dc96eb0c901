/**
 * The SSO callback address is never taken from the request: a forged Host header used to become the
 * `redirect_uri`, so a provider that allows it would send the code to another origin. In development
 * the address is the one the gateway listens on; under NODE_ENV=production start-up fails without
 * KOE_OIDC_REDIRECT_URL. Against the real oidc-provider test setup, configured as permissively as
 * the attack needs (the forged origin is registered too).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { runKoe } from '../support/koe-cli.js';
import { startTestKoe, type TestKoe } from '../support/koe.js';
import { reserveIdp, type TestIdp } from '../support/oidc-provider.js';

const CLIENT = { client_id: 'koe-console', client_secret: 'koe-console-test-client-secret' };
const FORGED = 'evil.example';
const SSO_ENV = ['KOE_OIDC_ISSUER', 'KOE_OIDC_CLIENT_ID', 'KOE_OIDC_CLIENT_SECRET'];

let idp: TestIdp;
let koe: TestKoe;
let origin: string;
beforeAll(async () => {
  idp = await reserveIdp();
  Object.assign(process.env, { KOE_OIDC_ISSUER: idp.issuer, KOE_OIDC_CLIENT_ID: CLIENT.client_id, KOE_OIDC_CLIENT_SECRET: CLIENT.client_secret });
  try {
    koe = await startTestKoe();
  } finally {
    for (const name of SSO_ENV) delete process.env[name];
  }
  origin = new URL(koe.platform.gatewayUrl).origin;
  await idp.serve([{ ...CLIENT, redirect_uris: [`${origin}/console/auth/callback`, `http://${FORGED}/console/auth/callback`] }]);
}, 120_000);
afterAll(async () => {
  await koe?.stop();
  await idp?.close();
});

/** GET with a Host header of our choosing (fetch does not let one be set). */
function getWithHost(url: string, host: string): Promise<{ status: number; location: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    request({ host: u.hostname, port: u.port, path: u.pathname, headers: { host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? '' });
    }).on('error', reject).end();
  });
}

describe('SSO redirect_uri', () => {
  it('is the listening address whatever Host the request names, and the provider accepts it', async () => {
    const start = await getWithHost(`${origin}/console/auth/sso`, `${FORGED}`);
    expect(start.status).toBe(303);
    const authorize = new URL(start.location);
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${origin}/console/auth/callback`);
    // The provider takes the request to its login page, not an error about the redirect_uri.
    const atProvider = await fetch(authorize, { redirect: 'manual' });
    expect(atProvider.status).toBeGreaterThanOrEqual(300);
    expect(atProvider.status).toBeLessThan(400);
    expect(atProvider.headers.get('location')).toMatch(/\/interaction\//);
  });

  it('is required under NODE_ENV=production: the configuration is refused without KOE_OIDC_REDIRECT_URL, and accepted with it', () => {
    const env = { NODE_ENV: 'production', KOE_OIDC_ISSUER: 'https://idp.example.test', KOE_OIDC_CLIENT_ID: 'koe-console' };
    const problemsOf = (extra: Record<string, string>) => {
      try {
        loadConfig({ ...env, ...extra });
        return [];
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return e.problems;
      }
    };
    expect(problemsOf({}).filter((p) => p.includes('KOE_OIDC_REDIRECT_URL'))).toEqual([expect.stringMatching(/NODE_ENV=production needs KOE_OIDC_REDIRECT_URL/)]);
    expect(problemsOf({ KOE_OIDC_REDIRECT_URL: 'https://koe.example.test/console/auth/callback' }).filter((p) => p.includes('KOE_OIDC_REDIRECT_URL'))).toEqual([]);
    // Development still derives it (from the listening address).
    expect(problemsOf({ NODE_ENV: 'development' }).filter((p) => p.includes('KOE_OIDC_REDIRECT_URL'))).toEqual([]);
  });

  it('koe start refuses SSO without KOE_OIDC_REDIRECT_URL under NODE_ENV=production, before anything starts', async () => {
    const run = await runKoe(['start', '--no-seed'], {
      NODE_ENV: 'production', KOE_OIDC_ISSUER: 'https://idp.example.test', KOE_OIDC_CLIENT_ID: 'koe-console', KOE_OIDC_REDIRECT_URL: undefined,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/SSO sign-in under NODE_ENV=production needs KOE_OIDC_REDIRECT_URL/);
    expect(run.stdout).not.toMatch(/Koe is up/);
  }, 120_000);
});
