/**
 * For the tests of column selection (src/resolvers/selected-columns.ts): two Koe servers on the
 * run's database, one reading the columns an operation uses and one reading every column
 * (`KOE_READ_COLUMNS=all`), the shipped principals, and the select list of a logged statement.
 */
import type { PolicySet } from '../../src/policies/index.js';
import { postGraphQL, startTestKoe, type GraphQLBody, type TestKoe } from './koe.js';

export interface NarrowAndFull {
  narrow: TestKoe;
  full: TestKoe;
  stop(): Promise<void>;
}

export async function startNarrowAndFull(policy?: PolicySet): Promise<NarrowAndFull> {
  const narrow = await startTestKoe(policy, { limits: { requestsPerMinute: 0 } });
  let full: TestKoe;
  process.env.KOE_READ_COLUMNS = 'all';
  try {
    full = await startTestKoe(policy, { limits: { requestsPerMinute: 0 } });
  } catch (e) {
    await narrow.stop();
    throw e;
  } finally {
    delete process.env.KOE_READ_COLUMNS;
  }
  return { narrow, full, stop: async () => void (await Promise.all([narrow.stop(), full.stop()])) };
}

/** Every shipped principal, the DPO also with the purpose that lifts its personal-data rules. */
export const PRINCIPALS: ReadonlyArray<readonly [string, string | null]> = [
  ['p-admin', null],
  ['p-support-east', null],
  ['p-support-west', null],
  ['p-analyst', null],
  ['p-bi', null],
  ['p-marketing', null],
  ['p-auditor', null],
  ['p-dpo', null],
  ['p-dpo', 'compliance'],
  ['p-ingest', null],
];

/**
 * A support agent reads its own team's customers PLAIN and the others MASKED (policies/roles-cx):
 * a decision on the customer's teamId, which the tests leave out of their selections.
 */
export const SUPPORT_TEAM_CASES = [
  ['p-support-east', 'east', 'PLAIN'],
  ['p-support-east', 'west', 'MASKED'],
  ['p-support-west', 'west', 'PLAIN'],
  ['p-support-west', 'east', 'MASKED'],
] as const;

export type Via = 'gateway' | 'customers' | 'feedback' | 'audit';

export interface Doc {
  name: string;
  via: readonly Via[];
  query: string;
  variables?: () => Record<string, unknown>;
}

export async function ask(koe: TestKoe, via: Via, principal: string, purpose: string | null, doc: Partial<Doc> & Pick<Doc, 'query'>): Promise<GraphQLBody> {
  const url = via === 'gateway' ? koe.platform.gatewayUrl : koe.platform.subgraphUrls[via];
  const headers: Record<string, string> = { authorization: `Bearer ${await koe.token(principal)}` };
  if (purpose) headers['x-koe-purpose'] = purpose;
  return (await postGraphQL(url, { query: doc.query, variables: doc.variables?.() ?? {} }, headers)).json;
}

/** Each (document, server, principal) once: the test names and what `ask` needs. */
export function casesOf(docs: readonly Doc[]) {
  return docs.flatMap((doc) => doc.via.flatMap((via) => PRINCIPALS.map(([p, purpose]) => [doc.name, via, p, purpose ?? '-', doc] as const)));
}

/**
 * The statements SELECTing from `table` (aliased `e0` by the query builder), as their select
 * lists: `"e0"."purpose", "e0"."customer_id"` for `select "e0"."purpose", … from "consent" as "e0" …`.
 */
export function selectLists(queries: readonly string[], table: string): string[] {
  const from = ` from "${table}" as "e0"`;
  return queries.filter((q) => q.includes(from) && /\bselect\b/.test(q)).map((q) => q.slice(q.indexOf('select ') + 7, q.indexOf(from)));
}
