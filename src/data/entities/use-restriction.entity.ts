import { Entity, ManyToOne, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { CustomerEntity } from './customer.entity.js';

/** A purpose one customer's data may no longer be used for (APPI Art. 35), set by the DPO. */
@Entity({ tableName: 'use_restriction' })
export class UseRestrictionEntity {
  [PrimaryKeyProp]?: ['customer', 'purpose'];

  @ManyToOne(() => CustomerEntity, { primary: true, deleteRule: 'cascade' })
  customer!: CustomerEntity;

  @PrimaryKey({ type: 'string', length: 64 })
  purpose!: string;

  @Property({ type: 'datetime' })
  restrictedAt!: Date;

  @Property({ type: 'text' })
  reason!: string;

  @Property({ type: 'text' })
  restrictedBy!: string;
}
