/**
 * The customers subgraph as most Apollo users would guard it: the same schema without Koe's guard,
 * the same policy decisions expressed as graphql-shield rules plus a masking middleware. Served by
 * the same HTTP front. The rule decides on the record, so it cannot use the `contextual` cache; the
 * `strict` cache hashes each parent with object-hash, which throws on the loader promises a customer
 * row carries ("Unknown object type promise", reported as "Not Authorised!") and would cost more
 * than deciding again anyway: `no_cache`, one decision per field, like Koe's guard. Encrypted
 * fields are decrypted as in Koe: `unguardedSchema` already carries the decrypting
 * resolvers, so the shield rules and masks wrap decrypted values and the comparison stays fair.
 */
import { isObjectType, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, rule, shield } from 'graphql-shield';
import { MASKERS } from '../../src/policies/maskers/index.js';
import type { KoeContext } from '../../src/request/context.js';
import { unguardedSchema } from './unenforced.js';
import { PII_DIRECTIVE } from '../../src/schema/pii.directive.js';
import type { RunningHttp } from '../../src/server/http.js';
import type { SubgraphDeps } from '../../src/server/subgraph-server.js';
import { startBareCustomers } from './bare-customers.js';

type Resolver = (root: unknown, args: unknown, ctx: KoeContext, info: { parentType: { name: string }; fieldName: string }) => unknown;
type Middleware = (resolve: Resolver, ...rest: Parameters<Resolver>) => Promise<unknown>;

export async function startShieldCustomers(deps: SubgraphDeps): Promise<RunningHttp> {
  return startBareCustomers(deps, await shielded(await unguardedSchema('customers')));
}

async function shielded(schema: GraphQLSchema): Promise<GraphQLSchema> {
  const rules: Record<string, Record<string, unknown>> = {};
  const masks: Record<string, Record<string, Middleware>> = {};
  const readable = rule({ cache: 'no_cache' })((parent: object, _a: unknown, ctx: KoeContext, info: { parentType: { name: string }; fieldName: string }) =>
    ctx.access.decide(info.parentType.name, info.fieldName, parent).decision !== 'DENIED',
  );
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.astNode?.directives?.some((d) => d.name.value === PII_DIRECTIVE)) continue;
      (rules[type.name] ??= {})[field.name] = readable;
      (masks[type.name] ??= {})[field.name] = async (resolve, root, args, ctx, info) => {
        const value = await resolve(root, args, ctx, info);
        const d = ctx.access.decide(type.name, field.name, root as object);
        return d.decision === 'MASKED' ? MASKERS[d.masker!](value as never, ctx.maskContext) : value;
      };
    }
  }
  const permissions = shield(rules as never, { fallbackRule: allow, allowExternalErrors: true });
  return applyMiddleware(schema, permissions, masks as never);
}
