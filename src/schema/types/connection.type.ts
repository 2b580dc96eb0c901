import { Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';

@Directive('@shareable')
@ObjectType({ description: 'Relay page information; cursors are opaque.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/**
 * The Relay edge and connection types of a node type, named `<Node>Edge` and `<Node>Connection`.
 * One factory, so every list in Koe pages, counts and encodes cursors the same way.
 */
export function connectionTypes<TNode extends object>(node: ClassType<TNode>, name: string, countDescription?: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: TNode;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: countDescription ?? 'Rows the caller may see that match the filter.' })
    totalCount!: number;
  }

  return { Edge, Connection };
}
