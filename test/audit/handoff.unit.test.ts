/**
 * The checks the gateway runs on each audit event a subgraph hands back: only a genuine event, for
 * this client request, from the subgraph that was called, seen once, is taken; anything else marks
 * the request as an audit failure. Guards against a forged or replayed event standing in for the
 * real one (which would then never reach the chain). Two genuine calls whose events are otherwise
 * byte for byte the same are both taken: each carries its own row id under the tag.
 */
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventOfPrepared, prepareAuditRow, type PreparedAuditRow } from '../../src/audit/append.js';
import { handOff, HANDOFF_EXTENSION, HandoffInbox, type HandedOffEvent } from '../../src/audit/handoff.js';
import type { NewAuditEvent } from '../../src/audit/event.js';
import { eventHash } from '../../src/audit/canonical.js';
import { GENESIS_HASH } from '../../src/audit/event.js';
import { derivedKey } from '../../src/crypto/derive.js';

const KEY = derivedKey('the shared secret', 'auditHandoff');
const RID = 'req-1';

function event(over: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return {
    at: new Date('2026-12-05T07:00:00.123Z'), actorId: 'p-admin', roles: ['admin'], action: 'query', outcome: 'ok',
    operationName: 'Inbox', operationHash: 'a'.repeat(64), purpose: null, subgraph: 'customers',
    resources: ['Customer:c1'], fields: [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }],
    policyVersion: 'pv1', requestId: RID, clientAddress: '127.0.0.1', detail: { commit: 'edge', exposure: [[['Customer.email'], [0]]] },
    ...over,
  };
}
const ext = (h: unknown) => ({ [HANDOFF_EXTENSION]: h });
const signed = (e: NewAuditEvent = event()) => handOff(KEY, prepareAuditRow(e));
/** What the append statement hashes for a row at `seq` (migrations/Migration20261208100000_AuditAppendCanonical.ts). */
const rowHash = (r: PreparedAuditRow, seq: string) => createHash('sha256').update(`${GENESIS_HASH}\n${r.prefix}"${seq}"${r.suffix}`).digest('hex');

describe(HandoffInbox.name, () => {
  it('takes a genuine event as the subgraph built it, to be appended as signed and hashing as the original', () => {
    const inbox = new HandoffInbox(KEY, RID);
    const h = signed();
    inbox.take('customers', ext(h));
    expect(inbox.fault).toBeNull();
    expect(inbox.rows).toEqual([{ id: h.id, prefix: h.prefix, suffix: h.suffix, event: null }]);
    expect(eventOfPrepared(inbox.rows[0]!)).toEqual(event());
    expect(rowHash(inbox.rows[0]!, '7')).toBe(eventHash('7', event(), GENESIS_HASH));
  });

  it('takes nothing and marks nothing when the subgraph handed nothing back (it appended its own)', () => {
    const inbox = new HandoffInbox(KEY, RID);
    inbox.take('customers', undefined);
    inbox.take('customers', { other: 1 });
    expect([inbox.rows, inbox.fault]).toEqual([[], null]);
  });

  const genuine = signed();
  const signedRaw = (prefix: string, suffix: string) => handOff(KEY, { id: randomUUID(), prefix, suffix, event: null });
  it.each<[string, () => unknown, string]>([
    ['signed with another key', () => handOff(derivedKey('not the secret', 'auditHandoff'), prepareAuditRow(event())), 'bad tag'],
    ['tampered after signing', () => ({ ...genuine, prefix: genuine.prefix.replace('Customer:c1', 'Customer:c2') }), 'bad tag'],
    ['with its seq moved', () => ({ ...genuine, prefix: genuine.prefix.slice(0, -1), suffix: `:${genuine.suffix}` }), 'bad tag'],
    ['with its tag cut', () => ({ ...genuine, mac: genuine.mac.slice(1) }), 'bad tag'],
    ['copied under a fresh id (to pass as another call)', () => ({ ...genuine, id: randomUUID() }), 'bad tag'],
    ['for another request', () => signed(event({ requestId: 'req-2' })), 'another request'],
    ['for another request named in its detail', () => signed(event({ requestId: 'req-2', detail: { a: 1, requestId: RID, resources: [] } })), 'another request'],
    ['from another subgraph', () => signed(event({ subgraph: 'feedback' })), 'another subgraph'],
    ['of another version', () => ({ ...genuine, v: 'v1' }), 'malformed'],
    ['without its id', () => ({ ...genuine, id: undefined }), 'malformed'],
    ['not an object', () => 'v2.x.y', 'malformed'],
    ['genuine but not an event', () => signedRaw('{"at":"never","seq":', '}'), 'not an audit event'],
    ['genuine but not split at its seq', () => signedRaw(genuine.prefix.slice(0, -7), genuine.suffix), 'not an audit event'],
  ])('refuses an event %s and marks the request', (_, presented, reason) => {
    const inbox = new HandoffInbox(KEY, RID);
    inbox.take('customers', ext(presented()));
    expect(inbox.rows).toEqual([]);
    expect(inbox.fault?.message).toContain(reason);
  });

  it('refuses the same genuine event twice in one request (it would stand in for another call)', () => {
    const inbox = new HandoffInbox(KEY, RID);
    const h: HandedOffEvent = signed();
    inbox.take('customers', ext(h));
    inbox.take('customers', ext({ ...h }));
    expect(inbox.rows).toHaveLength(1);
    expect(inbox.fault?.message).toContain('replayed');
  });

  it('takes two genuine calls whose events are byte for byte the same (same millisecond, operation, records), and refuses a copy of either', () => {
    const inbox = new HandoffInbox(KEY, RID);
    const [first, second] = [signed(event()), signed(event())];
    expect([first.prefix, first.suffix]).toEqual([second.prefix, second.suffix]);
    inbox.take('customers', ext(first));
    inbox.take('customers', ext(second));
    expect(inbox.fault).toBeNull();
    expect(inbox.rows.map((r) => r.id)).toEqual([first.id, second.id]);
    inbox.take('customers', ext({ ...second }));
    expect(inbox.rows).toHaveLength(2);
    expect(inbox.fault?.message).toContain('replayed');
  });
});
