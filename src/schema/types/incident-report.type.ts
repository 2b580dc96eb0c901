import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/**
 * The audit subgraph names a customer by key and resolves nothing of it: the gateway fetches its
 * fields from the customers subgraph, under the caller's policy. Not feedback's CustomerRef,
 * which carries `Customer.feedback` wherever it goes.
 */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Customer')
export class IncidentCustomerRef {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: 'Whether the audit chain verified before the report was built.' })
export class IncidentVerification {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => Int, { description: 'Events the verifier walked.' })
  events!: number;

  @Field(() => Boolean, { description: 'False: checkpoints were matched against the chain but their signatures not checked.' })
  signaturesChecked!: boolean;

  @Field(() => String, { nullable: true, description: 'The first problem found: the trail was edited or cut there.' })
  problem!: string | null;
}

@ObjectType({ description: 'One personal field returned for a customer, in one form, with its first and last time.' })
export class IncidentFieldExposure {
  @Field(() => String, { description: 'Type.field, e.g. Customer.email.' })
  field!: string;

  @Field(() => String, { nullable: true, description: 'The @pii category (NAME, EMAIL …).' })
  category!: string | null;

  @Field(() => Date)
  firstAt!: Date;

  @Field(() => Date)
  lastAt!: Date;

  @Field(() => Boolean, { description: 'False: possibly returned (the events named several customers; an upper bound).' })
  exact!: boolean;
}

@ObjectType({ description: 'A customer whose records the requests touched, and what of them was returned.' })
export class IncidentCustomer {
  @Field(() => ID)
  customerId!: string;

  @Field(() => IncidentCustomerRef, {
    nullable: true,
    description: 'The customer, for contact details: its fields are decided by the policy as anywhere (PLAIN only for the DPO declaring compliance).',
  })
  customer!: IncidentCustomerRef | null;

  @Field(() => Date)
  firstAt!: Date;

  @Field(() => Date)
  lastAt!: Date;

  @Field(() => Int)
  requests!: number;

  @Field(() => [IncidentFieldExposure])
  plain!: IncidentFieldExposure[];

  @Field(() => [IncidentFieldExposure])
  masked!: IncidentFieldExposure[];

  @Field(() => Boolean)
  exact!: boolean;
}

@ObjectType({ description: 'Values of one personal-data category decided one way, and the customers concerned.' })
export class IncidentCategoryCount {
  @Field(() => String)
  category!: string;

  @Field(() => String, { description: 'PLAIN, MASKED or DENIED.' })
  decision!: string;

  @Field(() => Int)
  customers!: number;

  @Field(() => Int)
  values!: number;
}

@ObjectType({ description: 'Roles and purpose in effect for the requests of the report.' })
export class IncidentPrincipalUse {
  @Field(() => ID, { nullable: true })
  principalId!: string | null;

  @Field(() => [String])
  roles!: string[];

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => Int)
  requests!: number;

  @Field(() => Date)
  firstAt!: Date;

  @Field(() => Date)
  lastAt!: Date;
}

@ObjectType({ description: 'One request of the report (its events across the gateway and subgraphs).' })
export class IncidentRequest {
  @Field(() => String)
  requestId!: string;

  @Field(() => Date)
  at!: Date;

  @Field(() => ID, { nullable: true })
  actorId!: string | null;

  @Field(() => [String])
  actions!: string[];

  @Field(() => String)
  outcome!: string;

  @Field(() => String, { nullable: true })
  operationName!: string | null;

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => String, { nullable: true })
  clientAddress!: string | null;

  @Field(() => [String])
  subgraphs!: string[];

  @Field(() => Int)
  customers!: number;
}

@ObjectType({ description: 'Whose data a principal, API key or client address saw, and in what form, from the verified audit trail.' })
export class IncidentReport {
  @Field(() => Date)
  generatedAt!: Date;

  @Field(() => ID, { nullable: true })
  principalId!: string | null;

  @Field(() => String, { nullable: true })
  apiKeyPrefix!: string | null;

  @Field(() => String, { nullable: true })
  address!: string | null;

  @Field(() => Date, { nullable: true })
  since!: Date | null;

  @Field(() => Date, { nullable: true })
  until!: Date | null;

  @Field(() => [String], { description: 'Why the search is wider than asked, and how to read the counts.' })
  notes!: string[];

  @Field(() => IncidentVerification)
  verification!: IncidentVerification;

  @Field(() => Boolean, { description: 'True: some customers are listed as possibly exposed (see IncidentFieldExposure.exact).' })
  upperBound!: boolean;

  @Field(() => Int)
  eventsRead!: number;

  @Field(() => Int, { description: 'Events that returned personal fields and say which record returned which (exact).' })
  exactEvents!: number;

  @Field(() => Int, { description: 'Older events that returned personal fields without saying which record returned which: their customers are an upper bound.' })
  upperBoundEvents!: number;

  @Field(() => [IncidentRequest])
  requests!: IncidentRequest[];

  @Field(() => [IncidentCustomer])
  customers!: IncidentCustomer[];

  @Field(() => [IncidentCategoryCount])
  categories!: IncidentCategoryCount[];

  @Field(() => [IncidentPrincipalUse])
  principals!: IncidentPrincipalUse[];
}

@ObjectType({ description: 'What containPrincipal did.' })
export class Containment {
  @Field(() => ID)
  principalId!: string;

  @Field(() => String)
  status!: string;

  @Field(() => [String], { description: 'Prefixes of the API keys revoked now.' })
  revokedKeys!: string[];

  @Field(() => Boolean)
  wasDisabled!: boolean;
}
