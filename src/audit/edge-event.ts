/**
 * The edge event: one per client operation, appended by the gateway after the last subgraph
 * answered and before the first byte of the response leaves, with a synchronous commit. The
 * subgraphs the gateway called committed their own events without waiting for the WAL flush
 * (`commit: 'async'` in their detail); PostgreSQL flushes WAL in order, so this commit makes them
 * durable too. If it fails, the client gets `data: null` with AUDIT_UNAVAILABLE (HTTP 503): no byte
 * of personal data reaches a client before every event that describes it is durable.
 *
 * The event: action `edge`, subgraph `gateway`, the principal and roles as the gateway read them,
 * the client's operation name and hash, the request id (shared with the subgraph events), the
 * outcome of the whole response, and in `detail` the operation type and the subgraph calls made
 * (`calls`, one name per fetch, in the order they were sent). No resources and no field decisions:
 * those are in the subgraph events.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthenticatedPrincipal } from '../request/principal.js';
import { AuditAppendBatcher } from './append-batcher.js';
import { UNAVAILABLE } from './audit.plugin.js';
import type { NewAuditEvent } from './event.js';
import { operationHash } from './operation-hash.js';
import { outcomeOf } from './request-event.js';

export const EDGE_ACTION = 'edge';
export const EDGE_SUBGRAPH = 'gateway';

/** What the gateway's request context must hold for its edge event. */
export interface EdgeContext {
  requestId: string;
  principal: AuthenticatedPrincipal;
  purpose: string | null;
  clientAddress: string | null;
  /** The subgraphs called for this request, one entry per fetch (the gateway's data sources push). */
  calls: string[];
}

export interface EdgeAuditOptions<C extends EdgeContext> {
  /** An entity manager for the appends (its connection only). */
  em: EntityManager;
  policyVersion: string;
  /** Called when the edge event could not be written (the client got AUDIT_UNAVAILABLE); for the ops log. */
  onAppendError?: (err: unknown, ctx: C) => void;
}

export function useEdgeAudit<C extends EdgeContext>(opts: EdgeAuditOptions<C>): ApolloServerPlugin<C> {
  const batcher = new AuditAppendBatcher();
  const onAppendError = opts.onAppendError ?? (() => {});
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const body = rc.response.body;
          try {
            // Koe serves no @defer/@stream; an incremental body is refused rather than sent unrecorded.
            if (body?.kind !== 'single') throw new Error('incremental delivery is not audited');
            const ctx = rc.contextValue;
            const result = body.singleResult;
            const event: NewAuditEvent = {
              at: new Date(),
              actorId: ctx.principal.id,
              roles: [...ctx.principal.roles],
              action: EDGE_ACTION,
              outcome: outcomeOf(result.data, result.errors),
              operationName: rc.operationName ?? rc.operation?.name?.value ?? null,
              operationHash: rc.document ? operationHash(rc.document, rc.request.query) : null,
              purpose: ctx.purpose,
              subgraph: EDGE_SUBGRAPH,
              resources: [],
              fields: [],
              policyVersion: opts.policyVersion,
              requestId: ctx.requestId,
              clientAddress: ctx.clientAddress,
              detail: { operation: rc.operation?.operation ?? null, calls: [...ctx.calls] },
            };
            await batcher.append(opts.em, event);
          } catch (err) {
            onAppendError(err, rc.contextValue);
            rc.response.body = { kind: 'single', singleResult: { data: null, errors: [UNAVAILABLE] } };
            rc.response.http.status = 503;
          }
        },
      };
    },
  };
}
