import { Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionTypes } from './connection.type.js';

/** A third-party provision record (APPI Art. 29): who received what about whom, on which consent. */
@ObjectType({ description: 'A record of a provision of personal data to a third party (APPI Art. 29), kept at least 3 years.' })
export class ProvisionRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  providedAt!: Date;

  @Field(() => ID, { description: 'The recipient as declared in recipients.policy.yaml.' })
  recipientId!: string;

  @Field(() => String, { description: 'The recipient’s name at the time of the provision.' })
  recipientName!: string;

  @Field(() => String)
  recipientAddress!: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2; anything but JP is a provision abroad (Art. 28).' })
  recipientCountry!: string;

  @Field(() => String, { description: 'The declared purpose of use the data was provided for.' })
  purpose!: string;

  @Field(() => String, { description: 'The consent relied on: third_party (in Japan) or transfer_abroad (abroad).' })
  consentPurpose!: string;

  @Field(() => [String], { description: 'The data items given, as Type.field.' })
  dataItems!: string[];

  @Field(() => [ID], { description: 'The customers concerned.' })
  customerIds!: string[];

  @Field(() => Int)
  customerCount!: number;

  @Field(() => Int, { description: 'Feedback records given.' })
  recordCount!: number;

  @Field(() => Int, { description: 'Customers left out for want of the consent relied on.' })
  excludedCount!: number;

  @Field(() => ID, { description: 'Who made the provision (principal id, or cli:<user>).' })
  actorId!: string;

  @Field(() => String, { description: 'cli or graphql.' })
  via!: string;

  @Field(() => Date, { description: 'Kept at least until then; the database refuses an earlier deletion.' })
  keepUntil!: Date;
}

export const { Edge: ProvisionRecordEdge, Connection: ProvisionRecordConnection } = connectionTypes(ProvisionRecord, 'ProvisionRecord');
