/**
 * Guards every `@pii` field of a schema, wherever it is reached (root fields, nested fields,
 * `_entities`, aliases, fragments, mutation payloads): the resolver is wrapped once at build time,
 * so a new `@pii` field is guarded without touching any resolver.
 *
 * Per call the cost is the field's decider (built once per ability and field) applied to the record; CASL runs per record only for conditional fields.
 */
import {
  defaultFieldResolver,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { PII_DIRECTIVE } from '../../schema/pii.directive.js';
import { ForbiddenError } from '../../request/errors.js';
import { purposeHint } from '../../request/access.js';
import type { KoeContext } from '../../request/context.js';
import { memoisedMask } from './masked-memo.js';

export function guardPiiFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!isPii(field)) continue;
      // A DENIED non-null field would null its parent too: refuse such a schema at start-up.
      if (isNonNullType(field.type)) throw new Error(`@pii field ${type.name}.${field.name} must be nullable`);
      field.resolve = guarded(type.name, field.name, field.resolve ?? defaultFieldResolver);
    }
  }
  return schema;
}

function isPii(field: GraphQLField<unknown, unknown>): boolean {
  return field.astNode?.directives?.some((d) => d.name.value === PII_DIRECTIVE) ?? false;
}

/** FORBIDDEN for one field, saying which purpose would lift it when the caller's own roles have one. */
function denied(ctx: KoeContext, typeName: string, fieldName: string, path: string, record: object): ForbiddenError {
  const purpose = ctx.access.liftingPurpose(typeName, fieldName, record);
  return new ForbiddenError(`Not permitted to read ${path}${purposeHint(purpose)}`, { field: path, ...(purpose ? { requiredPurpose: purpose } : {}) });
}

function guarded(typeName: string, fieldName: string, resolve: GraphQLFieldResolver<unknown, KoeContext>): GraphQLFieldResolver<unknown, KoeContext> {
  const path = `${typeName}.${fieldName}`;
  const plainEntry = `P${path}`;
  const maskedEntry = `M${path}`;
  return (source, args, ctx, info) => {
    // The ability builds the field's decider once (its plan looked up once); applied per record.
    const outcome = ctx.access.decider(typeName, fieldName)(source as object);
    ctx.decisions.count(path, outcome.decision);
    if (outcome.decision === 'DENIED') throw denied(ctx, typeName, fieldName, path, source as object);
    // Which record this value came from: the incident report's exact answer (src/audit/exposure.ts).
    ctx.decisions.shown(typeName, (source as { id?: unknown }).id, outcome.decision === 'PLAIN' ? plainEntry : maskedEntry);
    // Not even the resolver runs for a DENIED field: no load, no timing difference to observe.
    const value = resolve(source, args, ctx, info);
    if (outcome.decision === 'PLAIN') return value;
    const mask = memoisedMask(outcome.masker!, ctx.maskContext);
    return value instanceof Promise ? value.then(mask) : mask(value);
  };
}
