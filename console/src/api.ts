/**
 * The console's only road to data: GraphQL at /graphql on the same origin, with the session cookie
 * and the X-Koe-Console header (without it the gateway ignores the cookie, so a cross-site form
 * cannot act as the signed-in principal).
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly status: number,
  ) {
    super(message);
  }
}

const HEADERS = { 'content-type': 'application/json', 'x-koe-console': '1' };

// Every answer to a signed-in request renews the session cookie (idle timeout). Sign-out waits for
// the requests still in flight, or an answer arriving after it would set the cookie again.
const inFlight = new Set<Promise<unknown>>();

/** fetch for requests made with the session cookie: tracked so sign-out can wait for them. */
export function sessionFetch(url: string, init: RequestInit): Promise<Response> {
  const p = fetch(url, { ...init, credentials: 'same-origin' });
  const settled = p.then((r) => r.clone().arrayBuffer()).catch(() => undefined);
  inFlight.add(settled);
  void settled.finally(() => inFlight.delete(settled));
  return p;
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await sessionFetch('/graphql', { method: 'POST', headers: HEADERS, body: JSON.stringify({ query, variables }) });
  let body: { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiError(`HTTP ${res.status}`, null, res.status);
  }
  const first = body.errors?.[0];
  if (first) throw new ApiError(first.message, first.extensions?.code ?? null, res.status);
  if (!body.data) throw new ApiError(`HTTP ${res.status}`, null, res.status);
  return body.data;
}

export async function signIn(credential: string): Promise<void> {
  const res = await fetch('/console/session', { method: 'POST', headers: HEADERS, credentials: 'same-origin', body: JSON.stringify({ credential }) });
  if (res.status === 429) throw new ApiError(res.headers.get('retry-after') ?? '60', 'RATE_LIMITED', 429);
  if (!res.ok) throw new ApiError(((await res.json()) as { error?: string }).error ?? `HTTP ${res.status}`, 'UNAUTHENTICATED', res.status);
}

/** Whether the gateway offers "Sign in with SSO" (KOE_OIDC_ISSUER and KOE_OIDC_CLIENT_ID set). */
export async function signInOptions(): Promise<{ sso: boolean }> {
  const res = await fetch('/console/session', { headers: HEADERS, credentials: 'same-origin' });
  return res.ok ? ((await res.json()) as { sso: boolean }) : { sso: false };
}

/**
 * The SDL the signed-in principal may use (`/console/schema`): the Explorer's schema without
 * introspection, which production keeps for admins. null when the gateway gives none.
 */
export async function callerSchemaSdl(): Promise<string | null> {
  const res = await sessionFetch('/console/schema', { headers: HEADERS });
  if (!res.ok) return null;
  return ((await res.json()) as { sdl?: string }).sdl ?? null;
}

/** A GraphQL request as GraphiQL sends it, with the session (the Explorer's fetcher). */
export async function rawGql(body: unknown): Promise<unknown> {
  const res = await sessionFetch('/graphql', { method: 'POST', headers: HEADERS, body: JSON.stringify(body) });
  return res.json();
}

export async function signOut(): Promise<void> {
  await Promise.allSettled([...inFlight]);
  await fetch('/console/session', { method: 'DELETE', headers: HEADERS, credentials: 'same-origin' });
}

export interface Me {
  id: string;
  displayName: string;
  roles: string[];
  teamId: string | null;
  purpose: string | null;
  policyVersion: string;
  decisions: Array<{ field: string; decision: string }>;
}

export const ME_QUERY = `query ConsoleMe { me { id displayName roles teamId purpose policyVersion decisions { field decision } } }`;
