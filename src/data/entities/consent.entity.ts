import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { CustomerEntity } from './customer.entity.js';

/** One consent to one purpose; a withdrawal sets `withdrawnAt` and keeps the row as history. */
@Entity({ tableName: 'consent' })
@Index({ properties: ['customer', 'purpose'] })
@Index({ properties: ['purpose', 'withdrawnAt'] })
export class ConsentEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => CustomerEntity, { deleteRule: 'cascade' })
  customer!: CustomerEntity;

  @Property({ type: 'string', length: 64 })
  purpose!: string;

  @Property({ type: 'datetime' })
  grantedAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  withdrawnAt!: Date | null;

  @Property({ type: 'string', length: 32 })
  source!: string;
}
