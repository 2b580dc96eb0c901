/**
 * Errors an operator must see, logged once where they happen: internal errors (masked for the
 * client by `format-error.ts`), failed audit writes and failures of the HTTP front. A line carries
 * what locates the failure (request id, server, operation, code, the error's class, SQLSTATE and
 * message), never variables or data; the message itself is redacted (`redactMessage`), since a
 * driver error may quote the value that broke it.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { ErrorCode } from '../../request/errors.js';
import { isClientFacingCode } from '../format-error.js';
import type { Logger } from './logger.js';
import type { ObservedContext } from './observe.plugin.js';

export interface ErrorFields {
  error: string;
  errorClass: string;
  sqlState?: string;
  /** The statement a database error came from (knex writes "<sql> - <reason>"), values redacted. */
  statement?: string;
}

/** Logs every error this request raised that the client sees only as INTERNAL_SERVER_ERROR. */
export function useErrorLog<C extends ObservedContext>(log: Logger, server: string): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const e of errors) {
            if (isClientFacingCode(e.extensions?.code) || e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED') continue;
            log.error(
              { requestId: contextValue?.requestId, server, operation: operationName ?? null, code: ErrorCode.INTERNAL_SERVER_ERROR, path: e.path?.join('.'), ...errorFields(originalOf(e)) },
              'internal error',
            );
          }
        },
      };
    },
  };
}

function originalOf(e: GraphQLError): unknown {
  return e.originalError ?? e;
}

/** What a log line may say about an error: its class, SQLSTATE, and redacted message. */
export function errorFields(err: unknown): ErrorFields {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { sqlState?: unknown }).sqlState ?? (e as { code?: unknown }).code;
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const cut = e.message.lastIndexOf(' - ');
  const fromSql = sqlState !== undefined && cut > 0 && SQL_START.test(e.message);
  return {
    error: redactMessage(fromSql ? e.message.slice(cut + 3) : e.message),
    errorClass: e.constructor?.name ?? 'Error',
    ...(sqlState ? { sqlState } : {}),
    ...(fromSql ? { statement: redactMessage(e.message.slice(0, cut)) } : {}),
  };
}

const SQL_START = /^\s*(select|insert|update|delete|with|call|create|alter|drop|lock)\b/i;

const MAX_MESSAGE = 400;
// An SQL identifier as PostgreSQL quotes it (column, relation, constraint): safe and useful to keep.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$.]{0,62}$/;

/**
 * A message fit for the log: single-quoted literals (SQL text with values inlined), double-quoted
 * values that are not identifiers (`invalid input syntax for type integer: "…"`), `(key)=(value)`
 * pairs, e-mail addresses and digit runs that could be phone numbers are replaced by `…`.
 */
export function redactMessage(message: string): string {
  const out = message
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) => (IDENTIFIER.test(inner) ? whole : '"…"'))
    .replace(/\)=\([^)]*\)/g, ')=(…)')
    .replace(/[^\s@"'(),;:<>]+@[^\s@"'(),;:<>]+/g, '…')
    .replace(/\+?\d[\d\s\-()]{5,}\d/g, '…');
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}

/** For `recordingRefusals`: a refusal that could not be recorded (the caller got AUDIT_UNAVAILABLE). */
export function refusalAppendLogger(server: string, log: Logger): (err: unknown, event: { requestId: string }) => void {
  return (err, event) =>
    log.error({ requestId: event.requestId, server, subgraph: server, code: ErrorCode.AUDIT_UNAVAILABLE, ...errorFields(err) }, 'audit write failed');
}

/** For the HTTP front: a request that failed outside Apollo's error handling (answered 500). */
export function httpErrorLogger(server: string, log: Logger): (err: unknown, requestId: string | undefined) => void {
  return (err, requestId) => log.error({ requestId, server, code: ErrorCode.INTERNAL_SERVER_ERROR, ...errorFields(err) }, 'internal error');
}
