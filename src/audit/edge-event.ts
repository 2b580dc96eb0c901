/**
 * The edge event: one per client operation, appended by the gateway after the last subgraph
 * answered and before the first byte of the response leaves, with a synchronous commit. The
 * subgraphs the gateway called did not append their read events: they handed them back in their
 * responses (src/audit/handoff.ts), and they go into the chain here, in the same transaction as
 * the edge event and just before it: one chain-lock acquisition, one round trip, one WAL flush per
 * client request (shared with concurrent requests by the append batcher's group commit). The
 * gateway starts that commit here and its HTTP front awaits it after Apollo has serialised the
 * answer, before writing any of it (`deferCommit`, src/request/deferred-commit.ts). If a
 * handed-off event fails its checks or the append fails, the client gets `data: null` with
 * AUDIT_UNAVAILABLE (HTTP 503) and nothing of the request is appended: no byte of personal data
 * reaches a client before every event that describes it is durable. A subgraph response the
 * gateway never used (it crashed first) leaves no event; no byte of it reached a client.
 * The alert rules and signed checkpoints run here over the handed-off events, as the subgraph's
 * recorder runs them over the events it appends itself.
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
import { alertSink, type AlertOptions } from './alerts/alert-evaluator.js';
import { alertQueue } from './alerts/alert-queue.js';
import { chainedEvent, prepareAuditRow } from './append.js';
import { AuditAppendBatcher } from './append-batcher.js';
import { UNAVAILABLE } from './audit.plugin.js';
import { writeCheckpoint, type CheckpointKey } from './checkpoint.js';
import { defer, type DeferredCommit } from '../request/deferred-commit.js';
import type { NewAuditEvent } from './event.js';
import type { HandoffInbox } from './handoff.js';
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
  /** The events the called subgraphs handed back, checked (the gateway's data sources fill it). */
  handoffs: HandoffInbox;
  /** With `deferCommit`: the request's append, in flight while Apollo serialises the answer. */
  auditCommit: DeferredCommit;
}

export interface EdgeAuditOptions<C extends EdgeContext> {
  /** An entity manager for the appends (its connection only). */
  em: EntityManager;
  policyVersion: string;
  /** Called when the edge event could not be written (the client got AUDIT_UNAVAILABLE); for the ops log. */
  onAppendError?: (err: unknown, ctx: C) => void;
  /** The alert rules of the subgraphs' policy, run over the events they handed back; absent: none. */
  alerts?: AlertOptions;
  /** Sign a checkpoint every N events (0: never), as the subgraphs' recorders do. */
  checkpointEvery?: number;
  checkpointKey?: CheckpointKey | null;
  onCheckpointError?: (err: unknown) => void;
  /** Leave the commit in flight for the HTTP front to await (src/request/deferred-commit.ts); else awaited here. */
  deferCommit?: boolean;
}

export function useEdgeAudit<C extends EdgeContext>(opts: EdgeAuditOptions<C>): ApolloServerPlugin<C> {
  const batcher = new AuditAppendBatcher();
  const onAppendError = opts.onAppendError ?? (() => {});
  const onCheckpointError = opts.onCheckpointError ?? (() => {});
  const alerts = alertQueue(opts.alerts ? alertSink(opts.alerts) : async () => {});
  const every = BigInt(opts.checkpointEvery ?? 0);
  const key = opts.checkpointKey ?? null;
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const body = rc.response.body;
          try {
            // Koe serves no @defer/@stream; an incremental body is refused rather than sent unrecorded.
            if (body?.kind !== 'single') throw new Error('incremental delivery is not audited');
            const ctx = rc.contextValue;
            // A handed-off event that is forged, replayed or another request's: nothing is recorded, nothing sent.
            if (ctx.handoffs.fault) throw ctx.handoffs.fault;
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
            // The subgraphs' events go in as the text they signed: nothing is decoded on the request's path.
            const handed = ctx.handoffs.rows;
            const commit = batcher.appendRows(opts.em, [...handed, prepareAuditRow(event)]).then(async (appended) => {
              for (const c of appended) {
                // A lost checkpoint weakens nothing already written: the next one covers the chain.
                if (key && every > 0n && BigInt(c.seq) % every === 0n) await writeCheckpoint(opts.em.fork(), key, c).catch(onCheckpointError);
              }
              // The subgraphs' events feed the alert rules as when the subgraphs appended them; the edge event never did.
              for (const c of appended.slice(0, handed.length)) alerts.push(opts.em, () => chainedEvent(c));
            });
            if (opts.deferCommit) defer(ctx.auditCommit, commit, (err) => onAppendError(err, ctx));
            else await commit;
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
