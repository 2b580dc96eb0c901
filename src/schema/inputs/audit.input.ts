import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class AuditEventFilter {
  @Field(() => ID, { nullable: true })
  actorId?: string;

  @Field(() => ID, { nullable: true, description: "Refused authentications whose genuine credential named this principal (unverified claims, e.g. a leaver's attempts)" })
  claimedActorId?: string;

  @Field(() => String, { nullable: true })
  action?: string;

  @Field(() => String, { nullable: true })
  outcome?: string;

  @Field(() => String, { nullable: true, description: 'e.g. Customer:<id>' })
  resource?: string;

  @Field(() => String, { nullable: true, description: 'Type.field' })
  field?: string;

  @Field(() => String, { nullable: true })
  decision?: string;

  @Field(() => Date, { nullable: true })
  after?: Date;

  @Field(() => Date, { nullable: true })
  before?: Date;
}
