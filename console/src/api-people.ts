/**
 * GraphQL for the people screens (Access, Audit, Data subjects): the same road as `gql` (cookie +
 * X-Koe-Console), plus a declared purpose (the DPO's `compliance`) and the whole answer, data and
 * errors, because a partly denied or erased record is still worth showing.
 */
import { useRef } from 'react';
import { ApiError, sessionFetch } from './api';

export interface GqlError { message: string; path?: Array<string | number>; extensions?: { code?: string } }
export interface GqlAnswer<T> { data: T | null; errors: GqlError[] }

export async function gqlAnswer<T>(query: string, variables: Record<string, unknown> = {}, purpose?: string): Promise<GqlAnswer<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-koe-console': '1' };
  if (purpose) headers['x-koe-purpose'] = purpose;
  const res = await sessionFetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  let body: { data?: T | null; errors?: GqlError[] } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiError(`HTTP ${res.status}`, null, res.status);
  }
  const errors = body.errors ?? [];
  if (res.status === 401 || errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) throw new ApiError(errors[0]?.message ?? 'HTTP 401', 'UNAUTHENTICATED', 401);
  if (!body.data) throw new ApiError(errors[0]?.message ?? `HTTP ${res.status}`, errors[0]?.extensions?.code ?? null, res.status);
  return { data: body.data, errors };
}

/** Data only: the first error throws, as `gql` does, but with a purpose. */
export async function gqlFor<T>(query: string, variables: Record<string, unknown> = {}, purpose?: string): Promise<T> {
  const { data, errors } = await gqlAnswer<T>(query, variables, purpose);
  const first = errors[0];
  if (first) throw new ApiError(first.message, first.extensions?.code ?? null, 200);
  return data as T;
}

/** Saves text as a file the browser downloads (a blob: URL; nothing leaves the page). */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The last data a `useGql` answered, kept while it reloads, so a list and what is open under it stay put. */
export function useKept<T>(loaded: { kind: string; data?: T }): T | null {
  const last = useRef<T | null>(null);
  if (loaded.kind === 'ok') last.current = loaded.data as T;
  return last.current;
}
