import { Entity, Formula, Index, PrimaryKey, Property } from '@mikro-orm/core';

export interface FieldDecisionCountRow {
  field: string;
  decision: string;
  count: number;
}

/** One audited operation. Rows are only ever appended; the chain columns make edits detectable. */
@Entity({ tableName: 'audit_event' })
@Index({ properties: ['at', 'seq'] })
@Index({ properties: ['actorId', 'seq'] })
@Index({ properties: ['action', 'seq'] })
@Index({ properties: ['outcome', 'seq'] })
export class AuditEventEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'bigint', unique: true })
  seq!: string;

  @Property({ type: 'datetime' })
  at!: Date;

  @Property({ type: 'string', length: 128, nullable: true })
  actorId!: string | null;

  @Property({ type: 'text[]' })
  roles!: string[];

  @Property({ type: 'string', length: 64 })
  action!: string;

  @Property({ type: 'string', length: 32 })
  outcome!: string;

  @Property({ type: 'text', nullable: true })
  operationName!: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  operationHash!: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  purpose!: string | null;

  @Property({ type: 'string', length: 32, nullable: true })
  subgraph!: string | null;

  @Property({ type: 'text[]' })
  resources!: string[];

  @Property({ type: 'json' })
  fields!: FieldDecisionCountRow[];

  @Property({ type: 'string', length: 64 })
  policyVersion!: string;

  @Property({ type: 'string', length: 64 })
  requestId!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  clientAddress!: string | null;

  /** What a mutation or access change did, with personal values masked. */
  @Property({ type: 'json', nullable: true })
  detail!: Record<string, unknown> | null;

  /**
   * `detail.claimedPrincipalId` when it is a string (the GraphQL `claimedActorId`): a list that
   * shows it reads this value, not the whole `detail` with its exposure map. Not stored.
   */
  @Formula((alias) => `(case when jsonb_typeof(${alias}.detail->'claimedPrincipalId') = 'string' then ${alias}.detail->>'claimedPrincipalId' end)`, { type: 'string', persist: false })
  claimedActorId?: string | null;

  @Property({ type: 'string', length: 64 })
  prevHash!: string;

  @Property({ type: 'string', length: 64 })
  hash!: string;
}
