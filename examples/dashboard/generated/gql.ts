/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query MyAccess {\n  me {\n    id\n    displayName\n    roles\n    teamId\n    decisions {\n      field\n      decision\n    }\n  }\n}": typeof types.MyAccessDocument,
    "query NegativeFeedback($first: Int!, $after: String) {\n  feedbacks(filter: {sentiment: NEGATIVE}, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        channel\n        receivedAt\n        subject\n        body\n        rating\n        status\n        tags\n        customer {\n          id\n          customerKey\n          name\n          email\n          phone\n          prefecture\n        }\n      }\n    }\n  }\n}": typeof types.NegativeFeedbackDocument,
    "query DashboardInbox($first: Int!, $after: String, $receivedAfter: DateTime) {\n  feedbacks(\n    filter: {sentiment: NEGATIVE, receivedAfter: $receivedAfter}\n    orderBy: {field: RECEIVED_AT, direction: DESC}\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        receivedAt\n        channel\n        rating\n        teamId\n        subject\n        customer {\n          id\n          name\n          email\n          phone\n        }\n      }\n    }\n  }\n}": typeof types.DashboardInboxDocument,
    "query DashboardStats($filter: FeedbackFilter) {\n  weekly: feedbackStats(groupBy: [WEEK], filter: $filter) {\n    minGroupSize\n    groups {\n      key {\n        period\n      }\n      suppressed\n      count\n      nps\n      bySentiment {\n        sentiment\n        count\n        suppressed\n      }\n    }\n  }\n  channels: feedbackStats(groupBy: [CHANNEL], filter: $filter) {\n    groups {\n      key {\n        channel\n      }\n      suppressed\n      count\n    }\n  }\n}": typeof types.DashboardStatsDocument,
};
const documents: Documents = {
    "query MyAccess {\n  me {\n    id\n    displayName\n    roles\n    teamId\n    decisions {\n      field\n      decision\n    }\n  }\n}": types.MyAccessDocument,
    "query NegativeFeedback($first: Int!, $after: String) {\n  feedbacks(filter: {sentiment: NEGATIVE}, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        channel\n        receivedAt\n        subject\n        body\n        rating\n        status\n        tags\n        customer {\n          id\n          customerKey\n          name\n          email\n          phone\n          prefecture\n        }\n      }\n    }\n  }\n}": types.NegativeFeedbackDocument,
    "query DashboardInbox($first: Int!, $after: String, $receivedAfter: DateTime) {\n  feedbacks(\n    filter: {sentiment: NEGATIVE, receivedAfter: $receivedAfter}\n    orderBy: {field: RECEIVED_AT, direction: DESC}\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        receivedAt\n        channel\n        rating\n        teamId\n        subject\n        customer {\n          id\n          name\n          email\n          phone\n        }\n      }\n    }\n  }\n}": types.DashboardInboxDocument,
    "query DashboardStats($filter: FeedbackFilter) {\n  weekly: feedbackStats(groupBy: [WEEK], filter: $filter) {\n    minGroupSize\n    groups {\n      key {\n        period\n      }\n      suppressed\n      count\n      nps\n      bySentiment {\n        sentiment\n        count\n        suppressed\n      }\n    }\n  }\n  channels: feedbackStats(groupBy: [CHANNEL], filter: $filter) {\n    groups {\n      key {\n        channel\n      }\n      suppressed\n      count\n    }\n  }\n}": types.DashboardStatsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MyAccess {\n  me {\n    id\n    displayName\n    roles\n    teamId\n    decisions {\n      field\n      decision\n    }\n  }\n}"): (typeof documents)["query MyAccess {\n  me {\n    id\n    displayName\n    roles\n    teamId\n    decisions {\n      field\n      decision\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query NegativeFeedback($first: Int!, $after: String) {\n  feedbacks(filter: {sentiment: NEGATIVE}, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        channel\n        receivedAt\n        subject\n        body\n        rating\n        status\n        tags\n        customer {\n          id\n          customerKey\n          name\n          email\n          phone\n          prefecture\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query NegativeFeedback($first: Int!, $after: String) {\n  feedbacks(filter: {sentiment: NEGATIVE}, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        channel\n        receivedAt\n        subject\n        body\n        rating\n        status\n        tags\n        customer {\n          id\n          customerKey\n          name\n          email\n          phone\n          prefecture\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DashboardInbox($first: Int!, $after: String, $receivedAfter: DateTime) {\n  feedbacks(\n    filter: {sentiment: NEGATIVE, receivedAfter: $receivedAfter}\n    orderBy: {field: RECEIVED_AT, direction: DESC}\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        receivedAt\n        channel\n        rating\n        teamId\n        subject\n        customer {\n          id\n          name\n          email\n          phone\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query DashboardInbox($first: Int!, $after: String, $receivedAfter: DateTime) {\n  feedbacks(\n    filter: {sentiment: NEGATIVE, receivedAfter: $receivedAfter}\n    orderBy: {field: RECEIVED_AT, direction: DESC}\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        receivedAt\n        channel\n        rating\n        teamId\n        subject\n        customer {\n          id\n          name\n          email\n          phone\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DashboardStats($filter: FeedbackFilter) {\n  weekly: feedbackStats(groupBy: [WEEK], filter: $filter) {\n    minGroupSize\n    groups {\n      key {\n        period\n      }\n      suppressed\n      count\n      nps\n      bySentiment {\n        sentiment\n        count\n        suppressed\n      }\n    }\n  }\n  channels: feedbackStats(groupBy: [CHANNEL], filter: $filter) {\n    groups {\n      key {\n        channel\n      }\n      suppressed\n      count\n    }\n  }\n}"): (typeof documents)["query DashboardStats($filter: FeedbackFilter) {\n  weekly: feedbackStats(groupBy: [WEEK], filter: $filter) {\n    minGroupSize\n    groups {\n      key {\n        period\n      }\n      suppressed\n      count\n      nps\n      bySentiment {\n        sentiment\n        count\n        suppressed\n      }\n    }\n  }\n  channels: feedbackStats(groupBy: [CHANNEL], filter: $filter) {\n    groups {\n      key {\n        channel\n      }\n      suppressed\n      count\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;