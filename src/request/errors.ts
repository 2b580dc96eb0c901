/**
 * Every error a client can see, with its stable `extensions.code`. Nothing else leaves a server:
 * any other error is masked by the error formatter.
 */
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  RATE_LIMITED: 'RATE_LIMITED',
  /** The audit event could not be written, so nothing was returned (fail closed). */
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  /** PostgreSQL cannot be reached (or timed out): nothing was returned; retry later (HTTP 503). */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** The customer's data key was destroyed (erasure): the field reads as null, the rest of the page stands. */
  DATA_ERASED: 'DATA_ERASED',
  /** A stored ciphertext failed its integrity check (tampered, or moved to another row or column). */
  DECRYPTION_FAILED: 'DECRYPTION_FAILED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const KOE_ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

export class UnauthenticatedError extends GraphQLError {
  /**
   * The principal a genuine credential (valid signature, or a stored API key) named although it was
   * refused: for the audit trail only, never in `extensions`, so the caller is told nothing more.
   */
  readonly claimedPrincipalId: string | null;

  constructor(reason: string, claimedPrincipalId: string | null = null) {
    super(`Not authenticated: ${reason}`, {
      extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
    });
    this.claimedPrincipalId = claimedPrincipalId;
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code: ErrorCode.FORBIDDEN, ...extra } });
  }
}

/**
 * A request refused before any operation ran, for who sent it (authenticated): e.g. operation text
 * from a principal the policy locks to trusted documents. HTTP 403; the refusal's audit event names
 * the principal (src/audit/refusal-recorder.ts), which `extensions` never repeat.
 */
export class PrincipalRefusedError extends ForbiddenError {
  constructor(
    message: string,
    readonly principal: { readonly id: string; readonly roles: readonly string[] },
    /** The policy version that decided the refusal. */
    readonly policyVersion: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { ...extra, http: { status: 403 } });
  }
}

/** The caller's input is wrong: HTTP 400 wherever it is raised (GraphQL over HTTP), so a client need not read the body to know. */
export class BadUserInputError extends GraphQLError {
  constructor(argument: string, reason: string) {
    super(`Invalid value for "${argument}": ${reason}`, {
      extensions: { code: ErrorCode.BAD_USER_INPUT, argument, reason, http: { status: 400 } },
    });
  }
}

/** The audit trail refused the event: the request is answered with this and no data. */
export class AuditUnavailableError extends GraphQLError {
  constructor() {
    super('The audit trail is unavailable, so no data was returned; try again later', {
      extensions: { code: ErrorCode.AUDIT_UNAVAILABLE, http: { status: 503 } },
    });
  }
}

/**
 * Why a request got SERVICE_UNAVAILABLE, in `extensions.reason`: the database could not be reached,
 * or it was reached but did not answer in time (a statement timeout, e.g. behind a lock; a pool full
 * of such statements). Either way nothing was returned or written, and a retry may succeed.
 */
export const DatabaseFailure = { UNREACHABLE: 'DATABASE_UNREACHABLE', TIMEOUT: 'DATABASE_TIMEOUT' } as const;
export type DatabaseFailure = (typeof DatabaseFailure)[keyof typeof DatabaseFailure];

const UNAVAILABLE_MESSAGES: Record<DatabaseFailure, string> = {
  DATABASE_UNREACHABLE: 'The service is temporarily unavailable (database unreachable); no data was returned, try again later',
  DATABASE_TIMEOUT: 'The service is temporarily unavailable (the database did not answer in time: statement timeout); no data was returned, try again later',
};

/** The database failed us: the request is answered with this alone, no data (HTTP 503). */
export class ServiceUnavailableError extends GraphQLError {
  constructor(reason: DatabaseFailure = DatabaseFailure.UNREACHABLE) {
    super(UNAVAILABLE_MESSAGES[reason], {
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, reason, http: { status: 503 } },
    });
  }
}

export class DataErasedError extends GraphQLError {
  constructor(field: string) {
    super(`${field} was erased: the customer's data key no longer exists`, { extensions: { code: ErrorCode.DATA_ERASED, field } });
  }
}

export class DecryptionFailedError extends GraphQLError {
  constructor(field: string) {
    super(`${field} failed its integrity check and is withheld`, { extensions: { code: ErrorCode.DECRYPTION_FAILED, field } });
  }
}
