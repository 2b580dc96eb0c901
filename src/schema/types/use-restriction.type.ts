import { Field, ID, ObjectType } from 'type-graphql';
import { connectionTypes } from './connection.type.js';

/** What `restrictUse` or `liftRestriction` left in place; the reason stays in the audit trail, not in the answer. */
@ObjectType({ description: 'The purposes one customer’s data may no longer be used for (APPI Art. 35, cessation of use).' })
export class UseRestriction {
  @Field(() => ID)
  customerId!: string;

  @Field(() => [String], { description: 'Every purpose the customer is restricted for now, this request’s and earlier ones.' })
  purposes!: string[];

  @Field(() => Date, { description: 'When this request took effect: its restriction (an earlier one for the same purpose keeps its time), or its lift.' })
  restrictedAt!: Date;
}

export const { Connection: UseRestrictionConnection } = connectionTypes(UseRestriction, 'UseRestriction', 'Customers restricted now.');
