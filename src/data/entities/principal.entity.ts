import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** Who granted one of the principal's roles, and when; one entry per role in `roles`. */
export interface RoleGrant {
  role: string;
  grantedBy: string | null;
  grantedAt: string;
  /** A privileged role: the second admin who approved the grant (src/auth/grant-request.ts). */
  approvedBy?: string;
}

/** Someone (or some tool) who may call Koe. Roles live here, never in the token. */
@Entity({ tableName: 'principal' })
export class PrincipalEntity {
  @PrimaryKey({ type: 'string', length: 128 })
  id!: string;

  @Property({ type: 'text' })
  displayName!: string;

  @Property({ type: 'text[]' })
  roles!: string[];

  /** Kept in step with `roles` by the access changes (src/auth/access-change.ts), never apart. */
  @Property({ type: 'json', defaultRaw: `'[]'::jsonb` })
  roleGrants: RoleGrant[] = [];

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

  /** When an access review last confirmed this principal's roles, and who did. */
  @Property({ type: 'datetime', nullable: true })
  reviewedAt: Date | null = null;

  @Property({ type: 'string', length: 128, nullable: true })
  reviewedBy: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
