import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { CustomerEntity } from './customer.entity.js';

@Entity({ tableName: 'feedback' })
@Index({ properties: ['receivedAt', 'id'] })
@Index({ properties: ['rating', 'id'] })
@Index({ properties: ['customer', 'receivedAt'] })
export class FeedbackEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => CustomerEntity, { nullable: true, deleteRule: 'set null' })
  customer!: CustomerEntity | null;

  @Index()
  @Property({ type: 'string', length: 16 })
  channel!: string;

  @Property({ type: 'datetime' })
  receivedAt!: Date;

  /** Sealed like the body: customers type names, e-mails and phone numbers into subjects. */
  @Property({ type: 'text', nullable: true })
  subject!: string | null;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'smallint', nullable: true })
  rating!: number | null;

  @Index()
  @Property({ type: 'string', length: 16, nullable: true })
  sentiment!: string | null;

  @Property({ type: 'text[]' })
  tags!: string[];

  /** Kinds of personal data detected in subject and body at intake (`feedbackPiiFlags`); plain, values never. */
  @Index({ type: 'gin' })
  @Property({ type: 'text[]', default: '{}' })
  piiFlags!: string[];

  /** When `piiFlags` were computed; null for rows `koe migrate` has yet to back-fill. */
  @Property({ type: 'datetime', nullable: true })
  piiScannedAt?: Date | null;

  @Index()
  @Property({ type: 'string', length: 16 })
  status!: string;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  teamId!: string | null;

  @Property({ type: 'text', nullable: true })
  note!: string | null;

  /** When `koe lifecycle run` emptied body, note and subject (retention ran out); the rest is kept. */
  @Property({ type: 'datetime', nullable: true })
  scrubbedAt?: Date | null;
}
