/**
 * What every CLI command that touches the database needs, opened and closed in one place. MikroORM,
 * PostgreSQL and the key ring are imported when a command opens the runtime, not when it loads: the
 * policy verbs and `--help` never pay for them.
 */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { CheckpointKey } from '../audit/checkpoint.js';
import type { Secrets } from '../auth/secrets.js';
import { loadConfig, policyDir, type KoeConfig } from '../config/index.js';
import type { KeyProvider, MasterKeySource } from '../crypto/index.js';
import type { FieldCrypto } from '../data/encryption/index.js';
import type { MikroORM } from '../data/orm.js';
import type { PolicySet } from '../policies/index.js';
import { cliCatalog } from './api-catalog.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

let config: KoeConfig | null = null;

/**
 * The environment, read and validated once per command (every problem listed together), then
 * passed down: nothing below the CLI reads `process.env`.
 */
export function cliConfig(): KoeConfig {
  return (config ??= loadConfig(process.env));
}

/** The configured policy directory (`KOE_POLICY_DIR`, default `policies/`), absolute. */
export function cliPolicyDir(): string {
  return policyDir(PROJECT_ROOT, cliConfig().policyDir);
}

let policy: Promise<PolicySet> | null = null;

/**
 * The policy files the servers run, loaded once per command: the access, subject and key verbs
 * check actors and grants against it.
 */
export function cliPolicy(): Promise<PolicySet> {
  return (policy ??= (async () => {
    const [{ loadPolicySet }, catalog] = await Promise.all([import('../policies/index.js'), cliCatalog()]);
    return loadPolicySet(cliPolicyDir(), catalog);
  })());
}

export interface Runtime {
  config: KoeConfig;
  orm: MikroORM;
  secrets: Secrets;
  databaseSource: string;
  /** The database URL resolved (the embedded server's when DATABASE_URL is unset): what `koe start` hands its server processes. */
  databaseUrl: string;
  /** The key-encryption keys (KOE_MASTER_KEY, else .koe/keyring.json), loaded on first use. */
  keyRing(): { provider: KeyProvider; source: MasterKeySource };
  /**
   * The key audit checkpoints are signed and verified with: from KOE_MASTER_KEY when set (as the
   * servers derive it), else from the development key file's oldest key. Never absent.
   */
  checkpointKey(): CheckpointKey;
  /** Field encryption checked against the database (run after migrations), opened on first use. */
  crypto(): Promise<FieldCrypto>;
  close(): Promise<void>;
}

/**
 * The audit checkpoint key without opening the database (KOE_MASTER_KEY, else the development key
 * file), for checks an auditor runs offline, e.g. `koe evidence verify`.
 */
export async function cliCheckpointKey(): Promise<CheckpointKey> {
  const [{ checkpointKey, checkpointKeyFromRing }, { loadSecrets }, { keyProviderFor }] = await Promise.all([
    import('../audit/checkpoint.js'),
    import('../auth/secrets.js'),
    import('../data/encryption/index.js'),
  ]);
  const config = cliConfig();
  if (config.secrets.masterKey) return checkpointKey(config.secrets.masterKey);
  const secrets = loadSecrets(PROJECT_ROOT, config);
  return checkpointKeyFromRing(keyProviderFor(PROJECT_ROOT, config.secrets, secrets.masterKey).source.keys);
}

/** `role`: `server` for `koe start` (its embedded database is supervised), else a tool that never stops a database another process uses. */
export async function openRuntime(log: (line: string) => void = () => {}, role: 'server' | 'tool' = 'tool'): Promise<Runtime> {
  const [{ checkpointKey, checkpointKeyFromRing }, { loadSecrets }, { FieldCrypto, keyProviderFor }, { openOrm, poolOptions }, { resolveDatabase }] = await Promise.all([
    import('../audit/checkpoint.js'),
    import('../auth/secrets.js'),
    import('../data/encryption/index.js'),
    import('../data/orm.js'),
    import('../data/postgres/index.js'),
  ]);
  const config = cliConfig();
  const db = await resolveDatabase({ purpose: 'dev', projectRoot: PROJECT_ROOT, log, role, database: config.database });
  try {
    const orm = await openOrm({ url: db.url, ssl: db.ssl, ...poolOptions(config.database) });
    let closed = false;
    const secrets = loadSecrets(PROJECT_ROOT, config);
    let ring: ReturnType<typeof keyProviderFor> | null = null;
    let crypto: Promise<FieldCrypto> | null = null;
    const keyRing = () => (ring ??= keyProviderFor(PROJECT_ROOT, config.secrets, secrets.masterKey));
    return {
      config,
      orm,
      secrets,
      databaseSource: db.source,
      databaseUrl: db.url,
      keyRing,
      checkpointKey: () => (config.secrets.masterKey ? checkpointKey(config.secrets.masterKey) : checkpointKeyFromRing(keyRing().source.keys)),
      crypto: () => (crypto ??= FieldCrypto.open(orm.em.fork(), keyRing().provider, config.fieldCrypto)),
      close: async () => {
        if (closed) return;
        closed = true;
        await orm.close(true);
        await db.stop();
      },
    };
  } catch (e) {
    await db.stop();
    throw e;
  }
}
