/**
 * Which record each PLAIN or MASKED value of a request came from, kept compactly in the event's
 * `detail.exposure`: records with the same fields form one group, and a group names its records
 * by their index in the event's (sorted) `resources`, so a page of 100 customers read with the
 * same fields is one group of 100 small integers. `detail.exposureUnmapped` lists fields returned
 * from a source without an id. Events written before this existed have no `exposure`: for them an
 * incident report falls back to an upper bound (every customer of the event, every field).
 *
 *   "exposure": [{ "plain": ["Customer.email"], "masked": ["Customer.phone"], "records": [0, 1, 4] }]
 */

export interface ExposureGroup {
  plain?: string[];
  masked?: string[];
  /** Indices into the event's `resources`. */
  records: number[];
}

/** One record and what it returned, decoded. */
export interface RecordExposure {
  record: string;
  plain: readonly string[];
  masked: readonly string[];
}

export interface EncodedExposure {
  /** The event's resources, with every exposed record in them, sorted. */
  resources: string[];
  groups: ExposureGroup[];
}

/**
 * Groups records by the fields they returned. `shown` yields `[record, entries]` where an entry is
 * `P` or `M` followed by `Type.field` (src/request/decision-counter.ts).
 */
export function encodeExposure(resources: readonly string[], shown: Iterable<[string, ReadonlySet<string>]>): EncodedExposure {
  const byKey = new Map<string, Group>();
  // Records of one page return their fields in the same order: the unsorted key finds the group
  // without sorting each record's entries; a new order is sorted once and joins its group. The
  // order of the record before is compared first, entry by entry, so a page builds no key at all.
  const byOrder = new Map<string, Group>();
  let last: { order: string[]; group: Group } | null = null;
  const index = new Map<string, number>();
  for (let i = 0; i < resources.length; i++) index.set(resources[i]!, i);
  let extra = false;
  for (const [record, entries] of shown) {
    if (!index.has(record)) extra = true;
    let g: Group | undefined = last && sameOrder(entries, last.order) ? last.group : undefined;
    if (!g) {
      const order = [...entries];
      const orderKey = order.join('\n');
      g = byOrder.get(orderKey);
      if (!g) {
        const sorted = [...order].sort();
        const key = sorted.join('\n');
        g = byKey.get(key);
        if (!g) {
          g = { plain: sorted.filter((e) => e[0] === 'P').map((e) => e.slice(1)), masked: sorted.filter((e) => e[0] === 'M').map((e) => e.slice(1)), records: [] };
          byKey.set(key, g);
        }
        byOrder.set(orderKey, g);
      }
      last = { order, group: g };
    }
    g.records.push(record);
  }
  let list: readonly string[] = resources;
  if (extra) {
    // A record returned but not among the resources: the union, sorted, renumbers them all.
    const all = new Set(resources);
    for (const g of byKey.values()) for (const r of g.records) all.add(r);
    list = [...all].sort();
    index.clear();
    for (let i = 0; i < list.length; i++) index.set(list[i]!, i);
  }
  const groups = [...byKey.values()].map((g) => {
    const records = new Array<number>(g.records.length);
    for (let i = 0; i < records.length; i++) records[i] = index.get(g.records[i]!)!;
    const out: ExposureGroup = { records: records.sort((a, b) => a - b) };
    if (g.plain.length) out.plain = g.plain;
    if (g.masked.length) out.masked = g.masked;
    return out;
  });
  groups.sort((a, b) => a.records[0]! - b.records[0]!);
  return { resources: [...list], groups };
}

interface Group {
  plain: string[];
  masked: string[];
  records: string[];
}

function sameOrder(entries: ReadonlySet<string>, order: readonly string[]): boolean {
  if (entries.size !== order.length) return false;
  let i = 0;
  for (const e of entries) if (e !== order[i++]) return false;
  return true;
}

/** The event's mapping, or null when it has none (written before exposure was recorded, or malformed). */
export function decodeExposure(resources: readonly string[], detail: Readonly<Record<string, unknown>> | null | undefined): RecordExposure[] | null {
  const groups = detail?.exposure;
  if (!Array.isArray(groups)) return null;
  const out: RecordExposure[] = [];
  for (const g of groups as ExposureGroup[]) {
    if (!g || !Array.isArray(g.records)) return null;
    for (const i of g.records) {
      const record = resources[i];
      if (record === undefined) return null;
      out.push({ record, plain: g.plain ?? [], masked: g.masked ?? [] });
    }
  }
  return out;
}

/** Fields the event returned without saying from which record (`detail.exposureUnmapped`). */
export function unmappedFields(detail: Readonly<Record<string, unknown>> | null | undefined): readonly string[] {
  const u = detail?.exposureUnmapped;
  return Array.isArray(u) ? (u as string[]) : [];
}
