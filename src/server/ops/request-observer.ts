/**
 * One log line and one set of metrics per HTTP request, written when the response is done, so
 * refusals that never reach execution (body too large, bad token, rate limit) are counted too.
 */
import type { Logger } from './logger.js';
import { operationLabel, type KoeMetrics } from './metrics.js';
import { observationOf } from './observe.plugin.js';
import { requestMeta, type RequestHead } from '../../request/meta.js';
import type { DatabaseFailure } from '../../request/errors.js';

export interface ResponseEvent {
  req: RequestHead;
  status: number;
  ms: number;
  context: { requestId?: string } | undefined;
  /** Set when the database failed this request (it was answered 503). */
  databaseDown?: DatabaseFailure | undefined;
}

export function requestObserver(server: string, log: Logger, metrics: KoeMetrics): (ev: ResponseEvent) => void {
  return ({ req, status, ms, context, databaseDown }) => {
    const o = observationOf(context);
    const down = databaseDown ?? o?.databaseDown;
    const outcome = down ? 'service_unavailable' : o?.errorCode ? o.errorCode.toLowerCase() : status < 400 ? 'ok' : `http_${status}`;
    const operation = operationLabel(o?.operation);
    metrics.requests.inc({ server, operation, outcome });
    metrics.duration.observe({ server, outcome }, ms / 1000);
    // Not the raw header: a refused request's id may be any length and hold control characters.
    const requestId = context?.requestId ?? requestMeta(req).requestId;
    log.info({ requestId, server, operation, outcome, status, ms: Math.round(ms * 10) / 10 }, 'request');
  };
}
