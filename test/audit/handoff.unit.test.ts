/**
 * The checks the gateway runs on each audit event a subgraph hands back: only a genuine event, for
 * this client request, from the subgraph that was called, seen once, is taken; anything else marks
 * the request as an audit failure. Guards against a forged or replayed event standing in for the
 * real one (which would then never reach the chain).
 */
import { describe, expect, it } from 'vitest';
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

describe(HandoffInbox.name, () => {
  it('takes a genuine event as the subgraph built it, hashing the same as the original', () => {
    const inbox = new HandoffInbox(KEY, RID);
    inbox.take('customers', ext(handOff(KEY, event())));
    expect(inbox.fault).toBeNull();
    expect(inbox.events).toEqual([event()]);
    expect(eventHash('7', inbox.events[0]!, GENESIS_HASH)).toBe(eventHash('7', event(), GENESIS_HASH));
  });

  it('takes nothing and marks nothing when the subgraph handed nothing back (it appended its own)', () => {
    const inbox = new HandoffInbox(KEY, RID);
    inbox.take('customers', undefined);
    inbox.take('customers', { other: 1 });
    expect([inbox.events, inbox.fault]).toEqual([[], null]);
  });

  const genuine = handOff(KEY, event());
  it.each<[string, () => unknown, string]>([
    ['signed with another key', () => handOff(derivedKey('not the secret', 'auditHandoff'), event()), 'bad tag'],
    ['tampered after signing', () => ({ ...genuine, event: genuine.event.replace('Customer:c1', 'Customer:c2') }), 'bad tag'],
    ['with its tag cut', () => ({ ...genuine, mac: genuine.mac.slice(1) }), 'bad tag'],
    ['for another request', () => handOff(KEY, event({ requestId: 'req-2' })), 'another request'],
    ['from another subgraph', () => handOff(KEY, event({ subgraph: 'feedback' })), 'another subgraph'],
    ['of another version', () => ({ ...genuine, v: 'v2' }), 'malformed'],
    ['not an object', () => 'v1.x.y', 'malformed'],
    ['genuine but not an event', () => handOff(KEY, { at: 'never' } as unknown as NewAuditEvent), 'not an audit event'],
  ])('refuses an event %s and marks the request', (_, presented, reason) => {
    const inbox = new HandoffInbox(KEY, RID);
    inbox.take('customers', ext(presented()));
    expect(inbox.events).toEqual([]);
    expect(inbox.fault?.message).toContain(reason);
  });

  it('refuses the same genuine event twice in one request (it would stand in for another call)', () => {
    const inbox = new HandoffInbox(KEY, RID);
    const h: HandedOffEvent = handOff(KEY, event());
    inbox.take('customers', ext(h));
    inbox.take('customers', ext(h));
    expect(inbox.events).toHaveLength(1);
    expect(inbox.fault?.message).toContain('replayed');
  });
});
