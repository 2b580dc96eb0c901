/**
 * Record attributes that policies may test in `when:` although the API has no such field.
 * The data layer must put each of them on the records it hands to `decide`, and translate
 * conditions on them into SQL (see `condToMikroOrmWhere`); a record without one never matches.
 */

export interface VirtualAttribute {
  readonly description: string;
  /** A list value: `{ attr: x }` holds when x is one of its elements (Mongo semantics). */
  readonly list: boolean;
  /** When set, literal values compared with it must be ids declared in `purposes:`. */
  readonly values: 'purpose' | null;
}

export const VIRTUAL_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, VirtualAttribute>>>> = {
  Customer: {
    consentedPurposes: {
      description: 'purposes the customer consents to now: granted and not withdrawn',
      list: true,
      values: 'purpose',
    },
    restrictedPurposes: {
      description: "purposes the DPO stopped the use of this customer's data for (APPI Art. 35; see ability/use-restriction.ts)",
      list: true,
      values: 'purpose',
    },
  },
};

export function virtualAttribute(type: string, name: string): VirtualAttribute | null {
  const forType = VIRTUAL_ATTRIBUTES[type];
  return (forType && Object.hasOwn(forType, name) ? forType[name] : undefined) ?? null;
}
