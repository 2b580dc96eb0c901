/**
 * Guards every `@pii` field of a schema, wherever it is reached (root fields, nested fields,
 * `_entities`, aliases, fragments, mutation payloads): the resolver is wrapped once at build time,
 * so a new `@pii` field is guarded without touching any resolver.
 *
 * Per call the cost is the request's decider for the field (looked up once per request) applied to
 * the record; CASL runs per record only for conditional fields.
 */
import {
  defaultFieldResolver,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import type { FieldDecider } from '../../policies/index.js';
import type { MaskContext, MaskerName } from '../../policies/maskers/index.js';
import { PII_DIRECTIVE } from '../../schema/pii.directive.js';
import { ForbiddenError } from '../../request/errors.js';
import { purposeHint, type RequestAccess } from '../../request/access.js';
import type { KoeContext } from '../../request/context.js';
import { memoisedMask, type MemoisedMask } from './masked-memo.js';

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
  // A page reaches this field for each of its records in turn, all of one request: the request's
  // decider and the masker are fetched when the request (or the masker) changes, not per record.
  // Compared by identity, so interleaved requests only cost the lookups again, never a decision.
  // (The last request's access stays referenced here until another request reaches the field.)
  let access: RequestAccess | null = null;
  let decide: FieldDecider | null = null;
  let maskCtx: MaskContext | null = null;
  let maskerName: MaskerName | null = null;
  let mask: MemoisedMask | null = null;
  return (source, args, ctx, info) => {
    if (ctx.access !== access) {
      decide = ctx.access.decider(typeName, fieldName);
      access = ctx.access;
    }
    const outcome = decide!(source as object);
    ctx.decisions.count(path, outcome.decision);
    if (outcome.decision === 'DENIED') throw denied(ctx, typeName, fieldName, path, source as object);
    // Which record this value came from: the incident report's exact answer (src/audit/exposure.ts).
    ctx.decisions.shown(typeName, (source as { id?: unknown }).id, outcome.decision === 'PLAIN' ? plainEntry : maskedEntry);
    // Not even the resolver runs for a DENIED field: no load, no timing difference to observe.
    const value = resolve(source, args, ctx, info);
    if (outcome.decision === 'PLAIN') return value;
    if (outcome.masker !== maskerName || ctx.maskContext !== maskCtx) {
      mask = memoisedMask(outcome.masker!, ctx.maskContext);
      maskerName = outcome.masker;
      maskCtx = ctx.maskContext;
    }
    const masking = mask!;
    return value instanceof Promise ? value.then(masking) : masking(value);
  };
}
