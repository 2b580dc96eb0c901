import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes } from './connection.type.js';

export enum GrantRequestStatus { PENDING = 'PENDING', APPROVED = 'APPROVED', REJECTED = 'REJECTED', CANCELLED = 'CANCELLED', EXPIRED = 'EXPIRED' }
registerEnumType(GrantRequestStatus, { name: 'GrantRequestStatus', description: 'EXPIRED: not approved in time (a pending request past its expiry reads as EXPIRED).' });

@ObjectType({
  description:
    'A grant of a privileged role (the policy’s privileged: true) waiting for, or decided by, a second admin: ' +
    'neither the requester nor the grantee may approve it, and it cannot be approved after expiresAt.',
})
export class GrantRequest {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'Who would receive the role.' })
  principalId!: string;

  @Field(() => String)
  role!: string;

  @Field(() => ID)
  requestedBy!: string;

  @Field(() => Date)
  requestedAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => GrantRequestStatus)
  status!: GrantRequestStatus;

  @Field(() => ID, { nullable: true, description: 'The approver, rejecter or canceller; null while pending or when it expired.' })
  decidedBy!: string | null;

  @Field(() => Date, { nullable: true })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it was rejected, when the rejecter said.' })
  reason!: string | null;
}

export const { Connection: GrantRequestConnection } = connectionTypes(GrantRequest, 'GrantRequest');
