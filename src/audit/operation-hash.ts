/**
 * The operation hash: SHA-256 of the document with every literal value blanked and ignored
 * characters stripped, so `customer(id: "a")` and `customer(id: "b")` hash the same and no value a
 * caller typed (an email in a filter) reaches the audit row. Variables never enter the document.
 */
import { createHash } from 'node:crypto';
import { Kind, print, stripIgnoredCharacters, visit, type DocumentNode } from 'graphql';

const CACHE_LIMIT = 1000;
// Keyed by the query text: the same document is normalised once per process, not once per request.
const cache = new Map<string, string>();

export function normalizedDocument(document: DocumentNode): string {
  const blanked = visit(document, {
    [Kind.INT]: (node) => ({ ...node, value: '0' }),
    [Kind.FLOAT]: (node) => ({ ...node, value: '0' }),
    [Kind.STRING]: (node) => ({ ...node, value: '', block: false }),
    [Kind.LIST]: (node) => ({ ...node, values: [] }),
    [Kind.OBJECT]: (node) => ({ ...node, fields: [] }),
  });
  return stripIgnoredCharacters(print(blanked));
}

export function operationHash(document: DocumentNode, queryText?: string): string {
  const hit = queryText === undefined ? undefined : cache.get(queryText);
  if (hit) return hit;
  const hash = createHash('sha256').update(normalizedDocument(document)).digest('hex');
  if (queryText !== undefined) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(queryText, hash);
  }
  return hash;
}
