import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { CustomerEntity } from './customer.entity.js';

@Entity({ tableName: 'purchase' })
@Index({ properties: ['customer', 'orderedAt'] })
export class PurchaseEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => CustomerEntity, { deleteRule: 'cascade' })
  customer!: CustomerEntity;

  @Property({ type: 'datetime' })
  orderedAt!: Date;

  @Property({ type: 'text' })
  productName!: string;

  @Property({ type: 'string', length: 64 })
  category!: string;

  @Property({ type: 'integer' })
  amount!: number;

  @Property({ type: 'text' })
  store!: string;

  /** When `koe lifecycle run` emptied product name and store (retention ran out); amount, category, date kept. */
  @Property({ type: 'datetime', nullable: true })
  anonymisedAt?: Date | null;
}
