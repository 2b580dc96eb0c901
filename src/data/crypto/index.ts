export { ENCRYPTED_COLUMNS, ENCRYPTED_FIELDS, NIL_OWNER, type EncryptedField, type EncryptedTable } from './encrypted-columns.js';
export { encryptExistingRows } from './encrypt-existing.js';
export { activeKekVersion, FieldCrypto, type FieldCryptoOptions } from './field-crypto.js';
export { kekVersions, registerKekVersions, type KekVersionRow } from './kek-registry.js';
export { keyProviderFor } from './key-provider-setup.js';
