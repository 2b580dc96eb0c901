/**
 * Folds audit events, in any order, into an incident report. Pure: the caller reads the events and
 * says which customer each feedback record belongs to. Memory grows with the customers, fields and
 * requests found, never with the events read.
 */
import type { PiiCategory, SchemaCatalog } from '../../policies/index.js';
import type { NewAuditEvent } from '../event.js';
import { decodeExposure, unmappedFields } from '../exposure.js';
import type {
  CategoryCount,
  CustomerExposure,
  FieldExposure,
  IncidentReport,
  IncidentVerification,
  PrincipalUse,
  RequestSummary,
  ResolvedScope,
} from './incident-model.js';

export type IncidentEvent = Pick<
  NewAuditEvent,
  'at' | 'actorId' | 'roles' | 'action' | 'outcome' | 'operationName' | 'purpose' | 'subgraph' | 'resources' | 'fields' | 'requestId' | 'clientAddress' | 'detail'
>;

/** The customer a `Feedback:<id>` resource belongs to (undefined: unknown or without customer). */
export type FeedbackOwner = (feedbackId: string) => string | undefined;

type Shown = 'PLAIN' | 'MASKED';

interface CustomerAcc {
  firstAt: Date;
  lastAt: Date;
  requests: Set<string>;
  fields: Map<string, FieldExposure & { decision: Shown }>;
}

const idsOf = (resources: readonly string[], type: string): string[] =>
  resources.filter((r) => r.startsWith(`${type}:`)).map((r) => r.slice(type.length + 1));

const minDate = (a: Date, b: Date) => (a <= b ? a : b);
const maxDate = (a: Date, b: Date) => (a >= b ? a : b);

export class IncidentBuilder {
  private readonly customers = new Map<string, CustomerAcc>();
  private readonly requests = new Map<string, RequestSummary & { customerSet: Set<string> }>();
  private readonly principals = new Map<string, PrincipalUse & { requestIds: Set<string> }>();
  private readonly values = new Map<string, number>();
  private eventsRead = 0;
  private exactEvents = 0;
  private upperBoundEvents = 0;

  constructor(private readonly catalog: SchemaCatalog) {}

  add(e: IncidentEvent, ownerOf: FeedbackOwner): void {
    this.eventsRead += 1;
    const direct = idsOf(e.resources, 'Customer');
    const viaFeedback = [...new Set(idsOf(e.resources, 'Feedback').map(ownerOf).filter((id): id is string => id !== undefined))];
    const all = [...new Set([...direct, ...viaFeedback])];
    this.addRequest(e, all);
    this.addPrincipal(e);
    for (const id of all) this.touch(id, e);
    const mapping = decodeExposure(e.resources, e.detail);
    if (mapping) this.addExact(e, mapping, ownerOf);
    const unmapped = mapping ? new Set(unmappedFields(e.detail)) : null;
    let bounded = false;
    for (const f of e.fields) {
      const category = this.categoryOf(f.field);
      const key = `${category ?? 'UNKNOWN'}|${f.decision}`;
      this.values.set(key, (this.values.get(key) ?? 0) + f.count);
      if ((f.decision !== 'PLAIN' && f.decision !== 'MASKED') || f.count <= 0) continue;
      // With a mapping only the fields it could not place fall back to the upper bound.
      if (unmapped && !unmapped.has(f.field)) continue;
      bounded = true;
      // A feedback field belongs to the feedback's customer; any other field (Customer, Purchase,
      // Consent) to the customers the event names, else to those its feedback belongs to.
      const own = f.field.startsWith('Feedback.') ? viaFeedback : direct;
      const targets = own.length ? own : all;
      for (const id of targets) this.expose(id, f.field, f.decision, category, e.at, targets.length === 1);
    }
    if (mapping) this.exactEvents += 1;
    else if (bounded) this.upperBoundEvents += 1;
  }

  /** The event says which record returned which field: each customer gets exactly its own. */
  private addExact(e: IncidentEvent, mapping: ReturnType<typeof decodeExposure> & object, ownerOf: FeedbackOwner): void {
    for (const m of mapping) {
      const sep = m.record.indexOf(':');
      const type = m.record.slice(0, sep);
      const id = m.record.slice(sep + 1);
      const customer = type === 'Customer' ? id : type === 'Feedback' ? ownerOf(id) : undefined;
      if (customer === undefined) continue;
      if (!this.customers.has(customer)) this.touch(customer, e);
      for (const f of m.plain) this.expose(customer, f, 'PLAIN', this.categoryOf(f), e.at, true);
      for (const f of m.masked) this.expose(customer, f, 'MASKED', this.categoryOf(f), e.at, true);
    }
  }

