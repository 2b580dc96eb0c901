/**
 * The Explorer's schema in production mode: introspection stays admin-only (anonymous and analyst
 * callers are refused), and a signed-in analyst gets its own SDL from `/console/schema`, cut to what
 * its policy lets it use, so the Explorer completes queries without introspection. It used to have
 * no schema at all for non-admin roles in production.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKoe, type TestKoe } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';

let koe: TestKoe;
let base: string;
beforeAll(async () => {
  koe = await startTestKoe(undefined, { limits: { production: true } });
  base = koe.platform.gatewayUrl.replace(/\/graphql$/, '');
}, 120_000);
afterAll(async () => koe?.stop());

const CONSOLE = { 'content-type': 'application/json', 'x-koe-console': '1' };
const INTROSPECTION = JSON.stringify({ query: '{ __schema { types { name } } }' });

async function signIn(principal: string): Promise<string> {
  const res = await fetch(`${base}/console/session`, { method: 'POST', headers: CONSOLE, body: JSON.stringify({ credential: await koe.token(principal) }) });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

const schemaFor = (headers: Record<string, string>) => fetch(`${base}/console/schema`, { headers });

async function sdlOf(cookie: string): Promise<GraphQLSchema> {
  const res = await schemaFor({ ...CONSOLE, cookie });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return buildSchema(((await res.json()) as { sdl: string }).sdl);
}

const fieldsOf = (schema: GraphQLSchema, type: string) => Object.keys((schema.getType(type) as { getFields?: () => object } | undefined)?.getFields?.() ?? {});

describe('the Explorer schema in production mode', () => {
  it('introspection is still refused to an anonymous caller and to an analyst, through the session too', async () => {
    const anonymous = await fetch(koe.platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: INTROSPECTION });
    expect(anonymous.status).toBe(401);
    const analyst = await fetch(koe.platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await koe.token('p-analyst')}` }, body: INTROSPECTION });
    expect(analyst.status).toBe(403);
    const session = await fetch(koe.platform.gatewayUrl, { method: 'POST', headers: { ...CONSOLE, cookie: await signIn('p-analyst') }, body: INTROSPECTION });
    expect(((await session.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('FORBIDDEN');
  });

  it('refuses the schema without a session, without the console header, and to a bearer token', async () => {
    expect((await schemaFor(CONSOLE)).status).toBe(401);
    expect((await schemaFor({ cookie: await signIn('p-analyst') })).status).toBe(403);
    expect((await schemaFor({ ...CONSOLE, authorization: `Bearer ${await koe.token('p-analyst')}` })).status).toBe(401);
  });

  it("gives a signed-in analyst its own SDL: what it reads, none of the audit trail's types or any mutation", async () => {
    const schema = await sdlOf(await signIn('p-analyst'));
    expect(fieldsOf(schema, 'Query')).toEqual(expect.arrayContaining(['me', 'customers', 'feedbacks']));
    expect(fieldsOf(schema, 'Customer')).toContain('email');
    expect(fieldsOf(schema, 'Query')).not.toContain('auditEvents');
    expect(schema.getType('AuditEvent')).toBeUndefined();
    expect(schema.getType('ApiKey')).toBeUndefined();
    expect(schema.getMutationType()).toBeUndefined();
  });

  it('gives a principal with two roles the union of their schemas, and an admin the whole one', async () => {
    const both = await clonePrincipal(koe.orm, 'p-explorer-two-roles', 'p-analyst', ['analyst', 'auditor']);
    const union = await sdlOf(await signIn(both));
    expect(fieldsOf(union, 'Query')).toEqual(expect.arrayContaining(['customers', 'auditEvents']));
    expect(union.getMutationType()).toBeUndefined();
    const admin = await sdlOf(await signIn('p-admin'));
    expect(fieldsOf(admin, 'Mutation')).toContain('disablePrincipal');
  });

  it('refuses the schema to a session whose principal was disabled since', async () => {
    const id = await clonePrincipal(koe.orm, 'p-explorer-leaver', 'p-analyst');
    const cookie = await signIn(id);
    expect((await schemaFor({ ...CONSOLE, cookie })).status).toBe(200);
    await koe.orm.em.getConnection().execute(`update principal set status = 'disabled' where id = ?`, [id]);
    expect((await schemaFor({ ...CONSOLE, cookie })).status).toBe(401);
  });
});
