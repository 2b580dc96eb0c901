/**
 * Records the requests refused before any operation runs: the context function throws for bad
 * credentials (UNAUTHENTICATED) or an undeclared purpose, and Apollo's `contextCreationDidFail`
 * hook does not see the request, so the context function itself is wrapped. Fail closed here too:
 * if the refusal cannot be recorded the caller gets AUDIT_UNAVAILABLE instead of the refusal.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { AuditUnavailableError, ErrorCode, PrincipalRefusedError, ServiceUnavailableError, UnauthenticatedError } from '../request/errors.js';
import { requestMeta, type RequestHead } from '../request/meta.js';
import type { AlertSink } from './alerts/alert-evaluator.js';
import { appendAuditEvents } from './append.js';
import type { NewAuditEvent } from './event.js';

/** No principal, so no policy decided anything: refusal events carry this policy version. */
export const NO_POLICY = 'none';

export function refusalEvent(err: unknown, req: RequestHead, subgraph: string, at = new Date()): NewAuditEvent {
  const meta = requestMeta(req);
  const code = err instanceof GraphQLError ? err.extensions.code : undefined;
  const unauthenticated = code === ErrorCode.UNAUTHENTICATED;
  // Refused for who they are, after authentication: the principal is known and verified.
  const who = err instanceof PrincipalRefusedError ? err.principal : null;
  return {
    at,
    actorId: who?.id ?? null,
    roles: who ? [...who.roles] : [],
    action: unauthenticated ? 'authenticate' : 'authorize',
    outcome: unauthenticated ? 'unauthenticated' : code === ErrorCode.BAD_USER_INPUT || who ? 'denied' : 'error',
    operationName: null,
    operationHash: null,
    purpose: meta.purpose,
    subgraph,
    resources: [],
    fields: [],
    policyVersion: err instanceof PrincipalRefusedError ? err.policyVersion : NO_POLICY,
    requestId: meta.requestId,
    clientAddress: meta.clientAddress,
    // Only messages Koe wrote itself (they never echo a credential); anything else stays generic.
    detail: { reason: err instanceof GraphQLError ? err.message : 'context creation failed', code: code ?? null, ...claimOf(err) },
  };
}

/**
 * A genuine credential (our signature, a stored API key) refused because of whom it names (a
 * leaver, an unknown id) or its state: the id it claims is kept apart from `actorId` and marked
 * unverified, so an incident report finds a leaver's attempts. A forged token's subject is never
 * recorded: anyone can write one, and it would let an attacker put words in someone's mouth.
 */
function claimOf(err: unknown): { claimedPrincipalId: string; verified: false } | Record<string, never> {
  return err instanceof UnauthenticatedError && err.claimedPrincipalId ? { claimedPrincipalId: err.claimedPrincipalId, verified: false } : {};
}

/** Called when a refusal could not be recorded (the caller got AUDIT_UNAVAILABLE); for the ops log. */
export type RefusalAppendError = (err: unknown, event: NewAuditEvent) => void;

export interface RefusalRecording {
  /** The alert rules run over each recorded refusal (repeated authentication failures …). */
  alerts: AlertSink;
  onAppendError?: RefusalAppendError;
}

export function recordingRefusals<C>(
  orm: MikroORM,
  subgraph: string,
  context: (req: RequestHead) => Promise<C>,
  { alerts, onAppendError = () => {} }: RefusalRecording,
): (req: RequestHead) => Promise<C> {
  return async (req) => {
    try {
      return await context(req);
    } catch (err) {
      const event = refusalEvent(err, req, subgraph);
      try {
        const [chained] = await appendAuditEvents(orm.em.fork(), [event]);
        void alerts(orm.em.fork(), [chained!]);
      } catch (appendErr) {
        onAppendError(appendErr, event);
        // The database is down for the refusal too: the caller gets the outage (503), never the refusal unrecorded.
        throw err instanceof ServiceUnavailableError ? err : new AuditUnavailableError();
      }
      throw err;
    }
  };
}