  finish(scope: ResolvedScope, verification: IncidentVerification, generatedAt = new Date()): IncidentReport {
    const customers: CustomerExposure[] = [...this.customers].map(([customerId, c]) => {
      const fields = [...c.fields.values()].sort((a, b) => a.field.localeCompare(b.field));
      const strip = ({ decision: _d, ...f }: FieldExposure & { decision: Shown }): FieldExposure => f;
      return {
        customerId,
        firstAt: c.firstAt,
        lastAt: c.lastAt,
        requests: c.requests.size,
        plain: fields.filter((f) => f.decision === 'PLAIN').map(strip),
        masked: fields.filter((f) => f.decision === 'MASKED').map(strip),
        exact: fields.every((f) => f.exact),
      };
    });
    customers.sort((a, b) => a.firstAt.getTime() - b.firstAt.getTime() || a.customerId.localeCompare(b.customerId));
    return {
      generatedAt,
      scope,
      verification,
      upperBound: customers.some((c) => !c.exact),
      eventsRead: this.eventsRead,
      exposureEvents: { exact: this.exactEvents, upperBound: this.upperBoundEvents },
      requests: [...this.requests.values()].map(({ customerSet: _s, ...r }) => r).sort((a, b) => a.at.getTime() - b.at.getTime()),
      customers,
      categories: this.categoryCounts(customers),
      principals: [...this.principals.values()].map(({ requestIds, ...p }) => ({ ...p, requests: requestIds.size })),
    };
  }

  private categoryOf(path: string): PiiCategory | null {
    const [type, field] = path.split('.');
    return (type && field && this.catalog.types[type]?.fields[field]?.pii) || null;
  }

  private touch(id: string, e: IncidentEvent): void {
    const c = this.customers.get(id);
    if (!c) {
      this.customers.set(id, { firstAt: e.at, lastAt: e.at, requests: new Set([e.requestId]), fields: new Map() });
      return;
    }
    c.firstAt = minDate(c.firstAt, e.at);
    c.lastAt = maxDate(c.lastAt, e.at);
    c.requests.add(e.requestId);
  }

  private expose(id: string, field: string, decision: Shown, category: PiiCategory | null, at: Date, exact: boolean): void {
    const fields = this.customers.get(id)!.fields;
    const key = `${decision}|${field}`;
    const f = fields.get(key);
    if (!f) fields.set(key, { field, category, decision, firstAt: at, lastAt: at, exact });
    else {
      f.firstAt = minDate(f.firstAt, at);
      f.lastAt = maxDate(f.lastAt, at);
      f.exact ||= exact;
    }
  }

  private addRequest(e: IncidentEvent, customers: string[]): void {
    let r = this.requests.get(e.requestId);
    if (!r) {
      r = {
        requestId: e.requestId,
        at: e.at,
        actorId: e.actorId,
        actions: [],
        outcome: e.outcome,
        operationName: e.operationName,
        purpose: e.purpose,
        clientAddress: e.clientAddress,
        subgraphs: [],
        customers: 0,
        customerSet: new Set(),
      };
      this.requests.set(e.requestId, r);
    }
    r.at = minDate(r.at, e.at);
    if (!r.actions.includes(e.action)) r.actions.push(e.action);
    if (e.subgraph && !r.subgraphs.includes(e.subgraph)) r.subgraphs.push(e.subgraph);
    // The gateway's edge event carries the client's outcome and address; keep the worst outcome seen.
    if (RANK[e.outcome] !== undefined && (RANK[r.outcome] ?? -1) < RANK[e.outcome]!) r.outcome = e.outcome;
    r.operationName ??= e.operationName;
    r.clientAddress ??= e.clientAddress;
    r.purpose ??= e.purpose;
    for (const c of customers) r.customerSet.add(c);
    r.customers = r.customerSet.size;
  }

  private addPrincipal(e: IncidentEvent): void {
    const roles = [...e.roles].sort();
    const key = `${e.actorId ?? ''}|${roles.join(',')}|${e.purpose ?? ''}`;
    const p = this.principals.get(key);
    if (!p) this.principals.set(key, { principalId: e.actorId, roles, purpose: e.purpose, requests: 0, firstAt: e.at, lastAt: e.at, requestIds: new Set([e.requestId]) });
    else {
      p.firstAt = minDate(p.firstAt, e.at);
      p.lastAt = maxDate(p.lastAt, e.at);
      p.requestIds.add(e.requestId);
    }
  }

  private categoryCounts(customers: CustomerExposure[]): CategoryCount[] {
    const out: CategoryCount[] = [];
    for (const [key, values] of [...this.values].sort(([a], [b]) => a.localeCompare(b))) {
      const [category, decision] = key.split('|') as [CategoryCount['category'], CategoryCount['decision']];
      const list = (c: CustomerExposure) => (decision === 'PLAIN' ? c.plain : decision === 'MASKED' ? c.masked : []);
      const affected = customers.filter((c) => list(c).some((f) => (f.category ?? 'UNKNOWN') === category)).length;
      out.push({ category, decision, customers: affected, values });
    }
    return out;
  }
}

const RANK: Record<string, number> = { ok: 0, partial: 1, error: 2, denied: 3, unauthenticated: 4 };
