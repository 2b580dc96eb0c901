import { Field, ID, ObjectType } from 'type-graphql';
import { connectionTypes } from './connection.type.js';

@ObjectType({ description: 'An API key of a principal; the secret is shown once, when it is created, and never stored.' })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  principalId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The 8 characters after `koe_`, to recognise the key.' })
  prefix!: string;

  @Field(() => ID, { nullable: true })
  createdBy!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;
}

export const { Connection: ApiKeyConnection } = connectionTypes(ApiKey, 'ApiKey');

@ObjectType({ description: 'A new API key: `key` is shown this once.' })
export class CreatedApiKey {
  @Field(() => String)
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}
