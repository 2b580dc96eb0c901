/**
 * Builds an incident report from the database: the chain is verified first (the report says
 * whether it held), then the events in scope are read in keyset batches and folded by
 * IncidentBuilder, with each batch's feedback records looked up to their customers.
 */
import type { PolicySet } from '../../policies/index.js';
import type { Sql } from '../chain-reader.js';
import type { CheckpointKey } from '../checkpoint.js';
import { verifyChain } from '../verify.js';
import { IncidentBuilder, type IncidentEvent } from './incident-builder.js';
import type { IncidentReport, IncidentScope, IncidentVerification, ResolvedScope } from './incident-model.js';

export class IncidentScopeError extends Error {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}

export interface IncidentReportOptions {
  policy: PolicySet;
  /** The checkpoint key: without it checkpoints are matched but their signatures not checked. */
  key?: CheckpointKey | null;
  batchSize?: number;
}

const later = (a: Date | null, b: Date | null) => (a && b ? (a >= b ? a : b) : (a ?? b));
const earlier = (a: Date | null, b: Date | null) => (a && b ? (a <= b ? a : b) : (a ?? b));

export async function resolveScope(sql: Sql, scope: IncidentScope): Promise<ResolvedScope> {
  const out: ResolvedScope = {
    principalId: scope.principalId ?? null,
    apiKeyPrefix: scope.apiKeyPrefix ?? null,
    address: scope.address ?? null,
    since: scope.since ?? null,
    until: scope.until ?? null,
    notes: [],
  };
  if (!out.principalId && !out.apiKeyPrefix && !out.address) throw new IncidentScopeError('principalId', 'name a principal, an API key prefix or a client address');
  if (out.since && out.until && out.since >= out.until) throw new IncidentScopeError('until', 'must be after since');
  if (out.apiKeyPrefix) {
    const [key] = await sql<{ principal_id: string; created_at: Date; revoked_at: Date | null }>(
      'select principal_id, created_at, revoked_at from api_key where prefix = ?',
      [out.apiKeyPrefix],
    );
    if (!key) throw new IncidentScopeError('apiKeyPrefix', `no API key with prefix "${out.apiKeyPrefix}"`);
    if (out.principalId && out.principalId !== key.principal_id) {
      throw new IncidentScopeError('apiKeyPrefix', `API key ${out.apiKeyPrefix} belongs to ${key.principal_id}, not ${out.principalId}`);
    }
    out.principalId = key.principal_id;
    out.since = later(out.since, new Date(key.created_at));
    out.until = earlier(out.until, key.revoked_at ? new Date(key.revoked_at) : null);
    out.notes.push(
      `Audit events name the principal, not the credential: every request of ${key.principal_id} while key ${out.apiKeyPrefix} existed is included (an upper bound for the key).`,
    );
  }
  return out;
}

interface Row {
  seq: string;
  at: Date | string;
  actor_id: string | null;
  roles: string[];
  action: string;
  outcome: string;
  operation_name: string | null;
  purpose: string | null;
  subgraph: string | null;
  resources: string[];
  fields: IncidentEvent['fields'] | string;
  request_id: string;
  client_address: string | null;
  detail: Record<string, unknown> | string | null;
}

const eventOf = (r: Row): IncidentEvent => ({
  at: r.at instanceof Date ? r.at : new Date(r.at),
  actorId: r.actor_id,
  roles: r.roles ?? [],
  action: r.action,
  outcome: r.outcome,
  operationName: r.operation_name,
  purpose: r.purpose,
  subgraph: r.subgraph,
  resources: r.resources ?? [],
  fields: typeof r.fields === 'string' ? (JSON.parse(r.fields) as IncidentEvent['fields']) : (r.fields ?? []),
  requestId: r.request_id,
  clientAddress: r.client_address,
  detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
});

/** The events in scope, a batch at a time; a principal's refused attempts (claimedPrincipalId) included. */
export async function* scopedEventBatches(sql: Sql, scope: ResolvedScope, batchSize = 2000): AsyncGenerator<IncidentEvent[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (scope.principalId) (where.push(`(actor_id = ? or detail->>'claimedPrincipalId' = ?)`), params.push(scope.principalId, scope.principalId));
  if (scope.address) (where.push('client_address = ?'), params.push(scope.address));
  if (scope.since) (where.push('at >= ?'), params.push(scope.since));
  if (scope.until) (where.push('at < ?'), params.push(scope.until));
  let after = '0';
  for (;;) {
    const rows = await sql<Row>(
      `select seq::text as seq, at, actor_id, roles, action, outcome, operation_name, purpose, subgraph, resources, fields, request_id, client_address, detail
         from audit_event where seq > ? and ${where.join(' and ')} order by seq limit ${batchSize}`,
      [after, ...params],
    );
    if (rows.length === 0) return;
    yield rows.map(eventOf);
    after = rows[rows.length - 1]!.seq;
    if (rows.length < batchSize) return;
  }
}

async function feedbackOwners(sql: Sql, events: IncidentEvent[]): Promise<Map<string, string>> {
  const ids = [...new Set(events.flatMap((e) => e.resources.filter((r) => r.startsWith('Feedback:')).map((r) => r.slice('Feedback:'.length))))];
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; customer_id: string | null }>(
    `select id::text as id, customer_id::text as customer_id from feedback where id::text in (${ids.map(() => '?').join(', ')})`,
    ids,
  );
  return new Map(rows.filter((r) => r.customer_id).map((r) => [r.id, r.customer_id!]));
}

export async function verifyForIncident(sql: Sql, key: CheckpointKey | null | undefined): Promise<IncidentVerification> {
  const v = await verifyChain(sql, { key: key ?? null });
  return { ok: v.ok, events: v.events, signaturesChecked: v.signaturesChecked, problem: v.problem ? `seq ${v.problem.seq} [${v.problem.kind}]: ${v.problem.message}` : null };
}

export async function buildIncidentReport(sql: Sql, scope: IncidentScope, opts: IncidentReportOptions): Promise<IncidentReport> {
  const resolved = await resolveScope(sql, scope);
  const verification = await verifyForIncident(sql, opts.key);
  const builder = new IncidentBuilder(opts.policy.catalog);
  for await (const batch of scopedEventBatches(sql, resolved, opts.batchSize)) {
    const owners = await feedbackOwners(sql, batch);
    for (const e of batch) builder.add(e, (id) => owners.get(id));
  }
  return builder.finish(resolved, verification);
}
