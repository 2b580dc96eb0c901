import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Channel, FeedbackStatus, Sentiment } from '../enums.js';
import { Pii } from '../pii.directive.js';
import { connectionTypes } from './connection.type.js';

/** The customers subgraph owns Customer; the feedback subgraph only knows its key and adds `feedback`. */
@Directive('@key(fields: "id")')
@ObjectType('Customer')
export class CustomerRef {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'One piece of customer feedback from any channel.' })
export class Feedback {
  @Field(() => ID)
  id!: string;

  @Field(() => CustomerRef, { nullable: true })
  customer!: CustomerRef | null;

  @Field(() => Channel)
  channel!: Channel;

  @Field(() => Date)
  receivedAt!: Date;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Pii('FREE_TEXT')
  @Field(() => String, { nullable: true })
  body!: string | null;

  @Field(() => Int, { nullable: true, description: '0–10' })
  rating!: number | null;

  @Field(() => Sentiment, { nullable: true })
  sentiment!: Sentiment | null;

  @Field(() => [String])
  tags!: string[];

  @Field(() => [String], {
    description:
      'Kinds of personal data detected in the body when it was submitted (ADDRESS, BIRTH_DATE, CARD, EMAIL, MYNUMBER, NAME, PHONE, POSTAL): ' +
      'categories only, never the values. Empty for feedback stored before detection at intake.',
  })
  piiFlags!: string[];

  @Field(() => FeedbackStatus)
  status!: FeedbackStatus;

  @Field(() => ID, { nullable: true })
  teamId!: string | null;

  @Pii('FREE_TEXT')
  @Field(() => String, { nullable: true, description: "The support team's internal note." })
  note!: string | null;
}

export const { Connection: FeedbackConnection } = connectionTypes(Feedback, 'Feedback');
