/**
 * Runs the alert rules over events already committed to the chain, and appends an `ALERT` event
 * (action `alert.<rule>`, outcome `alert`) plus a warn line per hit. Called after the request's own
 * event is committed and never awaited by the response: a failure here is logged, not thrown.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AlertRules } from '../../policies/index.js';
import { appendAuditEvents } from '../append.js';
import type { NewAuditEvent } from '../event.js';
import { alertChecks, type AlertCheck } from './alert-checks.js';
import { markAndCount, type AlertMemory } from './alert-marks.js';

/** Where alert lines go: the server passes its pino logger's `warn`; tests collect them. */
export type AlertLog = (message: string, fields: Record<string, unknown>) => void;

export interface AlertOptions {
  log?: AlertLog;
  /** The `alerts:` of the policy the server runs (one policy per process: every event names its version). */
  rules: AlertRules;
}

export type AlertSink = (em: EntityManager, events: readonly NewAuditEvent[]) => Promise<void>;

export function alertSink(opts: AlertOptions): AlertSink {
  const log = opts.log ?? (() => {});
  const settled: AlertMemory = new Map();
  return async (em, events) => {
    const alerts: NewAuditEvent[] = [];
    try {
      for (const event of events) {
        const rules = opts.rules;
        const sql = <T>(q: string, p: unknown[] = []) => em.getConnection().execute<T[]>(q, p);
        for (const check of alertChecks(event, rules)) {
          const count = await markAndCount(sql, check, event.at, settled);
          if (count !== null) alerts.push(alertEvent(event, check, count));
        }
      }
      if (alerts.length) await appendAuditEvents(em, alerts);
      for (const a of alerts) log(`audit alert: ${a.action}`, { ...a.detail, requestId: a.requestId });
    } catch (err) {
      log('audit alert evaluation failed', { err: err instanceof Error ? err.message : String(err) });
    }
  };
}

function alertEvent(cause: NewAuditEvent, check: AlertCheck, count: number): NewAuditEvent {
  return {
    at: new Date(),
    actorId: cause.actorId,
    roles: [...cause.roles],
    action: `alert.${check.rule}`,
    outcome: 'alert',
    operationName: null,
    operationHash: null,
    purpose: cause.purpose,
    subgraph: cause.subgraph,
    resources: [],
    fields: [],
    policyVersion: cause.policyVersion,
    requestId: cause.requestId,
    clientAddress: cause.clientAddress,
    // Counts and names only: never the customers counted.
    detail: { rule: check.rule, principal: cause.actorId, count, threshold: check.threshold, windowSeconds: check.window },
  };
}
