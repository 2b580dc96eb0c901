export { ENCRYPTED_COLUMNS, ENCRYPTED_FIELDS, NIL_OWNER, type EncryptedField, type EncryptedTable } from './encrypted-columns.js';
export { encryptExistingRows } from './encrypt-existing.js';
export { activeKekVersion, FieldCrypto, type FieldCryptoOptions } from './field-crypto.js';
export { kekVersions, registerKekVersions, type KekVersionRow } from './kek-registry.js';
export { keyProviderFor } from './key-provider-setup.js';
export { DEFAULT_ROTATION_MAX_AGE_DAYS, keyStatus, type KekVersionStatus, type KeyStatusReport } from './key-status.js';
export { rotateKeys, RotationError, type RotateOptions, type RotationResult } from './rotation.js';
