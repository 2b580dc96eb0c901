import { Field, ID, ObjectType } from 'type-graphql';
import { connectionTypes } from './connection.type.js';

@ObjectType({ description: 'Who granted one role of a principal, and when (null granter: held before grants were recorded).' })
export class RoleGrant {
  @Field(() => String)
  role!: string;

  @Field(() => ID, { nullable: true })
  grantedBy!: string | null;

  @Field(() => Date)
  grantedAt!: Date;

  @Field(() => ID, { nullable: true, description: 'A privileged role: the second admin who approved the grant request.' })
  approvedBy!: string | null;
}

@ObjectType({ description: 'Someone or something that may call Koe; roles come from here, never from a token.' })
export class Principal {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => [String])
  roles!: string[];

  @Field(() => ID, { nullable: true })
  teamId!: string | null;

  @Field(() => String)
  status!: string;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastSeenAt!: Date | null;

  @Field(() => [RoleGrant], { description: 'One entry per role in roles.' })
  grants!: RoleGrant[];

  @Field(() => Date, { nullable: true, description: 'When an access review last confirmed these roles.' })
  reviewedAt!: Date | null;

  @Field(() => ID, { nullable: true })
  reviewedBy!: string | null;

  @Field(() => Date)
  createdAt!: Date;
}

export const { Connection: PrincipalConnection } = connectionTypes(Principal, 'Principal');

@ObjectType({ description: "A field's decision for the caller: PLAIN, MASKED, DENIED or CONDITIONAL (depends on the record)." })
export class FieldDecision {
  @Field(() => String, { description: 'Type.field' })
  field!: string;

  @Field(() => String)
  decision!: string;
}

@ObjectType({ description: 'The caller, and what the policy lets the caller see.' })
export class Me {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => [String])
  roles!: string[];

  @Field(() => ID, { nullable: true })
  teamId!: string | null;

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => String)
  policyVersion!: string;

  @Field(() => [FieldDecision])
  decisions!: FieldDecision[];
}
