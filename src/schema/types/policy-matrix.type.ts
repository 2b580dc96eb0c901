import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One cell of the decision matrix: what one role gets for one @pii field.' })
export class PolicyDecisionRow {
  @Field(() => String)
  role!: string;

  @Field(() => String, { description: 'Type.field' })
  field!: string;

  @Field(() => String, { description: 'PLAIN, MASKED, DENIED or CONDITIONAL' })
  decision!: string;

  @Field(() => String, { description: 'What a reviewer reads, e.g. MASKED(email) or CONDITIONAL(PLAIN if …; else MASKED(name)).' })
  text!: string;
}

@ObjectType({ description: 'The role x @pii field decisions of the loaded policy, as `koe policy matrix` prints them.' })
export class PolicyMatrix {
  @Field(() => String, { description: 'The version (hash) of the policy files.' })
  version!: string;

  @Field(() => String, { nullable: true, description: 'The purpose purpose-bound rules were decided for; null: they show as CONDITIONAL.' })
  purpose!: string | null;

  @Field(() => [String])
  roles!: string[];

  @Field(() => [String], { description: 'Type.field of every @pii field, in schema order.' })
  fields!: string[];

  @Field(() => [PolicyDecisionRow], { description: 'One row per role and field.' })
  cells!: PolicyDecisionRow[];
}
