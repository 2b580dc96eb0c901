/**
 * What a client sent as its operation, read from the HTTP request before Apollo sees it: operation
 * text, or the hash of a trusted document (`documentId`, "sha256:<hex>" or bare hex, as GraphQL over
 * HTTP and GraphQL Code Generator send it; or Apollo's `extensions.persistedQuery.sha256Hash`).
 * A `documentId` is rewritten into Apollo's persisted-query extension, so Apollo looks the text up
 * in the trusted documents (trusted-document-store.ts) for GET and POST alike.
 */
import type { RequestHead } from '../../request/meta.js';
import { normalizeHash } from '../../data/documents/index.js';

export type SentDocument =
  | { readonly kind: 'text' }
  | { readonly kind: 'hash'; readonly hash: string }
  /** Neither, or a hash that is no sha256: Apollo refuses it (a locked principal is refused first). */
  | { readonly kind: 'none' };

const sent = new WeakMap<RequestHead, SentDocument>();

/** What `req` carried; `none` for a request the rewrite never saw. */
export function sentDocumentOf(req: RequestHead): SentDocument {
  return sent.get(req) ?? { kind: 'none' };
}

interface GraphQLHttpRequest {
  method: string;
  search: string;
  body: unknown;
}

/** Notes what `req` sent, and turns a `documentId` into Apollo's persisted-query extension. */
export function rewriteDocumentId(req: RequestHead, http: GraphQLHttpRequest): GraphQLHttpRequest {
  if (http.method === 'GET') {
    const params = new URLSearchParams(http.search);
    const id = params.get('documentId');
    const doc = classify(params.get('query'), id, parseJson(params.get('extensions')));
    sent.set(req, doc);
    if (id === null || params.has('query') || doc.kind !== 'hash') return http;
    params.delete('documentId');
    params.set('extensions', JSON.stringify({ ...asObject(parseJson(params.get('extensions'))), persistedQuery: { version: 1, sha256Hash: doc.hash } }));
    return { ...http, search: `?${params.toString()}` };
  }
  const body = asObject(http.body);
  // A batch (an array) is refused by Apollo; for a lock it counts as text.
  if (!body) return (sent.set(req, Array.isArray(http.body) ? { kind: 'text' } : { kind: 'none' }), http);
  const id = typeof body.documentId === 'string' ? body.documentId : null;
  const doc = classify(body.query, id, body.extensions);
  sent.set(req, doc);
  if (id === null || body.query !== undefined || doc.kind !== 'hash') return http;
  const { documentId: _id, ...rest } = body;
  return { ...http, body: { ...rest, extensions: { ...asObject(body.extensions), persistedQuery: { version: 1, sha256Hash: doc.hash } } } };
}

function classify(query: unknown, documentId: string | null, extensions: unknown): SentDocument {
  // Any operation text at all counts as text, even alongside a hash: it is what would be parsed.
  if (query !== undefined && query !== null) return { kind: 'text' };
  const persisted = asObject(asObject(extensions)?.persistedQuery)?.sha256Hash;
  const id = documentId ?? (typeof persisted === 'string' ? persisted : null);
  const hash = id === null ? null : normalizeHash(id);
  return hash ? { kind: 'hash', hash } : { kind: 'none' };
}

function asObject(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
