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

function canonicalBody(seq: string, event: NewAuditEvent): string {
  return canonicalJson({
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
}

export function eventHash(seq: string, event: NewAuditEvent, prevHash: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalBody(seq, event)).digest('hex');
}

/** A seq no real one can be (not digits), so it is found only where the seq itself sits. */
const SEQ_MARK = '#seq#';

/**
 * The canonical body split around its seq, for hashing where the seq is assigned (the database,
 * migrations/Migration20261128194000_AuditAppendFn.ts): for any seq and prevHash,
 * `eventHash(seq, event, prevHash)` is sha256 of `prevHash + '\n' + prefix + JSON.stringify(seq) + suffix`.
 */
export function eventHashParts(event: NewAuditEvent): { prefix: string; suffix: string } {
  const body = canonicalBody(SEQ_MARK, event);
  // Keys are sorted and only `subgraph` (a server name) follows `seq`: the last match is the seq.
  const at = body.lastIndexOf(`"seq":${JSON.stringify(SEQ_MARK)}`) + '"seq":'.length;
  return { prefix: body.slice(0, at), suffix: body.slice(at + JSON.stringify(SEQ_MARK).length) };
}
