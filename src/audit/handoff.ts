/**
 * A read's audit event handed from a subgraph to Koe's gateway instead of appended by the subgraph.
 * A subgraph that the gateway called (its principal assertion was valid for the call) puts the
 * event, exactly as it would have appended it, in its response's `extensions.koeAudit`, with an
 * HMAC under a key derived for this purpose only (the same secret the assertion proves the gateway
 * holds). The gateway checks each one (genuine, for this request id, from the subgraph it called,
 * not seen twice), takes it out of what the client sees, and appends all of them with its edge
 * event in one synchronous transaction (src/audit/edge-event.ts). Anything that fails a check is an
 * audit failure for the whole client request: no data, 503 AUDIT_UNAVAILABLE, nothing appended.
 * The event travels as the JSON text the tag covers, so no re-encoding can change what was signed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NewAuditEvent } from './event.js';

/** The response extension a handed-off event travels in. Never forwarded to a client. */
export const HANDOFF_EXTENSION = 'koeAudit';
const VERSION = 'v1';

export interface HandedOffEvent {
  v: typeof VERSION;
  /** The event as JSON text (what `mac` covers). */
  event: string;
  mac: string;
}

function mac(key: Uint8Array, text: string): string {
  return createHmac('sha256', key).update(`${VERSION}.${text}`).digest('base64url');
}

/** `key`: `derivedKey(secret, 'auditHandoff')`. */
export function handOff(key: Uint8Array, event: NewAuditEvent): HandedOffEvent {
  const text = JSON.stringify(event);
  return { v: VERSION, event: text, mac: mac(key, text) };
}

export class AuditHandoffError extends Error {
  override readonly name = 'AuditHandoffError';
}

/**
 * The events handed to the gateway for one client request, checked as they arrive. One instance
 * per client request; the first refused event marks the request (`fault`) and later ones are
 * ignored: the request answers AUDIT_UNAVAILABLE whatever else arrives.
 */
export class HandoffInbox {
  readonly events: NewAuditEvent[] = [];
  fault: AuditHandoffError | null = null;
  private readonly tags = new Set<string>();

  constructor(
    private readonly key: Uint8Array,
    readonly requestId: string,
  ) {}

  /** `extensions`: the subgraph response's; `subgraph`: the service the gateway called. */
  take(subgraph: string, extensions: Record<string, unknown> | undefined | null): void {
    const presented = extensions?.[HANDOFF_EXTENSION];
    if (presented === undefined) return; // the subgraph appended its own event (direct-call rules)
    try {
      this.events.push(this.check(subgraph, presented));
    } catch (err) {
      this.fault ??= err instanceof AuditHandoffError ? err : new AuditHandoffError(String(err));
    }
  }

  private check(subgraph: string, presented: unknown): NewAuditEvent {
    const h = presented as Partial<HandedOffEvent> | null;
    if (!h || typeof h !== 'object' || h.v !== VERSION || typeof h.event !== 'string' || typeof h.mac !== 'string') {
      throw new AuditHandoffError(`${subgraph}: malformed audit handoff`);
    }
    const [got, want] = [Buffer.from(h.mac), Buffer.from(mac(this.key, h.event))];
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw new AuditHandoffError(`${subgraph}: audit handoff with a bad tag`);
    // The same genuine event twice would stand in for another call's event, which is then lost.
    if (this.tags.has(h.mac)) throw new AuditHandoffError(`${subgraph}: audit handoff replayed`);
    this.tags.add(h.mac);
    const event = parseEvent(h.event);
    if (event.requestId !== this.requestId) throw new AuditHandoffError(`${subgraph}: audit handoff for another request`);
    if (event.subgraph !== subgraph) throw new AuditHandoffError(`${subgraph}: audit handoff from another subgraph (${String(event.subgraph)})`);
    return event;
  }
}

/** A genuine tag over a wrong shape is still refused: only what `handOff` writes is read. */
function parseEvent(text: string): NewAuditEvent {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new AuditHandoffError('audit handoff is not JSON');
  }
  if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new AuditHandoffError('audit handoff is not an audit event');
  const str = (k: string) => typeof e[k] === 'string';
  const strOrNull = (k: string) => e[k] === null || typeof e[k] === 'string';
  const at = typeof e.at === 'string' ? new Date(e.at) : null;
  const ok =
    at !== null && Number.isFinite(at.getTime()) &&
    str('action') && str('outcome') && str('policyVersion') && str('requestId') &&
    ['actorId', 'operationName', 'operationHash', 'purpose', 'subgraph', 'clientAddress'].every(strOrNull) &&
    Array.isArray(e.roles) && Array.isArray(e.resources) && Array.isArray(e.fields) &&
    (e.detail === undefined || e.detail === null || (typeof e.detail === 'object' && !Array.isArray(e.detail)));
  if (!ok) throw new AuditHandoffError('audit handoff is not an audit event');
  return { ...(e as unknown as NewAuditEvent), at: at! };
}
