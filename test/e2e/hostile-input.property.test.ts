/**
 * Property: whatever an admin sends as the arguments of any query or mutation, to the gateway or
 * straight to a subgraph, Koe answers below 500, shows nothing of its insides, and every mutation
 * that succeeds has its audit event. The operations are read from the schemas themselves, so a new
 * field is attacked without editing this file. Hostile values: unstorable and odd text (NUL, lone
 * surrogates, right-to-left marks, emoji, SQL and JSON metacharacters, 20,000 characters), numbers
 * an Int cannot hold, floats, NaN-ish strings, and wrong shapes (null, lists for scalars, objects
 * for strings, unknown fields). The seed is fixed: a failure replays.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEventEntity } from '../../src/data/entities/index.js';
import { SUBGRAPH_NAMES } from '../../src/request/context.js';
import { subgraphSchema } from '../../src/server/subgraphs.js';
import { apiSchema } from '../../src/server/api-schema.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';
import { seededScratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const SEED = 20261204;
/** Runs per operation and server (each operation is attacked on the gateway and on its subgraph): about 40 s in all. */
const RUNS_PER_OPERATION = 12;

let db: ScratchKoeDb;
let koe: TestKoe;
beforeAll(async () => {
  // Its own small database: the generated mutations that succeed write to it. As deployed
  // (production error shapes), with rate limits off for the few thousand requests.
  db = await seededScratchKoeDb({ customers: 20, feedback: 40 });
  koe = await startTestKoe(undefined, { databaseUrl: db.url, limits: { requestsPerMinute: 0, plainReadsPerMinute: 0, production: true } });
});
afterAll(async () => {
  await koe?.stop();
  await db?.drop();
});

interface Operation {
  kind: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  document: string;
}

/** One operation per root field: every argument a variable, the result reduced to `__typename`. */
function operationsOf(schema: GraphQLSchema): Operation[] {
  const out: Operation[] = [];
  for (const [kind, type] of [['query', schema.getQueryType()], ['mutation', schema.getMutationType()]] as const) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      if (field.name.startsWith('__') || field.name === '_service') continue;
      const defs = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
      const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
      out.push({ kind, field, document: `${kind} Attack${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }` });
    }
  }
  return out;
}

const HOSTILE_TEXT = [
  'gold\u0000', 'web\ud800', '\udfffapp', 'a\ud83d', "' OR 1=1 --", '"; drop table customer; --', '{"$gt": ""}', '$where', '\\', '%', '_',
  '\u202egnp.exe', '\u05e9\u05dc\u05d5\u05dd', '👍🏽👨‍👩‍👧', '山田 太郎', '', ' ', 'NaN', 'Infinity', '-0', '1e999', 'null', 'undefined', '__proto__',
  'x'.repeat(20_000), '00000000-0000-0000-0000-000000000000', 'p-admin\u0000', '2026-13-45T99:99:99Z', 'Customer', '<script>alert(1)</script>',
];
const text = fc.oneof(fc.constantFrom(...HOSTILE_TEXT), fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ unit: 'grapheme', maxLength: 12 }));
const number = fc.oneof(
  fc.integer(),
  fc.constantFrom(-1, 11, 100),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER + 2, -1, 0, 1.5, 1e308, -1e-308, 101, 1_000_000),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('NaN', 'Infinity', '1', '0x10'),
);
const shape = fc.constantFrom<unknown>(null, [], [null], ['x'], {}, { $ne: null }, true, 0);
const junk = fc.oneof(shape, text, number);

/** Plausible values, so that a share of the generated calls passes coercion and reaches resolvers and SQL. */
let benignText: fc.Arbitrary<string> = fc.constant('x');
async function loadBenignValues(): Promise<void> {
  const rows = await db.sql('select id::text as id from customer order by id limit 5');
  const feedback = await db.sql('select id::text as id from feedback order by id limit 5');
  // Never the admin itself: a generated disablePrincipal must not lock the attacker out.
  const principals = await db.sql("select id from principal where id <> 'p-admin' order by id");
  const ids = [...rows, ...feedback, ...principals].map((r) => String((r as { id: string }).id));
  benignText = fc.constantFrom(...ids, 'support', 'marketing', 'analytics', 'compliance', 'web', 'app', 'gold', 'analyst', 'auditor', 'team-east', '東京都', 'a@example.com', '03-1234-5678', '1990-01-01', '配送が遅れています', 'erasure requested by the customer');
}

/**
 * Values aimed at a type. `h` (0-10) is how hostile: at each node the value is replaced by junk of
 * the wrong kind or shape with weight h, so h = 0 gives well-formed calls, h = 2 well-formed calls
 * with a hostile value somewhere inside, h = 8 mostly junk.
 */
