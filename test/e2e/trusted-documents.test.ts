/**
 * Trusted documents (docs/trusted-documents.md) on a real platform and a scratch database of this
 * file's own, published with the real CLI (and in-process where a CLI run adds nothing but minutes):
 * - `koe documents publish` refuses a manifest whose hash is not its text's sha256, publishing
 *   nothing; the manifest check refuses a document invalid for the API schema or unparsable, naming
 *   each hash; a valid manifest is published once (idempotent) with one audit event;
 * - a request by `documentId` (POST, GET) or Apollo's `extensions.persistedQuery` answers what the
 *   text answers; an unknown hash is PERSISTED_QUERY_NOT_FOUND, and Apollo's automatic persisted
 *   queries cannot make a client's own text runnable by hash;
 * - bi_readonly's API key (the policy locks it to client `bi`) sending text is FORBIDDEN before
 *   parsing (the text does not even parse), audited with the principal; by a hash published for
 *   `bi` it gets data; by a hash published only for `dashboard` it is FORBIDDEN; straight to a
 *   subgraph it is FORBIDDEN; a revoked hash is refused on the next request (TTL 0 here).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLSchema } from 'graphql';
import { createApiKey } from '../../src/auth/api-key-admin.js';
import { ManifestError, verifyManifest } from '../../src/data/documents/index.js';
import { apiSchema } from '../../src/server/api-schema.js';
import { publishAudited } from '../../src/server/documents/document-admin.js';
import { errorCodes, postGraphQL, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const STATS = 'query ChannelVolume { feedbackStats(groupBy: [CHANNEL]) { groups { key { channel } count suppressed } } }';
const TOTAL = 'query FeedbackTotal { feedbacks(first: 1) { totalCount } }';
/** Each test that runs the CLI (a child process composing the API schema: up to a minute and more on a loaded machine). */
const CLI_TIMEOUT = 300_000;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
let dir: string;
let biKey: string;
let schema: GraphQLSchema;
const ttlBefore = process.env.KOE_TRUSTED_DOCUMENTS_TTL_MS;
beforeAll(async () => {
  // Every request asks the database: a revocation binds the very next one (the default keeps 5 s).
  process.env.KOE_TRUSTED_DOCUMENTS_TTL_MS = '0';
  ({ db, koe, stop } = await seededScratchKoe({ customers: 30, feedback: 120 }));
  dir = mkdtempSync(join(tmpdir(), 'koe-docs-'));
  const actor = { id: 'p-admin', roles: ['admin'], policyVersion: 'test', via: 'cli' as const };
  schema = await apiSchema();
  biKey = (await createApiKey(koe.orm.em, { principalId: 'p-bi', name: `looker-${randomUUID()}`, expiresAt: null }, actor)).key;
}, 180_000);
afterAll(async () => {
  if (ttlBefore === undefined) delete process.env.KOE_TRUSTED_DOCUMENTS_TTL_MS;
  else process.env.KOE_TRUSTED_DOCUMENTS_TTL_MS = ttlBefore;
  rmSync(dir, { recursive: true, force: true });
  await stop?.();
});

const manifest = (name: string, entries: Record<string, string>) => {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(entries));
  return file;
};
const documents = (...args: string[]) => runKoe(['documents', ...args], koeCliEnv(db.url));
const published = async () => (await db.sql(`select client, hash, revoked_at from trusted_document order by client, hash`)) as Array<{ client: string; hash: string; revoked_at: Date | null }>;
const post = async (body: unknown, authorization: string, url = koe.platform.gatewayUrl) => postGraphQL(url, body, { authorization });
const bearer = async (principal: string) => `Bearer ${await koe.token(principal)}`;
const dataOf = (res: GraphQLBody) => {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
};

