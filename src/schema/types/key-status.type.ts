import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One key-encryption key (KEK) version, as `koe keys status` lists it. Never the key itself.' })
export class KekVersion {
  @Field(() => Int)
  version!: number;

  @Field(() => String, { description: 'active, retiring or retired' })
  state!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  retiredAt!: Date | null;

  @Field(() => Int, { description: 'Whole days since it was created.' })
  ageDays!: number;

  @Field(() => Int, { description: 'Data keys this version wraps.' })
  dataKeys!: number;

  @Field(() => Int, { description: 'Key material (blind-index and pseudonym keys) this version wraps.' })
  keyMaterial!: number;

  @Field(() => Boolean, { description: 'This server holds the version.' })
  configured!: boolean;

  @Field(() => Boolean, { nullable: true, description: 'The held key is the one recorded (by fingerprint); null when not held.' })
  fingerprintMatches!: boolean | null;
}

@ObjectType({ description: 'KEK versions and whether a rotation is due: the report of `koe keys status` (admins, the DPO).' })
export class KeyStatus {
  @Field(() => [KekVersion])
  versions!: KekVersion[];

  @Field(() => Int, { nullable: true, description: 'The version new data keys are wrapped with.' })
  active!: number | null;

  @Field(() => Int, { description: 'rotation.maxAgeDays of the policy files.' })
  maxAgeDays!: number;

  @Field(() => Boolean, { description: 'The active version is older than maxAgeDays: run `koe keys rotate`.' })
  rotationDue!: boolean;

  @Field(() => Boolean, { description: 'A rotation was interrupted (a version is retiring): run `koe keys rotate` to finish it.' })
  rotationUnfinished!: boolean;

  @Field(() => [String], { description: 'Problems an operator must fix (keys no configured KEK opens, a wrong key).' })
  problems!: string[];
}
