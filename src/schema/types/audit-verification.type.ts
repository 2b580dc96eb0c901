import { Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionTypes } from './connection.type.js';

@ObjectType({ description: 'A run of the audit chain verification (the same check as `koe audit verify`, without checkpoint keys).' })
export class AuditVerification {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  startedBy!: string;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { description: 'RUNNING, OK, BROKEN (problemSeq names the first broken event) or FAILED (could not run).' })
  status!: string;

  @Field(() => Int, { description: 'Events checked so far.' })
  done!: number;

  @Field(() => Int, { description: 'Events in the chain when the run started.' })
  total!: number;

  @Field(() => String, { nullable: true })
  firstSeq!: string | null;

  @Field(() => String, { nullable: true })
  lastSeq!: string | null;

  @Field(() => String, { nullable: true, description: 'The sequence number of the first problem.' })
  problemSeq!: string | null;

  @Field(() => String, { nullable: true })
  problemKind!: string | null;

  @Field(() => String, { nullable: true })
  problemMessage!: string | null;
}

export const { Connection: AuditVerificationConnection } = connectionTypes(AuditVerification, 'AuditVerification', 'Every run.');
