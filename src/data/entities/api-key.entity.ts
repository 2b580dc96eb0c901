import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * An API key for a BI tool or an ingestion job. Only the SHA-256 of the whole key is stored: the
 * secret part has 256 random bits, so a slow hash would add cost per request and no safety.
 */
@Entity({ tableName: 'api_key' })
@Unique({ properties: ['principalId', 'name'] })
export class ApiKeyEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Index()
  @Property({ type: 'string', length: 128 })
  principalId!: string;

  @Property({ type: 'string', length: 128 })
  name!: string;

  /** The 8 characters after `koe_`: shown in listings, and how a presented key is looked up. */
  @Property({ type: 'string', length: 8, unique: true })
  prefix!: string;

  /** Hex SHA-256 of the whole key. */
  @Property({ type: 'string', length: 64 })
  hash!: string;

  @Property({ type: 'string', length: 128, nullable: true })
  createdBy: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;
}
