/**
 * What a request did, for the log line and the metrics written when its response leaves (see
 * `RequestObserver`): operation name, first error code, PLAIN/MASKED/DENIED decisions. Also stamps
 * the request id on masked internal errors so a caller can quote it to an operator.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ErrorCode, type DatabaseFailure } from '../../request/errors.js';
import { databaseFailureOf } from './database-failure.js';
import { handOverOnStringify, type Handover } from '../handover.js';

export interface Observed {
  operation: string | null;
  errorCode: string | null;
  /** An error in this request says PostgreSQL is unreachable or timed out: the HTTP front answers 503. */
  databaseDown?: DatabaseFailure;
  /** An in-process call's: where its answer is handed over (src/server/handover.ts). */
  handover?: Handover;
}

export interface ObservedContext extends BaseContext {
  readonly requestId: string;
}

// Apollo hands plugins a shallow clone of the context, so the record travels as a symbol-keyed
// property (copied by reference into the clone) rather than keyed on the object's identity.
const OBSERVED = Symbol('koe.observed');

/** Called by the HTTP front on the context it created, so it can read the record afterwards. */
export function withObservation<C extends object>(ctx: C, handover?: Handover): C {
  (ctx as Record<symbol, Observed>)[OBSERVED] = { operation: null, errorCode: null, ...(handover ? { handover } : {}) };
  return ctx;
}

export function observationOf(ctx: object | undefined): Observed | undefined {
  return ctx ? (ctx as Record<symbol, Observed | undefined>)[OBSERVED] : undefined;
}

export function useObserver<C extends ObservedContext>(onDecisions?: (ctx: C) => void): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ contextValue }) {
      const o = observationOf(contextValue) ?? { operation: null, errorCode: null };
      return {
        async didResolveOperation({ operationName }) {
          o.operation = operationName;
        },
        async willSendResponse({ response, errors }) {
          const down = errors?.map((e) => databaseFailureOf(e)).find((why) => why !== null);
          if (down) {
            o.databaseDown = down;
            o.errorCode = ErrorCode.SERVICE_UNAVAILABLE;
          } else {
            // What the client is sent decides: a recorder that refused the answer replaced its body (AUDIT_UNAVAILABLE).
            const first = (response.body.kind === 'single' ? response.body.singleResult.errors?.[0] : undefined) ?? errors?.[0];
            if (first) o.errorCode = String(first.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
          }
          onDecisions?.(contextValue);
          if (response.body.kind !== 'single') return;
          if (o.handover) handOverOnStringify(o.handover, response.body.singleResult);
          for (const e of response.body.singleResult.errors ?? []) {
            if (e.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) (e as { extensions: Record<string, unknown> }).extensions.requestId = contextValue.requestId;
          }
        },
      };
    },
  };
}
