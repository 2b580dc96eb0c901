/** Builds the CASL (Mongo) conditions of one resolved branch; the loader guaranteed one value per field and operator. */
import type { Conjunction } from './cond-node.js';

export function conjunctionToMongo(conj: Conjunction): Record<string, Record<string, unknown>> | undefined {
  if (conj.length === 0) return undefined;
  const out: Record<string, Record<string, unknown>> = {};
  for (const c of conj) (out[c.field] ??= {})[`$${c.op}`] = c.value;
  return out;
}
