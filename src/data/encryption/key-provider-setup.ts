import { join } from 'node:path';
import { LocalKeyProvider, loadMasterKeys, type KeyProvider, type MasterKeySource } from '../../crypto/index.js';

/** The KEKs of this deployment: `KOE_MASTER_KEY`, else `<project>/.koe/keyring.json` (development). */
export function keyProviderFor(projectRoot: string, initialKey?: string, env: NodeJS.ProcessEnv = process.env): { provider: KeyProvider; source: MasterKeySource } {
  const keyFile = env.KOE_MASTER_KEY_FILE ?? join(projectRoot, '.koe', 'keyring.json');
  const source = loadMasterKeys({ env, keyFile, initialKey });
  return { provider: new LocalKeyProvider(source.keys), source };
}
