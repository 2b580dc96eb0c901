/**
 * Turns one finished GraphQL request into its audit event. Everything here reads what the request
 * already produced (the parsed operation, the decision counts, the entities the request loaded):
 * no per-field work is added to execution.
 */
import { wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Kind, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { CustomerEntity, FeedbackEntity } from '../data/entities/index.js';
import type { TouchedRows } from '../data/touched-rows.js';
import type { KoeContext } from '../request/context.js';
import type { NewAuditEvent } from './event.js';
import { encodeRecordExposure, type ExposureGroup } from './exposure.js';
import { mutationDetail } from './mutation-detail.js';

export interface FinishedRequest {
  operation: OperationDefinitionNode | null | undefined;
  operationName: string | null;
  operationHash: string | null;
  variables: Record<string, unknown> | undefined;
  data: unknown;
  errors: readonly GraphQLFormattedError[] | undefined;
}

/** `query`, `mutation`, `subscription`, or `entities` for the gateway's `_entities` fetches. */
export function actionOf(operation: OperationDefinitionNode | null | undefined): string {
  if (!operation) return 'query';
  const entities = operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  return entities ? 'entities' : operation.operation;
}

/** `ok`; `denied` when a root field was refused; `partial` when only some fields were; else `error`. */
export function outcomeOf(data: unknown, errors: readonly GraphQLFormattedError[] | undefined): string {
  if (!errors || errors.length === 0) return 'ok';
  const forbidden = errors.filter((e) => e.extensions?.code === 'FORBIDDEN');
  if (forbidden.length === 0) return 'error';
  const refused = data === null || data === undefined || forbidden.some((e) => !e.path || e.path.length <= 1);
  return refused ? 'denied' : 'partial';
}

const TRACKED = [
  [CustomerEntity, 'Customer'],
  [FeedbackEntity, 'Feedback'],
] as const;
const TRACKED_LEAN = new Map<string, string>(TRACKED.map(([cls, name]) => [cls.name, name]));

/**
 * The records the request loaded, as ids per type (unsorted, with repeats): the plain rows its read
 * paths (lists, loaders, `_entities`) returned (`ctx.touched`) and the entities in its identity map
 * (mutations), so a record read without selecting `id` is still named. Uninitialised references (a
 * feedback's customer not loaded) do not count. A superset by design: a page loads one look-ahead
 * row past its end, and that row is named too.
 */
export function touchedIds(em: EntityManager, touched: TouchedRows): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  const listOf = (name: string) => ids.get(name) ?? ids.set(name, []).get(name)!;
  for (const entity of em.getUnitOfWork().getIdentityMap()) {
    for (const [cls, name] of TRACKED) {
      if (entity instanceof cls && wrap(entity, true).isInitialized()) listOf(name).push(String(entity.id));
    }
  }
  touched.eachRead((entity, rows) => {
    const name = TRACKED_LEAN.get(entity);
    if (!name) return;
    const list = listOf(name);
    for (let i = 0; i < rows.length; i++) list.push(String(rows[i]!.id));
  });
  return ids;
}

/** The gateway names its fetches `<client name>__<subgraph>__<n>`: the trail keeps the client's name. */
export function clientOperationName(name: string | null, subgraph: string): string | null {
  if (name === null) return null;
  const suffix = new RegExp(`__${subgraph}__\\d+$`);
  return name.replace(suffix, '') || name;
}

/** The event's detail: a mutation's arguments (masked) and, for any operation, which record returned which field. */
function eventDetail(ctx: KoeContext, req: FinishedRequest, action: string, groups: ExposureGroup[]): Record<string, unknown> | null {
  const base = action === 'mutation' && req.operation ? mutationDetail(req.operation, req.variables) : null;
  const unmapped = ctx.decisions.unmapped();
  if (groups.length === 0 && unmapped.length === 0) return base;
  return { ...base, exposure: groups, ...(unmapped.length ? { exposureUnmapped: unmapped } : {}) };
}

export function requestEvent(ctx: KoeContext, req: FinishedRequest, at = new Date()): NewAuditEvent {
  const action = actionOf(req.operation);
  const { resources, groups } = encodeRecordExposure(touchedIds(ctx.em, ctx.touched), ctx.decisions.shownByType());
  return {
    at,
    actorId: ctx.principal.id,
    roles: [...ctx.principal.roles],
    action,
    outcome: outcomeOf(req.data, req.errors),
    operationName: clientOperationName(req.operationName, ctx.subgraph),
    operationHash: req.operationHash,
    purpose: ctx.purpose,
    subgraph: ctx.subgraph,
    resources,
    fields: ctx.decisions.entries().sort((a, b) => (a.field + a.decision).localeCompare(b.field + b.decision)),
    policyVersion: ctx.access.policyVersion,
    requestId: ctx.requestId,
    clientAddress: ctx.clientAddress,
    detail: eventDetail(ctx, req, action, groups),
  };
}
