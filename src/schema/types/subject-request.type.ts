import { Field, ID, Int, ObjectType } from 'type-graphql';

/** What `requestErasure` did: the customer row stays (anonymised) so aggregates still count it. */
@ObjectType({ description: 'The outcome of a data-subject erasure (APPI Art. 35).' })
export class ErasureResult {
  @Field(() => ID)
  customerId!: string;

  @Field(() => Date, { description: 'When the customer was first erased; a repeated request keeps it.' })
  erasedAt!: Date;

  @Field(() => Int, { description: 'Feedback whose body, note and subject were removed (channel, rating, sentiment, dates kept).' })
  feedbackScrubbed!: number;

  @Field(() => Int, { description: 'Purchases whose product name and store were removed (amount, category, date kept).' })
  purchasesAnonymised!: number;
}
