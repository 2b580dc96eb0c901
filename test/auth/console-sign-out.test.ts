/**
 * Console sign-out is server-side: a copy of the session cookie taken before sign-out is refused
 * afterwards (it used to work until its idle timeout). The design (console-session.ts): sign-out
 * records an instant on the principal, in PostgreSQL, which ends every console session of that
 * principal begun before it, in every browser and through every gateway instance; other principals'
 * sessions and later sign-ins are untouched. Disabling a principal ends its sessions too, so
 * enabling it again does not revive them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKoe, type TestKoe } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';

let koe: TestKoe;
let base: string;
beforeAll(async () => {
  koe = await startTestKoe();
  base = koe.platform.gatewayUrl.replace(/\/graphql$/, '');
}, 120_000);
afterAll(async () => koe?.stop());

const CONSOLE = { 'content-type': 'application/json', 'x-koe-console': '1' };

async function signIn(principal: string): Promise<string> {
  const res = await fetch(`${base}/console/session`, { method: 'POST', headers: CONSOLE, body: JSON.stringify({ credential: await koe.token(principal) }) });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

const signOut = (cookie: string) => fetch(`${base}/console/session`, { method: 'DELETE', headers: { ...CONSOLE, cookie } });

async function me(cookie: string): Promise<{ status: number; id: string | null; code: string | null }> {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { ...CONSOLE, cookie }, body: JSON.stringify({ query: '{ me { id } }' }) });
  const body = (await res.json()) as { data?: { me?: { id: string } } | null; errors?: Array<{ extensions?: { code?: string } }> };
  return { status: res.status, id: body.data?.me?.id ?? null, code: body.errors?.[0]?.extensions?.code ?? null };
}

describe('console sign-out', () => {
  it('refuses a copied cookie after sign-out, and every other session of that principal; a new sign-in works', async () => {
    const id = await clonePrincipal(koe.orm, 'p-signout-copy', 'p-auditor');
    const browserA = await signIn(id);
    const browserB = await signIn(id);
    const copied = browserA;
    expect((await me(copied)).id).toBe(id);
    expect((await signOut(browserA)).status).toBe(200);
    expect(await me(copied)).toEqual({ status: 401, id: null, code: 'UNAUTHENTICATED' });
    expect((await me(browserB)).status).toBe(401);
    const again = await signIn(id);
    expect(await me(again)).toMatchObject({ status: 200, id });
  });

  it("leaves another principal's session alone", async () => {
    const mine = await clonePrincipal(koe.orm, 'p-signout-mine', 'p-auditor');
    const theirs = await clonePrincipal(koe.orm, 'p-signout-theirs', 'p-auditor');
    const myCookie = await signIn(mine);
    const theirCookie = await signIn(theirs);
    await signOut(myCookie);
    expect((await me(myCookie)).status).toBe(401);
    expect(await me(theirCookie)).toMatchObject({ status: 200, id: theirs });
  });

  it('a principal disabled and enabled again does not get its old sessions back', async () => {
    const id = await clonePrincipal(koe.orm, 'p-signout-disabled', 'p-auditor');
    const cookie = await signIn(id);
    const sql = koe.orm.em.getConnection();
    await sql.execute(`update principal set status = 'disabled' where id = ?`, [id]);
    expect((await me(cookie)).status).toBe(401);
    await sql.execute(`update principal set status = 'active' where id = ?`, [id]);
    expect((await me(cookie)).status).toBe(401);
    expect((await me(await signIn(id))).status).toBe(200);
  });
});
