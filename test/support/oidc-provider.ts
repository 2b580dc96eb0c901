/**
 * A real OpenID Connect provider for the console's SSO tests: `oidc-provider` (the certified
 * Node.js implementation) on 127.0.0.1, with its development login and consent pages. Its port is
 * taken first, so Koe can be configured with the issuer before the provider knows Koe's callback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';

export interface OidcClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

export interface TestIdp {
  issuer: string;
  /** Starts answering with these clients (Koe's callback known by then). */
  serve(clients: OidcClient[]): Promise<void>;
  close(): Promise<void>;
}

interface ProviderLike {
  callback(): (req: unknown, res: unknown) => void;
}
type ProviderClass = new (issuer: string, config: object) => ProviderLike;

export async function reserveIdp(): Promise<TestIdp> {
  let handler: ((req: unknown, res: unknown) => void) | null = null;
  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    async serve(clients) {
      // No type declarations ship with oidc-provider; the module name as a value keeps tsc out of it.
      const name = 'oidc-provider';
      const { default: Provider } = (await import(name)) as { default: ProviderClass };
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      const jwk = { ...(await exportJWK(privateKey)), kid: 'koe-test-rs256', alg: 'RS256', use: 'sig' };
      const provider = new Provider(issuer, {
        clients: clients.map((c) => ({ ...c, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' })),
        jwks: { keys: [jwk] },
        // The login name is the account, and its subject is the Koe principal id.
        findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
        cookies: { keys: ['koe-test-idp-cookie-key'] },
        features: { devInteractions: { enabled: true } },
        pkce: { required: () => true },
      });
      handler = provider.callback();
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
