import { Field, ID, InputType, Int } from 'type-graphql';
import { Channel, FeedbackOrderField, FeedbackStatus, OrderDirection, Sentiment } from '../enums.js';

@InputType()
export class FeedbackFilter {
  @Field(() => Channel, { nullable: true })
  channel?: Channel;

  @Field(() => FeedbackStatus, { nullable: true })
  status?: FeedbackStatus;

  @Field(() => Sentiment, { nullable: true })
  sentiment?: Sentiment;

  @Field(() => ID, { nullable: true })
  teamId?: string;

  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field(() => String, { nullable: true, description: 'Searches subject and body; needs PLAIN read access to both.' })
  text?: string;

  @Field(() => [String], {
    nullable: true,
    description: 'Feedback whose body was found to contain ANY of these kinds of personal data (see Feedback.piiFlags).',
  })
  containsPii?: string[];

  @Field(() => Date, { nullable: true })
  receivedAfter?: Date;

  @Field(() => Date, { nullable: true })
  receivedBefore?: Date;
}

@InputType()
export class FeedbackOrder {
  @Field(() => FeedbackOrderField)
  field!: FeedbackOrderField;

  @Field(() => OrderDirection, { nullable: true })
  direction?: OrderDirection;
}

@InputType()
export class SubmitFeedbackInput {
  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field(() => Channel)
  channel!: Channel;

  @Field(() => String, { nullable: true })
  subject?: string;

  @Field(() => String)
  body!: string;

  @Field(() => Int, { nullable: true })
  rating?: number;

  @Field(() => [String], { nullable: true })
  tags?: string[];

  @Field(() => Date, { nullable: true })
  receivedAt?: Date;
}
