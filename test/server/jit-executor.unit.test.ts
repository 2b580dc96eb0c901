/**
 * The error shapes graphql-jit produces differently from graphql-js (a resolver throwing a plain
 * Error, a coded error, a null in a non-null field, an error inside a list), run through a real
 * Apollo Server with Koe's formatError under both executors: the bodies must be identical.
 */
import { ApolloServer } from '@apollo/server';
import { GraphQLError, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '../../src/server/format-error.js';
import { CompiledQueries, executionOf, type ExecutorName } from '../../src/server/jit-executor.js';

const Item = new GraphQLObjectType({
  name: 'Item',
  fields: {
    n: { type: new GraphQLNonNull(GraphQLInt) },
    label: {
      type: GraphQLString,
      resolve: (item: { n: number }) => {
        if (item.n === 2) throw new GraphQLError('item 2 is forbidden', { extensions: { code: 'FORBIDDEN', field: 'Item.label' } });
        return `item ${item.n}`;
      },
    },
  },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      ok: { type: GraphQLString, resolve: () => 'ok' },
      boom: { type: GraphQLString, resolve: () => Promise.reject(new Error('driver said: relation "x" does not exist')) },
      coded: { type: GraphQLString, resolve: () => { throw new GraphQLError('gone', { extensions: { code: 'DATA_ERASED' } }); } },
      missing: { type: new GraphQLNonNull(GraphQLString), resolve: () => null },
      items: { type: new GraphQLList(Item), resolve: () => [{ n: 1 }, { n: 2 }, { n: null }] },
    },
  }),
});

const servers = {} as Record<ExecutorName, ApolloServer>;
beforeAll(async () => {
  for (const executor of ['graphql-js', 'graphql-jit'] as const) {
    servers[executor] = new ApolloServer({ ...executionOf(schema, executor), formatError, includeStacktraceInErrorResponses: false });
    await servers[executor].start();
  }
});
afterAll(async () => Promise.all(Object.values(servers).map((s) => s.stop())));

const run = async (executor: ExecutorName, query: string) => {
  const res = await servers[executor].executeOperation({ query });
  return { status: res.http.status, body: res.body };
};

describe('graphql-jit errors as graphql-js words them', () => {
  it.each([
    ['a plain Error (masked as internal, path kept)', '{ ok boom }'],
    ['a coded error (code kept)', '{ ok coded }'],
    ['a null in a non-null field (nulls the parent)', '{ ok missing }'],
    ['errors inside a list (path with index, non-null item)', '{ items { n label } }'],
    ['aliases and fragments', 'query Q { a: ok ...F } fragment F on Query { b: coded }'],
  ])('%s', async (_what, query) => {
    const js = await run('graphql-js', query);
    const jit = await run('graphql-jit', query);
    expect(jit).toEqual(js);
    expect(JSON.stringify(jit.body)).toContain('"errors"');
  });

  it('compiles a document once per operation name, and keeps at most its capacity', () => {
    const cache = new CompiledQueries(schema, 2);
    const doc = parse('query A { ok } query B { coded }');
    const a = cache.get(doc, 'h1', 'A');
    expect(cache.get(doc, 'h1', 'A')).toBe(a);
    expect(cache.get(doc, 'h1', 'B')).not.toBe(a);
    cache.get(parse('{ ok }'), 'h2', undefined);
    expect(cache.size).toBe(2);
    // 'h1'/'A' was the least recently used: evicted, so compiled anew.
    expect(cache.get(doc, 'h1', 'A')).not.toBe(a);
    expect(cache.size).toBe(2);
  });

  it('leaves to graphql-js what graphql-jit cannot compile', () => {
    // No such operation: compileQuery answers errors instead of a compiled query.
    expect(new CompiledQueries(schema, 2).get(parse('query A { ok }'), 'h', 'Nope')).toBe('graphql-js');
  });
});
