/**
 * `@listSize` as Koe's estimator counts: a field taking `first` slices by it (a connection's
 * `edges` are the sized list), any other list holds one item, and nothing else is annotated.
 */
import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { withListSizes } from '../../src/schema/list-size.js';

const sdl = `
type Query {
  customers(first: Int, after: String): CustomerConnection!
  tags(first: Int): [String!]!
  me: Me!
}
type CustomerConnection { edges: [CustomerEdge!]! totalCount: Int! }
type CustomerEdge { node: Customer! }
type Customer { id: ID! purchases: [Purchase!] name: String }
type Purchase { amount: Int }
type Me { roles: [String!]! @listSize(assumedSize: 3) }
`;

const fieldLine = (name: string) => print(withListSizes(parse(sdl))).split('\n').find((l) => l.trim().startsWith(`${name}`))!.trim();

describe(withListSizes.name, () => {
  it.each([
    ['customers', 'customers(first: Int, after: String): CustomerConnection! @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false, sizedFields: ["edges"])'],
    ['tags', 'tags(first: Int): [String!]! @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)'],
    ['edges', 'edges: [CustomerEdge!]! @listSize(assumedSize: 1)'],
    ['purchases', 'purchases: [Purchase!] @listSize(assumedSize: 1)'],
    ['roles', 'roles: [String!]! @listSize(assumedSize: 3)'],
    ['me', 'me: Me!'],
    ['name', 'name: String'],
    ['totalCount', 'totalCount: Int!'],
  ])('annotates %s as %s', (name, line) => {
    expect(fieldLine(name)).toBe(line);
  });
});
