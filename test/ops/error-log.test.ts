/**
 * An operator sees what went wrong (issue 13, item 12): an internal error and a failed audit write
 * each leave a log line with the request id, the server, the code and the cause, and no personal
 * data or variables, even when the database's own message quoted the caller's input. The failures
 * are real: a column whose type no longer matches, and a trigger that refuses audit rows, on a
 * database of this file's own.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactMessage } from '../../src/server/ops/error-log.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';
import { seededScratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
let koe: TestKoe;
const lines: string[] = [];
/** Personal values the requests below carried or read: none may reach the log. */
const personal: string[] = [];

beforeAll(async () => {
  db = await seededScratchKoeDb();
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  koe = await startTestKoe(undefined, { databaseUrl: db.url, logger });
  const { json } = await postGraphQL(koe.platform.gatewayUrl, { query: '{ customers(first: 10) { edges { node { name email phone address } } } }' }, await as('p-admin'));
  for (const { node } of (json.data as { customers: { edges: Array<{ node: Record<string, string> }> } }).customers.edges) personal.push(...Object.values(node));
  expect(personal.length).toBe(40);
});
afterAll(async () => {
  await koe?.stop();
  await db?.drop();
});

async function as(principal: string, requestId: string = randomUUID()) {
  return { authorization: `Bearer ${await koe.token(principal)}`, 'x-request-id': requestId };
}

const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

function expectNoPersonalData(found: Array<Record<string, unknown>>, extra: string[] = []): void {
  const text = JSON.stringify(found);
  for (const value of [...personal, ...extra]) expect(text).not.toContain(value);
}

describe('internal errors', () => {
  it('are logged with request id, server, code and a cause that does not quote the input', async () => {
    // The filter value is personal data that PostgreSQL quotes back in its error message.
    const typed = 'Tanaka Hanako tanaka.hanako@example.jp 090-1234-5678';
    await db.superuser('alter table customer alter column segment type integer using null');
    const rid = `internal-${randomUUID()}`;
    try {
      const query = 'query($s: String) { customers(first: 3, filter: { segment: $s }) { edges { node { id } } } }';
      const { json } = await postGraphQL(koe.platform.subgraphUrls.customers, { query, variables: { s: typed } }, await as('p-admin', rid));
      expect(json.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: rid });
    } finally {
      await db.superuser('alter table customer alter column segment type varchar(32) using segment::text');
    }
    const found = parsed().filter((l) => l.requestId === rid && l.msg === 'internal error');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 50, server: 'customers', code: 'INTERNAL_SERVER_ERROR', path: 'customers', sqlState: '22P02' });
    expect(found[0]!.error).toMatch(/invalid input syntax for type integer/);
    expectNoPersonalData(found, [typed, 'tanaka.hanako@example.jp', '090-1234-5678', 'Tanaka Hanako']);
  });
});

describe('audit-write failures', () => {
  const REFUSE = `
    create or replace function koe_test_refuse_audit() returns trigger language plpgsql as $$
    begin raise exception 'audit store refuses rows'; end $$;
    create trigger koe_test_refuse_audit before insert on audit_event for each row execute function koe_test_refuse_audit();`;

  it('are logged when an operation’s event and when a refusal’s event cannot be written', async () => {
    const read = `read-${randomUUID()}`;
    const refused = `refused-${randomUUID()}`;
    await db.superuser(REFUSE);
    try {
      const r = await postGraphQL(koe.platform.subgraphUrls.customers, { query: '{ customers(first: 5) { edges { node { name email } } } }' }, await as('p-admin', read));
      expect(r.status).toBe(503);
      const f = await postGraphQL(koe.platform.subgraphUrls.feedback, { query: '{ me { id } }' }, { authorization: 'Bearer forged', 'x-request-id': refused });
      expect(f.json.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
    } finally {
      await db.superuser('drop trigger if exists koe_test_refuse_audit on audit_event');
    }
    const failures = parsed().filter((l) => l.msg === 'audit write failed');
    const operation = failures.find((l) => l.server === 'customers');
    expect(operation).toMatchObject({ level: 50, subgraph: 'customers', code: 'AUDIT_UNAVAILABLE' });
    expect(operation!.error).toMatch(/audit store refuses rows/);
    const refusal = failures.find((l) => l.requestId === refused);
    expect(refusal).toMatchObject({ server: 'feedback', code: 'AUDIT_UNAVAILABLE' });
    expect(refusal!.error).toMatch(/audit store refuses rows/);
    expectNoPersonalData(failures, ['forged']);
    // The request's own line (and its metric) names the outcome, not only the status.
    const line = parsed().find((l) => l.requestId === read && l.msg === 'request');
    expect(line).toMatchObject({ server: 'customers', status: 503, outcome: 'audit_unavailable' });
  });
});

describe(redactMessage.name, () => {
  it.each([
    ['invalid input syntax for type integer: "tanaka@example.jp"', 'invalid input syntax for type integer: "…"'],
    [`select * from "customer" where "segment" = 'Yamada Taro' - column "segmnt" does not exist`, `select * from "customer" where "segment" = '…' - column "segmnt" does not exist`],
    ['duplicate key value violates unique constraint "consent_active" Key (customer_id, purpose)=(abc, marketing)', 'duplicate key value violates unique constraint "consent_active" Key (customer_id, purpose)=(…)'],
    ['call me on 090-1234-5678 or +81 90 1234 5678, mail a.b@example.co.jp', 'call me on … or …, mail …'],
    ['audit store refuses rows', 'audit store refuses rows'],
  ])('%s → %s', (message, redacted) => {
    expect(redactMessage(message)).toBe(redacted);
  });
});
