/**
 * The dashboard's only road to Koe: every operation goes through `request`, so sending a persisted
 * document's hash instead of its text later is a change to this file alone. Same origin: `npm run
 * dashboard` proxies /graphql to the gateway, so no request leaves the page's host.
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

export async function request<T, V extends Record<string, unknown>>(credential: string, doc: TypedDocumentNode<T, V>, variables: V): Promise<Answer<T>> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: authorization(credential) },
      body: JSON.stringify({ query: textOf(doc as TypedDocumentNode<unknown, never>), variables }),
    });
  } catch (e) {
    throw new RequestError(e instanceof Error ? e.message : String(e), 0, null);
  }
  let body: { data?: T | null; errors?: GraphQLError[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new RequestError(`HTTP ${res.status} ${res.statusText}`, res.status, null);
  }
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