describe('koe documents publish', () => {
  it('refuses a manifest whose hash is not the sha256 of its text, naming the hash, and publishes nothing', async () => {
    const lie = `sha256:${sha(TOTAL)}`;
    const r = await documents('publish', manifest('lie', { [`sha256:${sha(STATS)}`]: STATS, [lie]: 'query FeedbackTotal { feedbacks(first: 100) { totalCount } }' }), '--client', 'bi');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${lie}: the hash is not the sha256 of its text`);
    expect(await published()).toEqual([]);
  }, CLI_TIMEOUT);

  it('refuses a document invalid for the API schema, or one that does not parse, naming each hash and its error', async () => {
    const bad = 'query Nope { feedbacks(first: 1) { noSuchField } }';
    const broken = '{ feedbacks(';
    const json = JSON.stringify({ [`sha256:${sha(STATS)}`]: STATS, [`sha256:${sha(bad)}`]: bad, [sha(broken)]: broken });
    const refusal = (() => {
      try {
        return void verifyManifest(json, schema);
      } catch (e) {
        return e as ManifestError;
      }
    })();
    expect(refusal).toBeInstanceOf(ManifestError);
    expect(refusal!.problems).toEqual([
      expect.stringMatching(new RegExp(`^sha256:${sha(bad)}: invalid for the API schema: .*noSuchField`)),
      expect.stringMatching(new RegExp(`^${sha(broken)}: does not parse`)),
    ]);
  });

  it('publishes a valid manifest once: a second run changes nothing and writes no second event', async () => {
    const file = manifest('bi', { [`sha256:${sha(STATS)}`]: STATS, [sha(TOTAL)]: TOTAL });
    const first = await documents('publish', file, '--client', 'bi', '--actor', 'p-admin');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('bi: 2 published, 0 published again after a revocation, 0 already published');
    const again = await documents('publish', file, '--client', 'bi', '--actor', 'p-admin');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('bi: 0 published, 0 published again after a revocation, 2 already published');
    expect((await published()).map((r) => [r.client, r.hash])).toEqual([['bi', sha(TOTAL)], ['bi', sha(STATS)]].sort((a, b) => a[1]!.localeCompare(b[1]!)));
    const events = (await db.sql(`select actor_id, resources, detail from audit_event where action = 'documents.publish'`)) as Array<{ actor_id: string; resources: string[]; detail: { client: string; published: string[] } }>;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_id: 'p-admin', resources: ['TrustedDocuments:bi'], detail: { client: 'bi', published: expect.arrayContaining([sha(STATS), sha(TOTAL)]) } });
  }, CLI_TIMEOUT);
});

describe('requests by hash', () => {
  it('answers a documentId (prefixed or bare, POST or GET) and Apollo\'s persistedQuery extension as it answers the text', async () => {
    const auth = await bearer('p-admin');
    const byText = dataOf((await post({ query: STATS }, auth)).json);
    expect((byText as { feedbackStats: { groups: unknown[] } }).feedbackStats.groups.length).toBeGreaterThan(0);
    expect(dataOf((await post({ documentId: `sha256:${sha(STATS)}` }, auth)).json)).toEqual(byText);
    expect(dataOf((await post({ documentId: sha(STATS) }, auth)).json)).toEqual(byText);
    expect(dataOf((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha(STATS) } } }, auth)).json)).toEqual(byText);
    const get = await fetch(`${koe.platform.gatewayUrl}?documentId=sha256:${sha(STATS)}`, { headers: { authorization: auth, 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect(dataOf((await get.json()) as GraphQLBody)).toEqual(byText);
  });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND, and never lets a client register its own text by hash (APQ)', async () => {
    const auth = await bearer('p-admin');
    const own = 'query Mine { feedbacks(first: 2) { totalCount } }';
    expect(errorCodes((await post({ documentId: `sha256:${sha(own)}` }, auth)).json)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    // Apollo's automatic persisted queries would store this text under its hash…
    dataOf((await post({ query: own, extensions: { persistedQuery: { version: 1, sha256Hash: sha(own) } } }, auth)).json);
    // …but the hash still names nothing trusted.
    expect(errorCodes((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha(own) } } }, auth)).json)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });
});

describe('bi_readonly\'s API key, locked to the documents published for client bi', () => {
  it('is refused FORBIDDEN for operation text before it is parsed, and the refusal is audited with the principal', async () => {
    const requestId = randomUUID();
    const res = await postGraphQL(koe.platform.gatewayUrl, { query: '{ this is not GraphQL' }, { authorization: `ApiKey ${biKey}`, 'x-request-id': requestId });
    expect(res.status).toBe(403);
    expect(errorCodes(res.json)).toEqual(['FORBIDDEN']);
    expect(res.json.errors![0]!.message).toMatch(/^Trusted documents only/);
    const [event] = (await db.sql(`select actor_id, roles, outcome, action, detail from audit_event where request_id = ?`, [requestId])) as Array<Record<string, unknown>>;
    expect(event).toMatchObject({ actor_id: 'p-bi', roles: ['bi_readonly'], action: 'authorize', outcome: 'denied', detail: { code: 'FORBIDDEN' } });
    // A valid text is refused all the same.
    expect(errorCodes((await post({ query: TOTAL }, `ApiKey ${biKey}`)).json)).toEqual(['FORBIDDEN']);
  });

  it('gets data by a hash published for bi, the same as the text gives a person holding the role', async () => {
    const byHash = dataOf((await post({ documentId: `sha256:${sha(TOTAL)}` }, `ApiKey ${biKey}`)).json);
    // A person holding bi_readonly signs in with a token: the lock binds API keys only.
    expect(dataOf((await post({ query: TOTAL }, await bearer('p-bi'))).json)).toEqual(byHash);
  });

  it('is refused a document published only for another client (dashboard)', async () => {
    const other = 'query DashboardOnly { feedbacks(first: 3) { totalCount } }';
    const entries = verifyManifest(JSON.stringify({ [`sha256:${sha(other)}`]: other }), schema);
    expect(await publishAudited(koe.orm.em.fork(), { id: 'p-admin', roles: ['admin'], policyVersion: 'test', via: 'cli' }, 'dashboard', entries)).toMatchObject({ published: 1 });
    const res = await post({ documentId: `sha256:${sha(other)}` }, `ApiKey ${biKey}`);
    expect(errorCodes(res.json)).toEqual(['FORBIDDEN']);
    expect(res.json.errors![0]!.message).toContain('not published for a client this principal may use');
    // An unlocked principal may use it.
    dataOf((await post({ documentId: `sha256:${sha(other)}` }, await bearer('p-analyst'))).json);
  });

  it('is refused straight at a subgraph, where no trusted document is served', async () => {
    const res = await post({ query: '{ feedbacks(first: 1) { totalCount } }' }, `ApiKey ${biKey}`, koe.platform.subgraphUrls.feedback);
    expect(errorCodes(res.json)).toEqual(['FORBIDDEN']);
  });

  it('is refused a revoked document on the next request', async () => {
    dataOf((await post({ documentId: sha(TOTAL) }, `ApiKey ${biKey}`)).json);
    const r = await documents('revoke', `sha256:${sha(TOTAL)}`, '--client', 'bi');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('bi: 1 revoked');
    expect(errorCodes((await post({ documentId: sha(TOTAL) }, `ApiKey ${biKey}`)).json)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const [event] = (await db.sql(`select detail from audit_event where action = 'documents.revoke'`)) as Array<{ detail: unknown }>;
    expect(event!.detail).toMatchObject({ client: 'bi', revoked: [sha(TOTAL)] });
    // The other document of bi stays live.
    dataOf((await post({ documentId: sha(STATS) }, `ApiKey ${biKey}`)).json);
    const listed = await documents('list', '--client', 'bi', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<{ hash: string; publishedBy: string; revokedAt: string | null; body: string }>;
    expect(Object.fromEntries(rows.map((r) => [r.hash, [r.publishedBy, r.revokedAt !== null]]))).toEqual({
      [`sha256:${sha(TOTAL)}`]: ['p-admin', true],
      [`sha256:${sha(STATS)}`]: ['p-admin', false],
    });
  }, CLI_TIMEOUT);
});
