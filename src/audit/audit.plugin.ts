/**
 * The audit recorder: one event per GraphQL operation on this subgraph, appended to the hash
 * chain in `willSendResponse`, the last hook before Apollo serialises the body. The append is
 * awaited (group-committed with concurrent requests' events), so the event is committed before a
 * byte leaves; if it fails, the body is replaced by an AUDIT_UNAVAILABLE error and no data (fail
 * closed: nothing goes out unrecorded). With `deferCommit`, a read's commit is left in flight for the
 * server's HTTP front, which awaits it after Apollo has serialised the answer and before writing a
 * byte of it (src/request/deferred-commit.ts). A mutation's event is appended inside the transaction its
 * change was written in, and commits with it (src/audit/mutation-transaction.ts).
 * A read called by Koe's gateway (`ctx.edgeAudited`) is not appended here: the event goes back to
 * the gateway in the response (`extensions.koeAudit`, signed: src/audit/handoff.ts), which appends
 * it with its edge event in one synchronous transaction before the client's response leaves
 * (src/audit/edge-event.ts), and runs the alert rules and checkpoints over it. Its detail says so
 * (`commit: 'edge'`). Mutations never do: their event commits here, with their change.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { KoeContext, SubgraphName } from '../request/context.js';
import { AuditUnavailableError, ErrorCode } from '../request/errors.js';
import { alertSink, type AlertOptions } from './alerts/alert-evaluator.js';
import { alertQueue } from './alerts/alert-queue.js';
import { appendAuditEvents, prepareAuditRow } from './append.js';
import type { ChainedAuditEvent } from './event.js';
import { AuditAppendBatcher } from './append-batcher.js';
import { writeCheckpoint, type CheckpointKey } from './checkpoint.js';
import { defer } from '../request/deferred-commit.js';
import { handOff, HANDOFF_EXTENSION } from './handoff.js';
import { beginMutation, endMutation, MutationGate } from './mutation-transaction.js';
import { operationHash } from './operation-hash.js';
import { requestEvent } from './request-event.js';

export interface AuditRecorderOptions {
  subgraph: SubgraphName;
  /** Sign a checkpoint every N events (0: never); the configuration's KOE_AUDIT_CHECKPOINT_EVERY. */
  checkpointEvery: number;
  /** Without a key the recorder signs nothing (`koe audit checkpoint` can). */
  checkpointKey: CheckpointKey | null;
  /** Called when a checkpoint could not be written (the event itself is committed). */
  onCheckpointError?: (err: unknown) => void;
  /** Called when the event could not be written (the caller got AUDIT_UNAVAILABLE); for the ops log. */
  onAppendError?: (err: unknown, ctx: KoeContext) => void;
  /** Suspicious-access alerts, run after the event is committed with the server's policy rules; absent: none. */
  alerts?: AlertOptions;
  /** `derivedKey(secret, 'auditHandoff')`: signs the events handed to Koe's gateway; null: every event is appended here. */
  handoffKey: Uint8Array | null;
  /** A read's commit is left in flight for the HTTP front (`ctx.auditCommit`, src/request/deferred-commit.ts); else awaited here. */
  deferCommit?: boolean;
}

/** The whole body of an answer whose event could not be written: no data. */
export const UNAVAILABLE: GraphQLFormattedError = {
  message: new AuditUnavailableError().message,
  extensions: { code: ErrorCode.AUDIT_UNAVAILABLE },
};

export function useAuditRecorder(opts: AuditRecorderOptions): ApolloServerPlugin<KoeContext> {
  const every = BigInt(opts.checkpointEvery);
  const key = opts.checkpointKey;
  const onCheckpointError = opts.onCheckpointError ?? (() => {});
  const onAppendError = opts.onAppendError ?? (() => {});
  const batcher = new AuditAppendBatcher();
  const alerts = alertQueue(opts.alerts ? alertSink(opts.alerts) : async () => {});
  let gate: MutationGate | undefined;
  /** Once the event is in the chain: a checkpoint when one is due, then the alert rules. */
  const afterCommit = (ctx: KoeContext) => async (chained: ChainedAuditEvent): Promise<void> => {
    if (key && every > 0n && BigInt(chained.seq) % every === 0n) {
      // A lost checkpoint weakens nothing already written: the next one covers the chain.
      await writeCheckpoint(ctx.em.fork(), key, chained).catch(onCheckpointError);
    }
    // Evaluated after the response: it is recorded; alerting must not delay or fail it.
    alerts.push(ctx.em.fork(), chained);
  };
  return {
    async requestDidStart() {
      /** Set while this request's mutation transaction is open. */
      let mutation: MutationGate | null = null;
      return {
        async executionDidStart(rc) {
          if (rc.operation?.operation !== 'mutation') return;
          const g = (gate ??= MutationGate.forPool(rc.contextValue.em));
          await beginMutation(rc.contextValue.em, g);
          mutation = g;
        },
        async willSendResponse(rc) {
          const body = rc.response.body;
          // Koe serves no @defer/@stream; an incremental body is refused rather than sent unrecorded.
          const result = body?.kind === 'single' ? body.singleResult : null;
          try {
            if (!result) throw new Error('incremental delivery is not audited');
            const ctx = rc.contextValue;
            const event = requestEvent(ctx, {
              operation: rc.operation,
              operationName: rc.operationName ?? rc.operation?.name?.value ?? null,
              operationHash: rc.document ? operationHash(rc.document, rc.request.query) : null,
              variables: rc.request.variables,
              data: result.data,
              errors: result.errors,
            });
            if (mutation) {
              const open = mutation;
              mutation = null;
              let chained: ChainedAuditEvent | null = null;
              try {
                chained = (await appendAuditEvents(ctx.em, [event]))[0]!;
              } finally {
                // Commits the change with its event, or rolls both back when the append failed.
                await endMutation(ctx.em, open, chained !== null);
              }
              await afterCommit(ctx)(chained);
            } else if (ctx.edgeAudited && opts.handoffKey && handedBack(rc.response.http.status)) {
              const handed = handOff(opts.handoffKey, prepareAuditRow({ ...event, detail: { ...event.detail, commit: 'edge' } }));
              result.extensions = { ...result.extensions, [HANDOFF_EXTENSION]: handed };
              return;
            } else {
              const commit = batcher.append(ctx.em, event).then(afterCommit(ctx));
              if (opts.deferCommit && ctx.auditCommit) return defer(ctx.auditCommit, commit, (err) => onAppendError(err, ctx));
              await commit;
            }
          } catch (err) {
            if (mutation) {
              // The event was never built: nothing of the change may commit without it.
              const open = mutation;
              mutation = null;
              await endMutation(rc.contextValue.em, open, false).catch(() => {});
            }
            onAppendError(err, rc.contextValue);
            rc.response.body = { kind: 'single', singleResult: { data: null, errors: [UNAVAILABLE] } };
            rc.response.http.status = 503;
          }
        },
      };
    },
  };
}

/**
 * The gateway reads a subgraph's extensions only from a 2xx answer (a non-2xx one becomes an error
 * built from the body's errors), so an event riding on any other status is appended here instead.
 */
function handedBack(status: number | undefined): boolean {
  return status === undefined || (status >= 200 && status < 300);
}
