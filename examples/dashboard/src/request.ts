/**
 * The dashboard's only road to Koe: every operation goes through `request`. It sends a document's
 * hash (`documentId`, embedded by codegen's persisted-documents preset), so a Koe where the manifest
 * is published (`koe documents publish examples/dashboard/generated/persisted-documents.json
 * --client dashboard`) never receives operation text from it; a role locked to trusted documents
 * needs that. Where the hash is not published yet, it asks once more with the text and keeps
 * using the text for that document until the page reloads. Same origin: `npm run dashboard` proxies
 * /graphql to the gateway, so no request leaves the page's host.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export class RequestError extends Error {
  constructor(
    message: string,
    /** HTTP status: 401 (credential refused), 403, 429, 503 (Koe or its database unavailable)... */
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
  }
}

interface GraphQLError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string };
}

export interface Answer<T> {
  data: T;
  /** Paths (joined with ".") of values the role may not read: null in `data`, shown as hidden. */
  hidden: Set<string>;
}

// Printed once per document, not per request.
const texts = new WeakMap<object, string>();
const textOf = (doc: TypedDocumentNode<unknown, never>) => texts.get(doc) ?? texts.set(doc, print(doc)).get(doc)!;

/** `koe_…` is an API key (its own scheme at the gateway); anything else a token from `npm start`. */
export const authorization = (credential: string) => (credential.startsWith('koe_') ? `ApiKey ${credential}` : `Bearer ${credential}`);

type Body<T> = { data?: T | null; errors?: GraphQLError[] };
interface Sent<T> {
  res: Response;
  body: Body<T>;
}

/** Documents this Koe does not know by hash: asked by text from then on. */
const unpublished = new WeakSet<object>();
const hashOf = (doc: object) => (doc as { __meta__?: { hash?: string } }).__meta__?.hash;

async function send<T>(credential: string, payload: Record<string, unknown>): Promise<Sent<T>> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: authorization(credential) },
      body: JSON.stringify(payload),
    });
  } catch (e) {
    throw new RequestError(e instanceof Error ? e.message : String(e), 0, null);
  }
  try {
    return { res, body: (await res.json()) as Body<T> };
  } catch {
    throw new RequestError(`HTTP ${res.status} ${res.statusText}`, res.status, null);
  }
}

export async function request<T, V extends Record<string, unknown>>(credential: string, doc: TypedDocumentNode<T, V>, variables: V): Promise<Answer<T>> {
  const hash = hashOf(doc);
  let sent: Sent<T> | null = null;
  if (hash && !unpublished.has(doc)) {
    sent = await send<T>(credential, { documentId: hash, variables });
    if (sent.body.errors?.some((e) => e.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND')) {
      unpublished.add(doc);
      sent = null;
    }
  }
  const { res, body } = sent ?? (await send<T>(credential, { query: textOf(doc as TypedDocumentNode<unknown, never>), variables }));
  const errors = body.errors ?? [];
  // A field the role may not read is null with a FORBIDDEN error at its path; the rest still renders.
  const fieldDenials = errors.filter((e) => e.extensions?.code === 'FORBIDDEN' && e.path && e.path.length > 1);
  const other = errors.find((e) => !fieldDenials.includes(e));
  if (other || !body.data) {
    const first = other ?? errors[0];
    throw new RequestError(first?.message ?? `HTTP ${res.status} ${res.statusText}`, res.status === 200 && first?.extensions?.code === 'FORBIDDEN' ? 403 : res.status, first?.extensions?.code ?? null);
  }
  return { data: body.data, hidden: new Set(fieldDenials.map((e) => e.path!.join('.'))) };
}
