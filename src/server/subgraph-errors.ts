/**
 * What the gateway makes of a subgraph that answered with a non-2xx status. Apollo's data source
 * turns it into "400: Bad Request" carrying the subgraph's URL and body, which the error formatter
 * then masks as INTERNAL_SERVER_ERROR: a client lost the reason (an undeclared purpose, the audit
 * trail down) and got another status class. Here a Koe error code the subgraph raised passes
 * through with its message, its client-facing extensions, its HTTP status and `Retry-After`;
 * anything else stays an internal error. Never the subgraph's URL, nor the raw body.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode, KOE_ERROR_CODES } from '../request/errors.js';

interface SubgraphResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

interface BodyError {
  message?: unknown;
  extensions?: Record<string, unknown>;
}

// Extensions a subgraph's formatter already shaped for clients; transport details stay behind.
const DROPPED = new Set(['http', 'stacktrace', 'exception', 'response', 'code']);

export async function errorFromSubgraph(response: SubgraphResponse): Promise<GraphQLError> {
  const known = firstKoeError(await response.text().catch(() => ''));
  if (!known) return new GraphQLError('Internal server error');
  const code = known.extensions!.code as string;
  const extensions: Record<string, unknown> = { code };
  for (const [k, v] of Object.entries(known.extensions!)) if (!DROPPED.has(k)) extensions[k] = v;
  const retryAfter = response.headers.get('retry-after');
  extensions.http = { status: response.status, headers: new Map(retryAfter ? [['retry-after', retryAfter]] : []) };
  return new GraphQLError(typeof known.message === 'string' ? known.message : code, { extensions });
}

function firstKoeError(text: string): BodyError | null {
  let body: { errors?: unknown };
  try {
    body = JSON.parse(text) as { errors?: unknown };
  } catch {
    return null;
  }
  if (!body || !Array.isArray(body.errors)) return null;
  for (const e of body.errors as BodyError[]) {
    const code = e?.extensions?.code;
    if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR && KOE_ERROR_CODES.has(code)) return e;
  }
  return null;
}
