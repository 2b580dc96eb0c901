import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

export const GRANT_REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'cancelled', 'expired'] as const;
export type GrantRequestStatus = (typeof GRANT_REQUEST_STATUSES)[number];

/**
 * A grant of a privileged role waiting for a second admin (src/auth/grant-request.ts). Rows are
 * never deleted: once decided, they are the record of who asked, who approved and when.
 */
@Entity({ tableName: 'grant_request' })
@Index({ properties: ['requestedAt'] })
export class GrantRequestEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Index()
  @Property({ type: 'string', length: 128 })
  principalId!: string;

  @Property({ type: 'string', length: 64 })
  role!: string;

  @Property({ type: 'string', length: 128 })
  requestedBy!: string;

  @Property({ type: 'datetime' })
  requestedAt!: Date;

  /** After this an approval is refused; the row is marked `expired` by the next sweep. */
  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'string', length: 16 })
  status: GrantRequestStatus = 'pending';

  /** The approver, rejecter or canceller; null while pending and for an expiry. */
  @Property({ type: 'string', length: 128, nullable: true })
  decidedBy: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  decidedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  reason: string | null = null;
}
