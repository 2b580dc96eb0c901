import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Narrows provision records; every condition given must hold.' })
export class ProvisionRecordFilter {
  @Field(() => ID, { nullable: true })
  recipientId?: string;

  @Field(() => ID, { nullable: true, description: 'Records that include this customer.' })
  customerId?: string;

  @Field(() => Date, { nullable: true, description: 'Provided at or after.' })
  after?: Date;

  @Field(() => Date, { nullable: true, description: 'Provided before.' })
  before?: Date;
}
