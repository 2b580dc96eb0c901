/**
 * Whatever an event holds must fit the chain: the append runs after the work it records (a
 * refusal, a mutation in the same transaction), so an event that PostgreSQL rejects would turn a
 * recorded outcome into a lost one. Text the caller sent is made well-formed (an unpaired UTF-16
 * surrogate or a NUL cannot be stored in text or jsonb) and cut to its column's width; the hash is
 * computed over the fitted event, so `koe audit verify` checks exactly what was stored.
 */
import type { NewAuditEvent } from './event.js';

/** Widths of the varchar columns of `audit_event` (src/data/entities/audit-event.entity.ts). */
const WIDTH = { actorId: 128, action: 64, outcome: 32, operationHash: 64, purpose: 64, subgraph: 32, policyVersion: 64, requestId: 64, clientAddress: 64 } as const;
/** Operation names and texts in detail are unbounded columns, but a caller-sized one is no record. */
const TEXT_WIDTH = 1024;
const ELLIPSIS = '…';
const NUL = /\0/g;

function fitText(value: string, width: number): string {
  let out = value.isWellFormed() ? value : value.toWellFormed();
  if (out.includes('\0')) out = out.replace(NUL, '\uFFFD');
  // PostgreSQL counts characters, JavaScript UTF-16 units: cutting by units always fits.
  if (out.length > width) out = `${out.slice(0, width - 1)}${ELLIPSIS}`.toWellFormed();
  return out;
}

function fitOptional(value: string | null, width: number): string | null {
  return value === null ? null : fitText(value, width);
}

function fitList(values: readonly string[]): readonly string[] {
  return values.every(clean) ? values : values.map((v) => fitText(v, TEXT_WIDTH));
}

/** True when a string needs no change; checked first so the common event is not copied. */
function clean(value: string): boolean {
  return value.length <= TEXT_WIDTH && value.isWellFormed() && !value.includes('\0');
}

/** True when nothing in `value` needs fitting: checked first so the common detail is not copied. */
function cleanJson(value: unknown): boolean {
  if (typeof value === 'string') return clean(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!cleanJson(value[i])) return false;
    return true;
  }
  for (const key of Object.keys(value)) if (!clean(key) || !cleanJson((value as Record<string, unknown>)[key])) return false;
  return true;
}

function fitJson(value: unknown): unknown {
  if (typeof value === 'string') return clean(value) ? value : fitText(value, TEXT_WIDTH);
  if (Array.isArray(value)) return value.map(fitJson);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [fitText(k, TEXT_WIDTH), fitJson(v)]));
  }
  return value;
}

export function fitAuditEvent(event: NewAuditEvent): NewAuditEvent {
  return {
    ...event,
    actorId: fitOptional(event.actorId, WIDTH.actorId),
    roles: fitList(event.roles),
    action: fitText(event.action, WIDTH.action),
    outcome: fitText(event.outcome, WIDTH.outcome),
    operationName: fitOptional(event.operationName, TEXT_WIDTH),
    operationHash: fitOptional(event.operationHash, WIDTH.operationHash),
    purpose: fitOptional(event.purpose, WIDTH.purpose),
    subgraph: fitOptional(event.subgraph, WIDTH.subgraph),
    resources: fitList(event.resources),
    fields: event.fields.every((f) => clean(f.field) && clean(f.decision))
      ? event.fields
      : event.fields.map((f) => ({ ...f, field: fitText(f.field, TEXT_WIDTH), decision: fitText(f.decision, WIDTH.outcome) })),
    policyVersion: fitText(event.policyVersion, WIDTH.policyVersion),
    requestId: fitText(event.requestId, WIDTH.requestId),
    clientAddress: fitOptional(event.clientAddress, WIDTH.clientAddress),
    detail: !event.detail ? (event.detail ?? null) : cleanJson(event.detail) ? event.detail : (fitJson(event.detail) as Record<string, unknown>),
  };
}