function valueFor(type: GraphQLInputType, h: number, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueFor(type.ofType, h, depth);
  let own: fc.Arbitrary<unknown>;
  if (isListType(type)) {
    own = fc.array(valueFor(type.ofType, h, depth + 1), { minLength: 1, maxLength: 3 });
  } else if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    const model = Object.fromEntries(depth > 3 ? [] : fields.map((f) => [f.name, valueFor(f.type, h, depth + 1)]));
    const required = fields.filter((f) => isNonNullType(f.type)).map((f) => f.name);
    own = h === 0 ? fc.record(model, { requiredKeys: required }) : fc.oneof(
      { arbitrary: fc.record(model, { requiredKeys: required }), weight: 6 },
      { arbitrary: fc.record(model, { requiredKeys: [] }).map((r) => ({ ...r, notAField: 'x' })), weight: 1 },
    );
  } else if (isEnumType(type)) {
    own = fc.constantFrom(...type.getValues().map((v) => v.name));
  } else {
    own = scalarValue(type.name);
  }
  return h === 0 ? own : fc.oneof({ arbitrary: own, weight: 10 - h }, { arbitrary: junk, weight: h });
}

function scalarValue(name: string): fc.Arbitrary<unknown> {
  switch (name) {
    case 'Int':
    case 'Float':
      return fc.integer({ min: 0, max: 10 });
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return fc.date({ min: new Date('2020-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    case '_Any':
      return fc.record({ __typename: fc.constantFrom('Customer', 'Feedback', 'Nope', '__Schema'), id: fc.oneof(benignText, text, number, shape) });
    default:
      return benignText;
  }
}

function variablesFor(op: Operation): fc.Arbitrary<Record<string, unknown>> {
  const required = op.field.args.filter((a) => isNonNullType(a.type)).map((a) => a.name);
  return fc.constantFrom(0, 2, 8).chain((h) => {
    const model = Object.fromEntries(op.field.args.map((a) => [a.name, valueFor(a.type, h)]));
    // Now and then any argument left out, required or not.
    return h === 8 ? fc.record(model, { requiredKeys: [] }) : fc.record(model, { requiredKeys: required });
  });
}

// What a client must never see: stack frames, source paths, SQL and driver messages, masked failures.
const INTERNAL = /stacktrace|\bat [\w$.<>]+ \(|\.(ts|js):\d+|node_modules|\/work\/|relation "|syntax error at or near|violates .* constraint|duplicate key|invalid input syntax|ECONNREFUSED|knex|MikroORM|Internal server error/i;

async function attack(url: string, op: Operation, variables: Record<string, unknown>): Promise<void> {
  const requestId = `prop-${randomUUID()}`;
  const res = await postGraphQL(url, { query: op.document, variables }, { authorization: `Bearer ${await koe.token('p-admin')}`, 'x-request-id': requestId });
  const context = `${op.document} ${JSON.stringify(variables).slice(0, 300)} -> ${res.status} ${JSON.stringify(res.json).slice(0, 400)}`;
  expect(res.status, context).toBeLessThan(500);
  for (const e of res.json.errors ?? []) {
    expect(JSON.stringify(e), context).not.toMatch(INTERNAL);
    expect(e.extensions?.code, context).not.toBe('INTERNAL_SERVER_ERROR');
  }
  const data = res.json.data as Record<string, unknown> | null | undefined;
  if (op.kind === 'mutation' && data && data[op.field.name] != null) {
    // A change went through: its event is in the trail under the request id the caller sent.
    const events = await koe.orm.em.fork().count(AuditEventEntity, { requestId, action: 'mutation' });
    expect(events, context).toBeGreaterThan(0);
  }
}

describe('hostile arguments to every operation', () => {
  const servers = ['gateway', ...SUBGRAPH_NAMES] as const;
  it.each(servers)('never answer 5xx, leak internals or write unaudited on %s', async (server) => {
    const schema = server === 'gateway' ? await apiSchema() : await subgraphSchema(server);
    const ops = operationsOf(schema);
    expect(ops.length).toBeGreaterThan(3);
    const url = server === 'gateway' ? koe.platform.gatewayUrl : koe.platform.subgraphUrls[server];
    await loadBenignValues();
    const attackArb = fc.constantFrom(...ops).chain((op) => variablesFor(op).map((variables) => ({ op, variables })));
    await fc.assert(
      fc.asyncProperty(attackArb, ({ op, variables }) => attack(url, op, variables)),
      { seed: SEED, numRuns: ops.length * RUNS_PER_OPERATION, endOnFailure: true },
    );
  }, 240_000);
});
