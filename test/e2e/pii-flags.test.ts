// Issue 7, item 5: submitFeedback flags the kinds of personal data typed into a body, so analysts
// filter "feedback containing contact details" without reading them; the body stays masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { FeedbackEntity } from '../../src/data/entities/index.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';

let koe: TestKoe;
beforeAll(async () => {
  koe = await startTestKoe();
});
afterAll(async () => koe?.stop());

const SUBMIT = gql`
  mutation ($body: String!) { submitFeedback(input: { channel: WEB, body: $body }) { id piiFlags } }
`;
const BY_ID = gql`
  query ($id: ID!) { feedback(id: $id) { id body piiFlags } }
`;
const FLAGGED = gql`
  query ($kinds: [String!], $after: DateTime) {
    feedbacks(filter: { containsPii: $kinds, receivedAfter: $after }, first: 100) { totalCount edges { node { id piiFlags } } }
  }
`;

interface Submitted { submitFeedback: { id: string; piiFlags: string[] } }
interface Page { feedbacks: { totalCount: number; edges: Array<{ node: { id: string; piiFlags: string[] } }> } }

const CONTACT = 'メールはkoe.pii.test@example.co.jp、電話は090-4321-8765にお願いします';
const CLEAN = '配送が早くて助かりました。';

describe('PII flags on feedback', () => {
  let flagged: string;
  let clean: string;
  let since: Date;

  beforeAll(async () => {
    since = new Date(Date.now() - 60_000);
    const ingest = await koe.client('p-ingest');
    flagged = (await ingest.request<Submitted>(SUBMIT, { body: CONTACT })).submitFeedback.id;
    clean = (await ingest.request<Submitted>(SUBMIT, { body: CLEAN })).submitFeedback.id;
  });

  it('stores the flags in plain beside the sealed body', async () => {
    const rows = await koe.orm.em.fork().find(FeedbackEntity, { id: { $in: [flagged, clean] } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(flagged)!.piiFlags).toEqual(['EMAIL', 'PHONE']);
    expect(byId.get(clean)!.piiFlags).toEqual([]);
    expect(byId.get(flagged)!.body).not.toContain('090-4321-8765');
  });

  it('shows the analyst the flags and a masked body', async () => {
    const analyst = await koe.client('p-analyst');
    const { feedback } = await analyst.request<{ feedback: { body: string; piiFlags: string[] } }>(BY_ID, { id: flagged });
    expect(feedback.piiFlags).toEqual(['EMAIL', 'PHONE']);
    expect(feedback.body).toBe('メールは[EMAIL]、電話は[PHONE]にお願いします');
    const other = await analyst.request<{ feedback: { body: string; piiFlags: string[] } }>(BY_ID, { id: clean });
    expect(other.feedback.piiFlags).toEqual([]);
  });

  it.each(['p-analyst', 'p-bi'])('lets %s filter on a kind: the flagged item, not the clean one', async (caller) => {
    const client: GraphQLClient = await koe.client(caller);
    const ids = (await client.request<Page>(FLAGGED, { kinds: ['PHONE'], after: since })).feedbacks.edges.map((e) => e.node.id);
    expect(ids).toContain(flagged);
    expect(ids).not.toContain(clean);
  });

  it('matches ANY of the listed kinds, and nothing for an empty list', async () => {
    const analyst = await koe.client('p-analyst');
    const any = await analyst.request<Page>(FLAGGED, { kinds: ['CARD', 'EMAIL'], after: since });
    expect(any.feedbacks.edges.map((e) => e.node.id)).toContain(flagged);
    const none = await analyst.request<Page>(FLAGGED, { kinds: ['CARD', 'MYNUMBER'], after: since });
    expect(none.feedbacks.edges.map((e) => e.node.id)).not.toContain(flagged);
    expect((await analyst.request<Page>(FLAGGED, { kinds: [] })).feedbacks.totalCount).toBe(0);
  });

  it.each([['phone'], ['FREE_TEXT'], ['PHONE', 'CONTACT']])('refuses the unknown kind in %j with BAD_USER_INPUT', async (...kinds) => {
    const token = await koe.token('p-analyst');
    const { json } = await postGraphQL(koe.platform.gatewayUrl, { query: FLAGGED, variables: { kinds } }, { authorization: `Bearer ${token}` });
    expect(json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.containsPii' });
    expect(json.data ?? null).toBeNull();
  });

  it('finds flagged feedback in the seeded demo data', async () => {
    const bi = await koe.client('p-bi');
    const phones = await bi.request<Page>(FLAGGED, { kinds: ['PHONE'] });
    expect(phones.feedbacks.totalCount).toBeGreaterThan(0);
    for (const e of phones.feedbacks.edges) expect(e.node.piiFlags).toContain('PHONE');
  });
});
