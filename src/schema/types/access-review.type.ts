import { Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionTypes } from './connection.type.js';

@ObjectType({ description: 'A personal field the roles allow in PLAIN that the principal did not read in PLAIN within the window.' })
export class UnusedPlainField {
  @Field(() => String, { description: '`Type.field`.' })
  field!: string;

  @Field(() => [String], { description: 'The principal\'s roles that allow it in PLAIN.' })
  roles!: string[];

  @Field(() => Boolean, { description: 'Read MASKED in the window (so MASKED is what the work needs).' })
  readMasked!: boolean;

  @Field(() => String)
  suggestion!: string;
}

@ObjectType({ description: 'A role the principal did not use at all within the window.' })
export class UnusedRole {
  @Field(() => String)
  role!: string;

  @Field(() => String)
  suggestion!: string;
}

@ObjectType({ description: 'Least privilege from real use (the audit trail): PLAIN fields not read in PLAIN and roles not used, with suggestions.' })
export class UnusedPermissions {
  @Field(() => Int, { description: 'The window, in days (the review\'s unusedDays).' })
  days!: number;

  @Field(() => [UnusedPlainField])
  plainFields!: UnusedPlainField[];

  @Field(() => [UnusedRole])
  roles!: UnusedRole[];
}

@ObjectType({ description: 'One principal as the periodic access review sees it (the same rows as `koe access review`).' })
export class AccessReviewRow {
  @Field(() => ID, { description: 'The principal id.' })
  id!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => String)
  status!: string;

  @Field(() => [String])
  roles!: string[];

  @Field(() => ID, { nullable: true })
  teamId!: string | null;

  @Field(() => Date, { nullable: true, description: 'The latest use by a token or any of its API keys.' })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  reviewedAt!: Date | null;

  @Field(() => ID, { nullable: true })
  reviewedBy!: string | null;

  @Field(() => Int, { description: 'API keys neither revoked nor expired.' })
  activeKeys!: number;

  @Field(() => [String], { description: 'Separation-of-duties rules the roles break, as `admin+dpo`.' })
  conflicts!: string[];

  @Field(() => [String], { description: 'never-used, unused, expired, disabled-with-keys, privileged, separation-of-duties, not-reviewed.' })
  flags!: string[];

  @Field(() => UnusedPermissions, { description: 'Beside the flags, not among them: the flags decide whom a review asks about.' })
  unusedPermissions!: UnusedPermissions;
}

export const { Connection: AccessReviewRowConnection } = connectionTypes(AccessReviewRow, 'AccessReviewRow', 'Every principal.');

@ObjectType({ description: 'A periodic access review: the flagged principals when it started, a decision on each, and its sign-off.' })
export class PeriodicReview {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'OPEN or SIGNED_OFF.' })
  status!: string;

  @Field(() => ID)
  startedBy!: string;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Int)
  unusedDays!: number;

  @Field(() => Int)
  reviewDays!: number;

  @Field(() => String, { nullable: true, description: 'Why the review was started, with personal data masked; null on reviews started before it was asked.' })
  reason!: string | null;

  @Field(() => ID, { nullable: true })
  signedOffBy!: string | null;

  @Field(() => Date, { nullable: true })
  signedOffAt!: Date | null;

  @Field(() => Int, { description: 'Principals to decide on.' })
  items!: number;

  @Field(() => Int)
  decided!: number;
}

export const { Connection: PeriodicReviewConnection } = connectionTypes(PeriodicReview, 'PeriodicReview', 'Every review.');

@ObjectType({ description: 'One flagged principal of a periodic review, and the decision on it (keep, revoke:<role>, disable).' })
export class PeriodicReviewItem {
  @Field(() => ID, { description: '<reviewId>/<principalId>' })
  id!: string;

  @Field(() => ID)
  reviewId!: string;

  @Field(() => ID)
  principalId!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => String)
  status!: string;

  @Field(() => [String], { description: 'Roles held when the review started.' })
  roles!: string[];

  @Field(() => [String])
  flags!: string[];

  @Field(() => UnusedPermissions, { nullable: true, description: 'The unused permissions found when the review started, shown beside the flags; null on reviews started before they were recorded.' })
  unusedPermissions!: UnusedPermissions | null;

  @Field(() => String, { nullable: true, description: 'keep, revoke:<role> or disable; null until decided.' })
  decision!: string | null;

  @Field(() => String, { nullable: true, description: 'As given, with personal data masked.' })
  reason!: string | null;

  @Field(() => ID, { nullable: true })
  decidedBy!: string | null;

  @Field(() => Date, { nullable: true })
  decidedAt!: Date | null;
}

export const { Connection: PeriodicReviewItemConnection } = connectionTypes(PeriodicReviewItem, 'PeriodicReviewItem', 'Principals in the review.');
