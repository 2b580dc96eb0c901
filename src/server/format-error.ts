/**
 * The one place errors are shaped for clients. Known codes pass with their message; anything else
 * (a driver error, SQL text, a stack) becomes a bare internal error. Must never throw.
 */
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, KOE_ERROR_CODES } from '../request/errors.js';

const APOLLO_CLIENT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE']);

// Validation errors about argument values are the caller's bad input, not a malformed document.
const VALUE_ERROR = /^(Expected value of type|Value ".*" does not exist in|Enum ".*" cannot represent|(Int|Float|ID|String|Boolean|DateTime).* cannot represent|Variable "\$.*" got invalid value|Expected type)/;

// graphql-js appends suggestions built from the schema; in production they would rebuild it field by field.
const SUGGESTION = /\s*Did you mean [^?]*\?\s*$/;

/** The formatter a server uses: in production, validation messages lose their "did you mean" hints. */
export function formatErrorFor(opts: { production: boolean }): (formatted: GraphQLFormattedError) => GraphQLFormattedError {
  if (!opts.production) return formatError;
  return (formatted) => {
    const out = formatError(formatted);
    try {
      return SUGGESTION.test(out.message) ? { ...out, message: out.message.replace(SUGGESTION, '') } : out;
    } catch {
      return out;
    }
  };
}

/** Whether an error with this `extensions.code` reaches the client as written (else it is masked, and logged). */
export function isClientFacingCode(code: unknown): boolean {
  return typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR && (KOE_ERROR_CODES.has(code) || APOLLO_CLIENT_CODES.has(code));
}

export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  try {
    const code = formatted.extensions?.code;
    const { stacktrace: _drop, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    if (isClientFacingCode(code)) return { ...formatted, extensions };
    if (code === 'GRAPHQL_VALIDATION_FAILED') {
      const bad = VALUE_ERROR.test(formatted.message);
      return { ...formatted, extensions: { ...extensions, code: bad ? ErrorCode.BAD_USER_INPUT : code } };
    }
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  } catch {
    return { message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
}
