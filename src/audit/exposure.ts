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
  const byKey = new Map<string, { plain: string[]; masked: string[]; records: string[] }>();
  // Records of one page return their fields in the same order: the unsorted key finds the group
  // without sorting each record's entries; a new order is sorted once and joins its group.
  const byOrder = new Map<string, { plain: string[]; masked: string[]; records: string[] }>();
  const all = new Set(resources);
  for (const [record, entries] of shown) {
    all.add(record);
    const order = [...entries].join('\n');
    let g = byOrder.get(order);
    if (!g) {
      const sorted = [...entries].sort();
      const key = sorted.join('\n');
      g = byKey.get(key);
      if (!g) {
        g = { plain: sorted.filter((e) => e[0] === 'P').map((e) => e.slice(1)), masked: sorted.filter((e) => e[0] === 'M').map((e) => e.slice(1)), records: [] };
        byKey.set(key, g);
      }
      byOrder.set(order, g);
    }
    g.records.push(record);
  }
  const list = all.size === resources.length ? [...resources] : [...all].sort();
  const index = new Map(list.map((r, i) => [r, i]));
  const groups = [...byKey.values()].map((g) => {
    const out: ExposureGroup = { records: g.records.map((r) => index.get(r)!).sort((a, b) => a - b) };
    if (g.plain.length) out.plain = g.plain;
    if (g.masked.length) out.masked = g.masked;
    return out;
  });
  groups.sort((a, b) => a.records[0]! - b.records[0]!);
  return { resources: list, groups };
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
