/** Trusted documents: published operations a client sends by hash (docs/trusted-documents.md). */
export { ManifestError, normalizeHash, sha256Hex, verifyManifest, type ManifestEntry } from './manifest.js';
export { documentExists, listDocuments, liveDocument, publishDocuments, revokeDocuments, type DocumentActor, type PublishResult, type RecordChange, type TrustedDocumentRow } from './trusted-documents.js';
