import { join } from 'node:path';
import type { SecretSettings } from '../../config/index.js';
import { LocalKeyProvider, loadMasterKeys, type KeyProvider, type MasterKeySource } from '../../crypto/index.js';

/** The KEKs of this deployment: `KOE_MASTER_KEY`, else `<project>/.koe/keyring.json` (development). */
export function keyProviderFor(
  projectRoot: string,
  secrets: Pick<SecretSettings, 'masterKey' | 'masterKeyFile'>,
  initialKey?: string,
): { provider: KeyProvider; source: MasterKeySource } {
  const keyFile = secrets.masterKeyFile ?? join(projectRoot, '.koe', 'keyring.json');
  const source = loadMasterKeys({ masterKey: secrets.masterKey, keyFile, ...(initialKey !== undefined ? { initialKey } : {}) });
  return { provider: new LocalKeyProvider(source.keys), source };
}
