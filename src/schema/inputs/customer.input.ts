import { Field, ID, InputType } from 'type-graphql';
import { CustomerOrderField, OrderDirection } from '../enums.js';

@InputType({ description: 'Exact-match filters; each needs PLAIN read access to its field.' })
export class CustomerFilter {
  @Field(() => String, { nullable: true })
  email?: string;

  @Field(() => String, { nullable: true })
  phone?: string;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  prefecture?: string;

  @Field(() => ID, { nullable: true })
  teamId?: string;

  @Field(() => String, { nullable: true })
  segment?: string;
}

@InputType()
export class CustomerOrder {
  @Field(() => CustomerOrderField)
  field!: CustomerOrderField;

  @Field(() => OrderDirection, { nullable: true })
  direction?: OrderDirection;
}

@InputType({ description: 'Creates a customer, or updates the one with this id.' })
export class UpsertCustomerInput {
  @Field(() => ID, { nullable: true })
  id?: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  nameKana?: string;

  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  phone?: string;

  @Field(() => String, { nullable: true })
  address?: string;

  @Field(() => String, { nullable: true })
  prefecture?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  birthDate?: string;

  @Field(() => ID, { nullable: true })
  teamId?: string;

  @Field(() => String, { nullable: true })
  segment?: string;
}
