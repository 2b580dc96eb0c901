import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Pii } from '../pii.directive.js';
import { connectionTypes } from './connection.type.js';

@ObjectType()
export class Consent {
  @Field(() => String)
  purpose!: string;

  @Field(() => Date)
  grantedAt!: Date;

  @Field(() => Date, { nullable: true })
  withdrawnAt!: Date | null;

  @Field(() => String)
  source!: string;
}

@ObjectType()
export class Purchase {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  orderedAt!: Date;

  /** Nullable: after erasure it reads as null (DATA_ERASED) while amount and category stay. */
  @Field(() => String, { nullable: true })
  productName!: string | null;

  @Field(() => String)
  category!: string;

  @Field(() => Int, { description: 'Amount in yen.' })
  amount!: number;

  @Field(() => String, { nullable: true })
  store!: string | null;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A customer. Personal fields are decided per request by the policy.' })
export class Customer {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Stable pseudonym (keyed hash), safe for BI joins.' })
  customerKey!: string;

  @Pii('NAME')
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Pii('NAME')
  @Field(() => String, { nullable: true })
  nameKana!: string | null;

  @Pii('EMAIL')
  @Field(() => String, { nullable: true })
  email!: string | null;

  @Pii('PHONE')
  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Pii('ADDRESS')
  @Field(() => String, { nullable: true })
  address!: string | null;

  @Field(() => String, { nullable: true })
  prefecture!: string | null;

  @Pii('BIRTH_DATE')
  @Field(() => String, { nullable: true })
  birthDate!: string | null;

  @Field(() => ID, { nullable: true })
  teamId!: string | null;

  @Field(() => String, { nullable: true })
  segment!: string | null;

  @Field(() => [Consent])
  consents!: Consent[];

  @Pii('PURCHASE')
  @Field(() => [Purchase], { nullable: true })
  purchases!: Purchase[] | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  lastActivityAt!: Date;
}

export const { Connection: CustomerConnection } = connectionTypes(Customer, 'Customer');
