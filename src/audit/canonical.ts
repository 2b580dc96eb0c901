/**
 * The canonical encoding an event's hash is computed over: fixed key order, ISO timestamps, sorted
 * object keys at every depth, so the same event always hashes the same on any instance.
 */
import { createHash } from 'node:crypto';
import type { NewAuditEvent } from './event.js';

function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function eventHash(seq: string, event: NewAuditEvent, prevHash: string): string {
  const body = canonicalJson({
    seq,
    at: event.at,
    actorId: event.actorId,
    roles: event.roles,
    action: event.action,
    outcome: event.outcome,
    operationName: event.operationName,
    operationHash: event.operationHash,
    purpose: event.purpose,
    subgraph: event.subgraph,
    resources: event.resources,
    fields: event.fields,
    policyVersion: event.policyVersion,
    requestId: event.requestId,
    clientAddress: event.clientAddress,
    detail: event.detail ?? null,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}
