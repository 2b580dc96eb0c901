/**
 * A persisted-documents manifest ({hash: text}, as GraphQL Code Generator's client preset writes
 * it), checked before anything is stored: each hash must be the sha256 of its text (a manifest that
 * lies would let a reviewed hash run unreviewed text), and each text must be one valid executable
 * document for the API schema. Every problem is reported, each naming its hash.
 */
import { createHash } from 'node:crypto';
import { parse, validate, type GraphQLSchema } from 'graphql';

export interface ManifestEntry {
  readonly hash: string;
  readonly body: string;
}

export class ManifestError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the manifest was refused (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was published:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ManifestError';
  }
}

const HEX = /^[0-9a-f]{64}$/;

/** `sha256:<hex>` or bare hex (GraphQL over HTTP's documentId, Apollo's sha256Hash) as 64 lower-case hex digits; null if neither. */
export function normalizeHash(id: string): string | null {
  const hex = (id.startsWith('sha256:') ? id.slice('sha256:'.length) : id).toLowerCase();
  return HEX.test(hex) ? hex : null;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The entries of `json` (the manifest file's text), verified against `schema`; throws ManifestError listing every problem. */
export function verifyManifest(json: string, schema: GraphQLSchema): ManifestEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new ManifestError([`not JSON: ${(e as Error).message}`]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ManifestError(['expected an object of {"sha256:<hex>": "<document text>"}']);
  const problems: string[] = [];
  const entries: ManifestEntry[] = [];
  for (const [key, body] of Object.entries(data)) {
    const hash = normalizeHash(key);
    if (!hash) {
      problems.push(`${key}: not a sha256 hash ("sha256:" and 64 hex digits, or the 64 digits alone)`);
      continue;
    }
    if (typeof body !== 'string') {
      problems.push(`${key}: the document must be a string`);
      continue;
    }
    if (sha256Hex(body) !== hash) {
      problems.push(`${key}: the hash is not the sha256 of its text (it is sha256:${sha256Hex(body)})`);
      continue;
    }
    const invalid = invalidity(body, schema);
    if (invalid) problems.push(`${key}: ${invalid}`);
    else entries.push({ hash, body });
  }
  if (problems.length) throw new ManifestError(problems);
  if (entries.length === 0) throw new ManifestError(['the manifest holds no documents']);
  return entries;
}

function invalidity(body: string, schema: GraphQLSchema): string | null {
  try {
    const errors = validate(schema, parse(body));
    return errors.length ? `invalid for the API schema: ${errors.map((e) => e.message).join('; ')}` : null;
  } catch (e) {
    return `does not parse: ${(e as Error).message}`;
  }
}
