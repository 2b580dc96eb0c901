/**
 * The headers Koe reads are checked at the door of every server: a purpose or request id too long
 * for where Koe keeps it, or holding control characters, is 400 BAD_USER_INPUT naming the header,
 * and the refusal is recorded (an over-long purpose used to make the refusal event itself fail, so
 * the attempt answered 503 and left no trace).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEventEntity } from '../../src/data/entities/index.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';

let koe: TestKoe;
beforeAll(async () => {
  koe = await startTestKoe();
});
afterAll(async () => koe?.stop());

const QUERY = { query: '{ __typename }' };
const targets = () => [koe.platform.gatewayUrl, ...Object.values(koe.platform.subgraphUrls)];

async function send(url: string, headers: Record<string, string>) {
  return postGraphQL(url, QUERY, { authorization: `Bearer ${await koe.token('p-analyst')}`, ...headers });
}

describe('refuseMalformedHeaders', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['a purpose of 65 characters', { 'x-koe-purpose': 's'.repeat(65) }, 'X-Koe-Purpose'],
    ['a purpose of 10,000 characters', { 'x-koe-purpose': 'support'.repeat(1500) }, 'X-Koe-Purpose'],
    ['a purpose with a tab inside', { 'x-koe-purpose': 'sup\tport' }, 'X-Koe-Purpose'],
    ['a purpose with a C1 control byte', { 'x-koe-purpose': 'support\x85' }, 'X-Koe-Purpose'],
    ['a request id of 65 characters', { 'x-request-id': 'r'.repeat(65) }, 'X-Request-Id'],
    // Clients and Node's parser refuse other C0 bytes (an ESC, a CR) before Koe sees them; these get through.
    ['a request id with a tab inside', { 'x-request-id': 'req\tid' }, 'X-Request-Id'],
    ['a request id with a C1 control byte (CSI)', { 'x-request-id': 'req\x9b31m' }, 'X-Request-Id'],
  ];
  it.each(cases)('refuses %s with 400 naming the header, on the gateway and every subgraph', async (_name, headers, header) => {
    for (const url of targets()) {
      const res = await send(url, headers);
      expect(res.status, url).toBe(400);
      expect(res.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: header });
      expect(res.json.data ?? null).toBeNull();
      // The value is not echoed back.
      expect(JSON.stringify(res.json)).not.toContain(Object.values(headers)[0]!.slice(0, 40));
    }
  });

  // Regression: the refusal event could not hold the purpose, so the caller got AUDIT_UNAVAILABLE and nothing was recorded.
  it('records the refusal of an over-long purpose, without the purpose', async () => {
    for (const url of targets()) {
      const requestId = `hdr-${randomUUID()}`;
      const res = await send(url, { 'x-koe-purpose': 'p'.repeat(100), 'x-request-id': requestId });
      expect(res.status).toBe(400);
      const events = await koe.orm.em.fork().find(AuditEventEntity, { requestId });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'authorize', outcome: 'denied', purpose: null });
    }
  });

  it('lets a well-formed purpose of 64 characters through the door (then refused as undeclared, and recorded)', async () => {
    const requestId = `hdr-${randomUUID()}`;
    const purpose = 'q'.repeat(64);
    const res = await send(koe.platform.subgraphUrls.audit, { 'x-koe-purpose': purpose, 'x-request-id': requestId });
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.message).toContain('not a purpose declared');
    const events = await koe.orm.em.fork().find(AuditEventEntity, { requestId });
    expect(events.map((e) => e.purpose)).toEqual([purpose]);
  });

  it('answers well-formed headers as before', async () => {
    for (const url of targets()) {
      const res = await send(url, { 'x-koe-purpose': 'support', 'x-request-id': `ok-${randomUUID()}` });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.data).toEqual({ __typename: 'Query' });
    }
  });
});
