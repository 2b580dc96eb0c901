/**
 * A read's audit event handed from a subgraph to Koe's gateway instead of appended by the subgraph.
 * A subgraph that the gateway called (its principal assertion was valid for the call) puts the
 * event, exactly as it would have appended it, in its response's `extensions.koeAudit`, with an
 * HMAC under a key derived for this purpose only (the same secret the assertion proves the gateway
 * holds). The gateway checks each one (genuine, for this request id, from the subgraph it called,
 * not seen twice), takes it out of what the client sees, and appends all of them with its edge
 * event in one synchronous transaction (src/audit/edge-event.ts). Anything that fails a check is an
 * audit failure for the whole client request: no data, 503 AUDIT_UNAVAILABLE, nothing appended.
 * The event travels as the append statement takes it (src/audit/append.ts: its row id and its
 * canonical body around the seq), so the gateway appends exactly the text the tag covers, without
 * decoding or re-encoding it on the request's path. The row id is random per call and covered by
 * the tag: two calls whose events are otherwise byte for byte the same are both taken, and a copy of
 * one is refused as replayed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PreparedAuditRow } from './append.js';

/** The response extension a handed-off event travels in. Never forwarded to a client. */
export const HANDOFF_EXTENSION = 'koeAudit';
const VERSION = 'v2';

export interface HandedOffEvent {
  v: typeof VERSION;
  /** The row id the event is appended under (random per call: the tag covers it). */
  id: string;
  /** The event's canonical body before and after its seq (`eventHashParts`). */
  prefix: string;
  suffix: string;
  mac: string;
}

/** Lengths first: the tagged text splits into its parts one way only, whatever they hold. */
function mac(key: Uint8Array, id: string, prefix: string, suffix: string): string {
  return createHmac('sha256', key).update(`${VERSION}\n${id.length}:${id}\n${prefix.length}:`).update(prefix).update('\n').update(suffix).digest('base64url');
}

/** `key`: `derivedKey(secret, 'auditHandoff')`; `row`: the event as `prepareAuditRow` made it. */
export function handOff(key: Uint8Array, row: PreparedAuditRow): HandedOffEvent {
  return { v: VERSION, id: row.id, prefix: row.prefix, suffix: row.suffix, mac: mac(key, row.id, row.prefix, row.suffix) };
}

export class AuditHandoffError extends Error {
  override readonly name = 'AuditHandoffError';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Only `subgraph` follows the seq in the canonical body (src/audit/canonical.ts): the suffix is that key alone. */
const SUFFIX = /^,"subgraph":("(?:[^"\\]|\\.)*"|null)\}$/;
/** The top-level `requestId`: after `detail` (whose text may hold the same key), before `resources`, `roles` and `seq`. */
const REQUEST_ID = /,"requestId":("(?:[^"\\]|\\.)*"),"resources":\[/y;

/**
 * The events handed to the gateway for one client request, checked as they arrive. One instance
 * per client request; the first refused event marks the request (`fault`) and later ones are
 * ignored: the request answers AUDIT_UNAVAILABLE whatever else arrives.
 */
export class HandoffInbox {
  readonly rows: PreparedAuditRow[] = [];
  fault: AuditHandoffError | null = null;
  private readonly ids = new Set<string>();

  constructor(
    private readonly key: Uint8Array,
    readonly requestId: string,
  ) {}

  /** `extensions`: the subgraph response's; `subgraph`: the service the gateway called. */
  take(subgraph: string, extensions: Record<string, unknown> | undefined | null): void {
    const presented = extensions?.[HANDOFF_EXTENSION];
    if (presented === undefined) return; // the subgraph appended its own event (direct-call rules)
    try {
      this.rows.push(this.check(subgraph, presented));
    } catch (err) {
      this.fault ??= err instanceof AuditHandoffError ? err : new AuditHandoffError(String(err));
    }
  }

  private check(subgraph: string, presented: unknown): PreparedAuditRow {
    const h = presented as Partial<HandedOffEvent> | null;
    if (!h || typeof h !== 'object' || h.v !== VERSION || typeof h.id !== 'string' || typeof h.prefix !== 'string' || typeof h.suffix !== 'string' || typeof h.mac !== 'string') {
      throw new AuditHandoffError(`${subgraph}: malformed audit handoff`);
    }
    const [got, want] = [Buffer.from(h.mac), Buffer.from(mac(this.key, h.id, h.prefix, h.suffix))];
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw new AuditHandoffError(`${subgraph}: audit handoff with a bad tag`);
    // The same genuine event twice would stand in for another call's event, which is then lost.
    if (this.ids.has(h.id)) throw new AuditHandoffError(`${subgraph}: audit handoff replayed`);
    this.ids.add(h.id);
    // Read where the canonical body puts them, without decoding the rest: the database does that
    // when it appends, and refuses (the whole request) a body that is not an event.
    if (!UUID.test(h.id) || !h.prefix.startsWith('{"action":') || !h.prefix.endsWith(',"seq":')) throw new AuditHandoffError(`${subgraph}: audit handoff is not an audit event`);
    const sent = SUFFIX.exec(h.suffix);
    const at = h.prefix.lastIndexOf(',"requestId":');
    REQUEST_ID.lastIndex = at;
    const rid = at < 0 ? null : REQUEST_ID.exec(h.prefix);
    if (!sent || !rid) throw new AuditHandoffError(`${subgraph}: audit handoff is not an audit event`);
    if (JSON.parse(rid[1]!) !== this.requestId) throw new AuditHandoffError(`${subgraph}: audit handoff for another request`);
    const from = JSON.parse(sent[1]!) as string | null;
    if (from !== subgraph) throw new AuditHandoffError(`${subgraph}: audit handoff from another subgraph (${String(from)})`);
    return { id: h.id, prefix: h.prefix, suffix: h.suffix, event: null };
  }
}
