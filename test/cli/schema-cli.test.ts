/**
 * `koe schema --role` run for real: the SDL a role's tools see, cut to what the policy lets it
 * ever use, must still be a valid schema. One child process per test (~3 s each).
 */
import { buildSchema, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runKoe } from '../support/koe-cli.js';

// A spawn builds the three subgraphs' schemas (~2 s of CPU alone, much more on a loaded machine).
vi.setConfig({ testTimeout: 60_000 });

/** The CLI as `npx koe` runs it, with the shipped policies rather than a KOE_POLICY_DIR of the environment. */
const koe = (args: readonly string[]) => runKoe(args, { KOE_POLICY_DIR: undefined });

/** Runs `koe schema --role <role>` and builds what it printed (buildSchema validates the SDL). */
async function schemaFor(role: string): Promise<{ sdl: string; schema: GraphQLSchema }> {
  const r = await koe(['schema', '--role', role]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { sdl: r.stdout, schema: buildSchema(r.stdout) };
}

function fieldsOf(schema: GraphQLSchema, type: string): string[] {
  const t = schema.getType(type);
  return t && (isObjectType(t) || isInterfaceType(t) || isInputObjectType(t)) ? Object.keys(t.getFields()) : [];
}

function fieldSet(schema: GraphQLSchema): string[] {
  const names = Object.keys(schema.getTypeMap()).filter((n) => !n.startsWith('__'));
  return names.flatMap((t) => [t, ...fieldsOf(schema, t).map((f) => `${t}.${f}`)]).sort();
}

let full: GraphQLSchema;

beforeAll(async () => {
  const r = await koe(['schema']);
  expect(r.code).toBe(0);
  full = buildSchema(r.stdout);
});

describe('koe schema --role', () => {
  it('gives a read-only BI tool no mutations and no personal customer fields', async () => {
    const { sdl, schema } = await schemaFor('bi_readonly');
    expect(sdl).not.toMatch(/^type Mutation\b/m);
    expect(schema.getMutationType()).toBeUndefined();
    const customer = /^type Customer \{\n([\s\S]*?)^\}/m.exec(sdl)?.[1] ?? '';
    expect(customer).toMatch(/^ {2}customerKey:/m);
    expect(customer).not.toMatch(/^ {2}name:/m);
    expect(customer).not.toMatch(/^ {2}email:/m);
    // A MASKED field stays, and keeps telling clients it is personal.
    expect(sdl).toContain('body: String @pii(category: FREE_TEXT)');
  });

  it('gives an auditor the audit trail but no way to reach customers', async () => {
    const { schema } = await schemaFor('auditor');
    const query = fieldsOf(schema, 'Query');
    expect(query).toContain('auditEvents');
    expect(query).not.toContain('customers');
    expect(query).not.toContain('feedbacks');
    // The connection whose node type is gone goes with it.
    expect(schema.getType('Customer')).toBeUndefined();
    expect(schema.getType('CustomerConnection')).toBeUndefined();
  });

  it("gives an admin the full schema, except the DPO's erasure, provision records, use restrictions (restrict and lift) and incident reports", async () => {
    const { schema } = await schemaFor('admin');
    const dpoOnly = /^(Mutation\.requestErasure|ErasureResult|Mutation\.recordProvision|Query\.provisionRecords|ProvisionRecord|Mutation\.restrictUse|Mutation\.liftRestriction|UseRestriction|Query\.useRestriction|Query\.incidentReport|Incident)/;
    expect(fieldSet(schema)).toEqual(fieldSet(full).filter((f) => !dpoOnly.test(f)));
    expect(fieldSet(full)).toContain('Mutation.requestErasure');
  });

  it('gives the DPO erasure and the export, and an analyst neither', async () => {
    // Side by side: one after the other, the two spawns outlasted the timeout on a loaded machine.
    const [{ schema: dpo }, { schema: analyst }] = await Promise.all([schemaFor('dpo'), schemaFor('analyst')]);
    expect(fieldsOf(dpo, 'Mutation')).toContain('requestErasure');
    expect(fieldsOf(dpo, 'Query')).toContain('subjectExport');
    expect(fieldsOf(analyst, 'Query')).not.toContain('subjectExport');
    expect(analyst.getMutationType()).toBeUndefined();
  });

  // Guards against cutting a write-only role off from its own mutations' payloads.
  it('keeps the mutations of the ingestion service and their payloads, but no listing', async () => {
    const { schema } = await schemaFor('ingest');
    expect(fieldsOf(schema, 'Mutation').sort()).toEqual(['recordConsent', 'submitFeedback', 'upsertCustomer', 'withdrawConsent']);
    expect(fieldsOf(schema, 'Query')).toEqual(['me']);
    expect(fieldsOf(schema, 'Feedback')).toContain('status');
    expect(fieldsOf(schema, 'Feedback')).not.toContain('body');
  });

  it('refuses an unknown role', async () => {
    const r = await koe(['schema', '--role', 'nobody']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('unknown role "nobody"');
  });
});
