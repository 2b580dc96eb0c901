import { Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionTypes } from './connection.type.js';

@ObjectType({ description: 'How many times one field was decided one way in one operation.' })
export class FieldDecisionCount {
  @Field(() => String)
  field!: string;

  @Field(() => String)
  decision!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'One audited operation, linked to the previous one by its hash.' })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  seq!: number;

  @Field(() => Date)
  at!: Date;

  @Field(() => ID, { nullable: true })
  actorId!: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'UNVERIFIED: the principal a genuine credential named when authentication refused it (a disabled, unknown or expired principal, an expired token or key). Never an authenticated actor; null for forged credentials.',
  })
  claimedActorId!: string | null;

  @Field(() => [String])
  roles!: string[];

  @Field(() => String)
  action!: string;

  @Field(() => String)
  outcome!: string;

  @Field(() => String, { nullable: true })
  operationName!: string | null;

  @Field(() => String, { nullable: true })
  operationHash!: string | null;

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => String, { nullable: true })
  subgraph!: string | null;

  @Field(() => [String])
  resources!: string[];

  @Field(() => [FieldDecisionCount])
  fields!: FieldDecisionCount[];

  @Field(() => String)
  policyVersion!: string;

  @Field(() => String)
  requestId!: string;

  @Field(() => String)
  prevHash!: string;

  @Field(() => String)
  hash!: string;
}

export const { Connection: AuditEventConnection } = connectionTypes(AuditEvent, 'AuditEvent');
