/**
 * Replays recorded field decisions against another policy: for each event, each field it decided
 * is decided again under the other policy for the same roles and declared purpose (what the server
 * does, `abilityFor`). Pure: the caller streams the events. Memory grows with the distinct
 * (roles, field, decision) changes and operations found, never with the events.
 *
 * Only what the revision changes is counted: a field is skipped when both policies decide it alike
 * for the event's roles, purpose and principal: its team as it was when the event was recorded
 * (team-timeline.ts: a principal who moved since is replayed with the team it had), its attributes
 * as they are now. A field whose new decision depends on the record (a row condition) cannot be
 * replayed without the record: it is reported as CONDITIONAL when the policy in force decided it
 * statically.
 */
import { abilityFor, type KoeAbility, type PolicySet } from '../../policies/index.js';
import type { NewAuditEvent } from '../event.js';
import { TeamTimeline, type TeamChange } from './team-timeline.js';

export type ImpactEvent = Pick<NewAuditEvent, 'actorId' | 'roles' | 'purpose' | 'fields' | 'operationName' | 'operationHash'> & {
  /** The event's place in the chain: which of the principal's team changes came after it. */
  seq: string;
};

/** A principal as it is now: its team (the team at an event comes from the timeline) and attributes. */
export interface ImpactPrincipal {
  teamId: string | null;
  attributes?: Readonly<Record<string, unknown>>;
}

export interface DecisionChange {
  /** The event's roles, joined with `+` (one role: its name). */
  roles: string;
  field: string;
  before: string;
  after: string;
  /** Events (one per operation per subgraph) whose answer would change. */
  requests: number;
  /** Values that would be decided differently. */
  values: number;
  principals: number;
}

export interface ForbiddenOperation {
  operationName: string | null;
  operationHash: string | null;
  roles: string;
  fields: string[];
  requests: number;
  principals: number;
}

export interface PolicyImpact {
  eventsReplayed: number;
  decisionsReplayed: number;
  changes: DecisionChange[];
  forbidden: ForbiddenOperation[];
}

interface ChangeAcc extends Omit<DecisionChange, 'principals'> {
  principals: Set<string>;
}
interface OpAcc extends Omit<ForbiddenOperation, 'principals' | 'fields'> {
  principals: Set<string>;
  fields: Set<string>;
}

export class PolicyImpactReplay {
  private readonly abilities = new Map<string, { now: KoeAbility; then: KoeAbility }>();
  private readonly changes = new Map<string, ChangeAcc>();
  private readonly ops = new Map<string, OpAcc>();
  private events = 0;
  private decisions = 0;

  private readonly teams: TeamTimeline;

  /** `current`: the policy in force (to tell a record-dependent decision from a changed one); `other`: the one replayed. */
  constructor(
    private readonly current: PolicySet,
    private readonly other: PolicySet,
    /** Team and attributes of the principals now, for the row conditions that name them. */
    private readonly principals: ReadonlyMap<string, ImpactPrincipal> = new Map(),
    /** The team changes recorded in the window, to replay each event with the team it was made under. */
    teamChanges: Iterable<TeamChange> = [],
  ) {
    this.teams = new TeamTimeline(teamChanges);
  }

  add(e: ImpactEvent): void {
    if (e.fields.length === 0) return;
    this.events += 1;
    const roles = [...e.roles].sort();
    const { now, then } = this.abilitiesFor(e.actorId ?? '', roles, e.purpose, e.seq);
    const roleKey = roles.join('+') || '(none)';
    const principal = e.actorId ?? '(anonymous)';
    const forbiddenFields: string[] = [];
    for (const f of e.fields) {
      if (f.count <= 0) continue;
      this.decisions += 1;
      const dot = f.field.indexOf('.');
      const type = f.field.slice(0, dot);
      const field = f.field.slice(dot + 1);
      const after = decisionOf(then, type, field);
      const before = f.decision;
      if (after === before || after === decisionOf(now, type, field)) continue;
      const key = `${roleKey}|${f.field}|${before}|${after}`;
      let c = this.changes.get(key);
      if (!c) this.changes.set(key, (c = { roles: roleKey, field: f.field, before, after, requests: 0, values: 0, principals: new Set() }));
      c.requests += 1;
      c.values += f.count;
      c.principals.add(principal);
      if (after === 'DENIED') forbiddenFields.push(f.field);
    }
    if (forbiddenFields.length === 0) return;
    const opKey = `${e.operationHash ?? ''}|${e.operationName ?? ''}|${roleKey}`;
    let o = this.ops.get(opKey);
    if (!o) this.ops.set(opKey, (o = { operationName: e.operationName, operationHash: e.operationHash, roles: roleKey, requests: 0, principals: new Set(), fields: new Set() }));
    o.requests += 1;
    o.principals.add(principal);
    for (const f of forbiddenFields) o.fields.add(f);
  }

  finish(): PolicyImpact {
    const changes = [...this.changes.values()]
      .map((c) => ({ ...c, principals: c.principals.size }))
      .sort((a, b) => a.roles.localeCompare(b.roles) || a.field.localeCompare(b.field) || a.before.localeCompare(b.before));
    const forbidden = [...this.ops.values()]
      .map((o) => ({ ...o, principals: o.principals.size, fields: [...o.fields].sort() }))
      .sort((a, b) => b.requests - a.requests || (a.operationName ?? '').localeCompare(b.operationName ?? ''));
    return { eventsReplayed: this.events, decisionsReplayed: this.decisions, changes, forbidden };
  }

  /** Built once per (roles, purpose, principal, team): as many as principals and their moves, never events. */
  private abilitiesFor(actorId: string, roles: string[], purpose: string | null, seq: string): { now: KoeAbility; then: KoeAbility } {
    const known = this.principals.get(actorId);
    const teamId = this.teams.teamAt(actorId, seq, known?.teamId ?? null);
    const key = JSON.stringify([roles, purpose, actorId, teamId]); // null stays apart from any string
    let a = this.abilities.get(key);
    if (!a) {
      const principal = { id: actorId, roles, teamId, ...(known?.attributes ? { attributes: known.attributes } : {}) };
      a = { now: abilityFor(this.current, principal, { purpose }), then: abilityFor(this.other, principal, { purpose }) };
      this.abilities.set(key, a);
    }
    return a;
  }
}

function decisionOf(ability: KoeAbility, type: string, field: string): string {
  const plan = ability.fieldPlan(type, field);
  return plan.kind === 'static' ? plan.decision : 'CONDITIONAL';
}
