export { DecryptionError, KEY_BYTES, open, seal } from './aead.js';
export { blindIndex, normalizeEmail, normalizeName, normalizePhone, type BlindIndexKind } from './blind-index.js';
export { decryptField, encryptField, fieldAad, FIELD_PREFIX, isSealedField } from './field-cipher.js';
export { derivedKey, KEY_PURPOSES, type KeyPurpose } from './derive.js';
export { KeyCache } from './key-cache.js';
export { dataKeyAad, LocalKeyProvider, type KeyProvider, type WrappedKey } from './key-provider.js';
export { addKeyFileVersion, loadMasterKeys, parseMasterKeyEnv, type MasterKeySource } from './master-keys.js';
