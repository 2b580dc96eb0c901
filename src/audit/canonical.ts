/**
 * The canonical encoding an event's hash is computed over: fixed key order, ISO timestamps, sorted
 * object keys at every depth, so the same event always hashes the same on any instance.
 */
import { createHash } from 'node:crypto';
import type { NewAuditEvent } from './event.js';

function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  // An event's lists are mostly flat (resources, record indices): JSON.stringify writes those the
  // same way in one native pass, instead of one call per element.
  if (Array.isArray(value)) return flat(value) ? JSON.stringify(value) : `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  let out = '';
  // Default sort compares UTF-16 code units, as the comparison this encoding was defined with.
  for (const key of Object.keys(object).sort()) {
    const v = object[key];
    if (v === undefined) continue;
    out += `${out ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `{${out}}`;
}

/** Only strings, finite-or-not numbers, booleans, null and undefined (null in JSON), and no holes. */
function flat(list: readonly unknown[]): boolean {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    const t = typeof v;
    if (t === 'string' || t === 'number' || t === 'boolean' || v === null) continue;
    if (v === undefined && i in list) continue;
    return false;
  }
  return true;
}

/**
 * The event's keys in the order `canonicalJson` sorts them (UTF-16 code units), written directly:
 * the body is built once per event on every request, and its top level never changes shape.
 */
const BODY_KEYS = [
  'action', 'actorId', 'at', 'clientAddress', 'detail', 'fields', 'operationHash', 'operationName', 'outcome',
  'policyVersion', 'purpose', 'requestId', 'resources', 'roles', 'seq', 'subgraph',
] as const;
const BODY_NAMES = BODY_KEYS.map((k) => JSON.stringify(k));

function canonicalBody(seq: string, event: NewAuditEvent): string {
  let out = '';
  for (let i = 0; i < BODY_KEYS.length; i++) {
    const key = BODY_KEYS[i]!;
    const v = key === 'seq' ? seq : key === 'detail' ? (event.detail ?? null) : event[key];
    if (v === undefined) continue;
    out += `${out ? ',' : ''}${BODY_NAMES[i]}:${canonicalJson(v)}`;
  }
  return `{${out}}`;
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
