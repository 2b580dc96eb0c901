import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One lifecycle category of lifecycle.policy.yaml and how many rows are due now.' })
export class LifecycleCategoryDue {
  @Field(() => String, { description: 'feedback, purchases or contactDetails' })
  category!: string;

  @Field(() => String, { description: 'The keep period (ISO 8601, e.g. P3Y).' })
  keep!: string;

  @Field(() => String, { description: 'The date field the period runs from.' })
  after!: string;

  @Field(() => String, { description: 'scrub, anonymise or shred' })
  action!: string;

  @Field(() => Date, { description: 'Rows whose date is earlier than this are due.' })
  cutoff!: Date;

  @Field(() => Int)
  due!: number;
}

@ObjectType({ description: "How long the audit trail keeps one action's events (retention: of audit.policy.yaml)." })
export class AuditRetentionRule {
  @Field(() => String, { description: 'An action, a prefix like access.*, or default.' })
  action!: string;

  @Field(() => Int)
  days!: number;
}

@ObjectType({ description: 'What `koe lifecycle run` would dispose of now, without changing anything, and the audit retention (admins, the DPO).' })
export class LifecycleDryRun {
  @Field(() => Date)
  asOf!: Date;

  @Field(() => [LifecycleCategoryDue])
  categories!: LifecycleCategoryDue[];

  @Field(() => [AuditRetentionRule], { description: 'Most specific first; empty: the audit trail is kept for ever.' })
  auditRetention!: AuditRetentionRule[];
}
