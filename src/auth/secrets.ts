/**
 * Development secrets: taken from the configuration (the environment) when set, else generated once into
 * `.koe/secrets.json` (git-ignored, mode 600) and reused, so demo tokens survive a restart.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KoeConfig } from '../config/index.js';

export interface Secrets {
  /** HS256 key for bearer tokens. */
  readonly jwtSecret: Uint8Array;
  /** Key-encryption key, base64 of 32 bytes (used once field encryption lands). */
  readonly masterKey: string;
  /** Key for the `customerKey` pseudonym and the `hash` masker. */
  readonly pseudonymKey: string;
}

interface SecretFile {
  jwtSecret: string;
  masterKey: string;
  pseudonymKey: string;
}

export function loadSecrets(projectRoot: string, config: Pick<KoeConfig, 'secrets' | 'oidc'>): Secrets {
  const file = join(projectRoot, '.koe', 'secrets.json');
  const given = config.secrets;
  let stored: SecretFile | null = null;
  // With an OIDC provider (KOE_JWKS_URL) HS256 tokens are refused, so no shared secret is needed.
  const need = (!given.jwtSecret && !config.oidc) || !given.masterKey || !given.pseudonymKey;
  if (need) stored = readOrCreate(file);
  const jwtSecret = given.jwtSecret ?? stored?.jwtSecret ?? randomBytes(32).toString('base64url');
  return {
    jwtSecret: new TextEncoder().encode(jwtSecret),
    masterKey: given.masterKey ?? stored!.masterKey,
    pseudonymKey: given.pseudonymKey ?? stored!.pseudonymKey,
  };
}

function readOrCreate(file: string): SecretFile {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SecretFile;
  const fresh: SecretFile = {
    jwtSecret: randomBytes(32).toString('base64url'),
    masterKey: randomBytes(32).toString('base64'),
    pseudonymKey: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return fresh;
}
