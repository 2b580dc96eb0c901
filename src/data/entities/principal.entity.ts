import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** Someone (or some tool) who may call Koe. Roles live here, never in the token. */
@Entity({ tableName: 'principal' })
export class PrincipalEntity {
  @PrimaryKey({ type: 'string', length: 128 })
  id!: string;

  @Property({ type: 'text' })
  displayName!: string;

  @Property({ type: 'text[]' })
  roles!: string[];

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  teamId!: string | null;

  /** Extra attributes that policies may reference as `$principal.<name>`. */
  @Property({ type: 'json' })
  attributes: Record<string, unknown> = {};

  @Index()
  @Property({ type: 'string', length: 16 })
  status: 'active' | 'disabled' = 'active';

  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  lastSeenAt: Date | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
