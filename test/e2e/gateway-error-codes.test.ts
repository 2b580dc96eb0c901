/**
 * Through the gateway a client gets the same code and status class as from the subgraph that
 * raised it, and still nothing internal: no subgraph URL, no raw body, no stack. Regression: an
 * undeclared purpose was 400 BAD_USER_INPUT at a subgraph but 200 INTERNAL_SERVER_ERROR through
 * the gateway, and AUDIT_UNAVAILABLE (503) became INTERNAL_SERVER_ERROR too.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorFromSubgraph } from '../../src/server/subgraph-errors.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';

let koe: TestKoe;
beforeAll(async () => {
  koe = await startTestKoe();
});
afterAll(async () => koe?.stop());

const statusClass = (s: number) => Math.floor(s / 100);

async function both(query: string, headers: Record<string, string>, subgraph: 'customers' | 'feedback' | 'audit') {
  const auth = { authorization: `Bearer ${await koe.token('p-analyst')}`, ...headers };
  const direct = await postGraphQL(koe.platform.subgraphUrls[subgraph], { query }, auth);
  const gateway = await postGraphQL(koe.platform.gatewayUrl, { query }, auth);
  return { direct, gateway };
}

function expectNothingInternal(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}\/graphql|"response"|stacktrace|\bat .*\.(ts|js):\d+|select |from "/i);
}

describe('codes a subgraph raises, through the gateway', () => {
  it('answers an undeclared purpose with 400 BAD_USER_INPUT naming the header, as the subgraph does', async () => {
    const { direct, gateway } = await both('{ customers(first: 1) { totalCount } }', { 'x-koe-purpose': 'curiosity' }, 'customers');
    expect(direct.status).toBe(400);
    expect(gateway.status).toBe(direct.status);
    for (const r of [direct, gateway]) {
      expect(r.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'X-Koe-Purpose' });
      expect(r.json.errors?.[0]?.message).toContain('not a purpose declared');
    }
    expectNothingInternal(gateway.json);
  });

  it('answers a bad cursor raised by a resolver with the same code, argument and status', async () => {
    const { direct, gateway } = await both('{ feedbacks(first: 1, after: "Zm9yZ2Vk.bWFj") { totalCount } }', {}, 'feedback');
    expect(statusClass(gateway.status)).toBe(statusClass(direct.status));
    expect(gateway.status).toBe(400);
    for (const r of [direct, gateway]) expect(r.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    expectNothingInternal(gateway.json);
  });

  it('answers FORBIDDEN field decisions the same way (200, partial data)', async () => {
    const auth = { authorization: `Bearer ${await koe.token('p-bi')}` };
    const query = '{ customers(first: 1) { edges { node { customerKey name } } } }';
    const direct = await postGraphQL(koe.platform.subgraphUrls.customers, { query }, auth);
    const gateway = await postGraphQL(koe.platform.gatewayUrl, { query }, auth);
    expect([direct.status, gateway.status]).toEqual([200, 200]);
    for (const r of [direct, gateway]) expect(r.json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('answers AUDIT_UNAVAILABLE with 503 when the subgraph cannot record the event', async () => {
    // Only this test's requests are refused by the audit store: others sharing the database are not.
    const marker = `refuse-audit-${randomUUID()}`;
    const sql = (q: string) => koe.orm.em.getConnection().execute(q);
    await sql(`create or replace function koe_test_refuse_marked() returns trigger language plpgsql as $$
      begin if new.request_id like 'refuse-audit-%' then raise exception 'audit store refuses this row'; end if; return new; end $$`);
    await sql(`create trigger koe_test_refuse_marked before insert on audit_event for each row when (new.request_id like 'refuse-audit-%') execute function koe_test_refuse_marked()`);
    try {
      const auth = { authorization: `Bearer ${await koe.token('p-analyst')}`, 'x-request-id': marker };
      const query = '{ customers(first: 3) { edges { node { email } } } }';
      const direct = await postGraphQL(koe.platform.subgraphUrls.customers, { query }, auth);
      const gateway = await postGraphQL(koe.platform.gatewayUrl, { query }, auth);
      expect(direct.status).toBe(503);
      expect(gateway.status).toBe(503);
      for (const r of [direct, gateway]) {
        expect(r.json.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
        expect(JSON.stringify(r.json)).not.toContain('@');
      }
      expectNothingInternal(gateway.json);
    } finally {
      await sql('drop trigger if exists koe_test_refuse_marked on audit_event');
      await sql('drop function if exists koe_test_refuse_marked()');
    }
  });
});

describe(errorFromSubgraph.name, () => {
  const response = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    status,
    headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
    text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
  });

  it.each([
    ['RATE_LIMITED', 429, { 'retry-after': '17' }, { limit: 'requests', max: 5, retryAfter: 17 }],
    ['AUDIT_UNAVAILABLE', 503, {}, {}],
    ['SERVICE_UNAVAILABLE', 503, { 'retry-after': '5' }, { requestId: 'r-1' }],
    ['UNAUTHENTICATED', 401, {}, {}],
    ['QUERY_TOO_COMPLEX', 400, {}, { limit: 'cost', measured: 9000, max: 5000 }],
    ['FORBIDDEN', 403, {}, {}],
  ] as const)('carries %s with status %i, its extensions and Retry-After', async (code, status, headers, extra) => {
    const err = await errorFromSubgraph(response(status, { errors: [{ message: `said ${code}`, extensions: { code, ...extra, stacktrace: ['at x.ts:1'] } }] }, headers));
    expect(err.message).toBe(`said ${code}`);
    expect(err.extensions).toMatchObject({ code, ...extra });
    expect(err.extensions.stacktrace).toBeUndefined();
    const http = err.extensions.http as { status: number; headers: Map<string, string> };
    expect(http.status).toBe(status);
    expect(http.headers.get('retry-after')).toBe(headers['retry-after' as keyof typeof headers]);
  });

  it.each([
    ['an internal error', { errors: [{ message: 'relation "x" does not exist', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }],
    ['a code Koe does not declare', { errors: [{ message: 'ECONNREFUSED 10.0.0.7:4001', extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } }] }],
    ['a body that is not JSON', '<html>502 Bad Gateway from proxy at 10.0.0.7</html>'],
  ])('keeps %s masked: no message, no status, no body', async (_name, body) => {
    const err = await errorFromSubgraph(response(502, body));
    expect(err.message).toBe('Internal server error');
    expect(err.extensions.code).toBeUndefined();
    expect(err.extensions.http).toBeUndefined();
    expect(JSON.stringify(err)).not.toContain('10.0.0.7');
  });
});
