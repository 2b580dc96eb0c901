import { Collection, Entity, Formula, Index, OneToMany, PrimaryKey, Property } from '@mikro-orm/core';
// Types only: the owning sides import this module, so the inverse sides name them as strings
// (a runtime import each way would be a cycle whose load order decides which class is undefined).
import type { ConsentEntity } from './consent.entity.js';
import type { PurchaseEntity } from './purchase.entity.js';
import type { UseRestrictionEntity } from './use-restriction.entity.js';

/**
 * A customer as stored. Personal columns hold `ENC1:` ciphertext under the customer's data key
 * (src/data/encryption); exact lookups use the blind-index columns, never the ciphertext.
 */
@Entity({ tableName: 'customer' })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['prefecture', 'id'] })
export class CustomerEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'string', length: 64, unique: true })
  customerKey!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text' })
  nameKana!: string;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'text' })
  phone!: string;

  @Property({ type: 'text' })
  address!: string;

  @Property({ type: 'string', length: 8 })
  prefecture!: string;

  @Property({ type: 'text' })
  birthDate!: string;

  /**
   * The birth date's year in the clear, for age bands in aggregates only (never a GraphQL field):
   * written with the sealed date, null when there is none or after erasure.
   */
  @Property({ type: 'smallint', nullable: true })
  birthYear?: number | null;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  emailBidx!: string | null;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  phoneBidx!: string | null;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  nameBidx!: string | null;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  teamId!: string | null;

  @Index()
  @Property({ type: 'string', length: 32, nullable: true })
  segment!: string | null;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Index()
  @Property({ type: 'datetime' })
  lastActivityAt!: Date;

  /** When a data-subject erasure ran: the personal columns are emptied and the data key is gone. */
  @Property({ type: 'datetime', nullable: true })
  erasedAt?: Date | null;

  /**
   * Purposes the customer consents to now (granted, not withdrawn): the virtual attribute that
   * policies test as `consentedPurposes`, read with the row so per-record decisions need no query.
   * The inner aliases are `koe_`-prefixed: a bare `c` would shadow a query aliasing the customer `c`
   * and silently uncorrelate the subquery.
   */
  @Formula(
    (alias) =>
      `(select coalesce(jsonb_agg(koe_c.purpose), '[]'::jsonb) from consent koe_c where koe_c.customer_id = ${alias}.id and koe_c.withdrawn_at is null)`,
    { type: 'json', persist: false },
  )
  consentedPurposes?: string[];

  /**
   * Purposes the DPO stopped the use of this customer's data for (APPI Art. 35): the virtual
   * attribute `restrictedPurposes`, read with the row like `consentedPurposes`.
   */
  @Formula(
    (alias) => `(select coalesce(jsonb_agg(koe_r.purpose), '[]'::jsonb) from use_restriction koe_r where koe_r.customer_id = ${alias}.id)`,
    { type: 'json', persist: false },
  )
  restrictedPurposes?: string[];

  @OneToMany('PurchaseEntity', 'customer')
  purchases = new Collection<PurchaseEntity>(this);

  @OneToMany('ConsentEntity', 'customer')
  consents = new Collection<ConsentEntity>(this);

  @OneToMany('UseRestrictionEntity', 'customer')
  useRestrictions = new Collection<UseRestrictionEntity>(this);
}
