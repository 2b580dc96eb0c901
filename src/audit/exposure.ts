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

/** Per type, per record id: the entries returned from it, `P` or `M` then `Type.field` (src/request/decision-counter.ts). */
export type ShownByType = ReadonlyMap<string, ReadonlyMap<string, { readonly entries: ReadonlySet<string> }>>;

/**
 * The event's resources (`Type:id`, sorted by code units, each once) and its exposure groups, from
 * the ids the request read per type (any order, repeats allowed) and what it returned per record.
 * Records are looked up by type and id, the strings they were recorded with, so no `Type:id`
 * string is built to find one; a record returned but never read is named too.
 */
export function encodeRecordExposure(read: ReadonlyMap<string, readonly string[]>, shown: ShownByType): EncodedExposure {
  return encodeRecords(read, shown, false) ?? encodeRecords(read, shown, true)!;
}

/** Null when a record was returned but not read and `withShown` is false: the encoding must add it. */
function encodeRecords(read: ReadonlyMap<string, readonly string[]>, shown: ShownByType, withShown: boolean): EncodedExposure | null {
  const types = new Set([...read.keys(), ...shown.keys()]);
  // Type names hold no ':', so `Type:` orders types exactly as the whole strings would.
  const order = [...types].sort((a, b) => byCodeUnits(`${a}:`, `${b}:`));
  const resources: string[] = [];
  const groups = new ExposureGroups();
  for (const type of order) {
    const byId = shown.get(type);
    const readIds = read.get(type) ?? [];
    const ids = unique(sortedByCodeUnits(withShown && byId ? [...readIds, ...byId.keys()] : readIds));
    const prefix = `${type}:`;
    let found = 0;
    for (let i = 0; i < ids.length; i++) {
      const entries = byId?.get(ids[i]!)?.entries;
      if (entries) {
        found++;
        groups.add(resources.length, entries);
      }
      resources.push(prefix + ids[i]!);
    }
    if (byId && found < byId.size) return null;
  }
  return { resources, groups: groups.list };
}

const INDEX = 2 ** 20;

/**
 * `list` in the order `sort()` gives strings (UTF-16 code units), as a new list. `sort()` compares
 * strings one generic call at a time (a page of ids took most of the event's exposure); here one
 * native sort of numbers orders them by their first two code units, and only the strings sharing
 * those are compared.
 */
function sortedByCodeUnits(list: readonly string[]): string[] {
  const n = list.length;
  if (n >= INDEX) return [...list].sort();
  // Prefix and position in one exact double: the prefix takes 33 bits at most, the position 20.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = prefixKey(list[i]!) * INDEX + i;
  keys.sort();
  const out = new Array<string>(n);
  for (let j = 0; j < n; j++) out[j] = list[keys[j]! % INDEX]!;
  for (let from = 0, j = 1; j <= n; j++) {
    if (j < n && Math.floor(keys[j]! / INDEX) === Math.floor(keys[from]! / INDEX)) continue;
    if (j - from > 1) sortRun(out, from, j);
    from = j;
  }
  return out;
}

/** The first two code units as one number ordered as the strings are: a missing unit sorts first. */
function prefixKey(s: string): number {
  return (s.length > 0 ? s.charCodeAt(0) + 1 : 0) * 65537 + (s.length > 1 ? s.charCodeAt(1) + 1 : 0);
}

/** Sorts `list[from..to)` by code units: by insertion when short, as a copy when long. */
function sortRun(list: string[], from: number, to: number): void {
  if (to - from > 8) {
    const run = list.slice(from, to).sort();
    for (let k = 0; k < run.length; k++) list[from + k] = run[k]!;
    return;
  }
  for (let a = from + 1; a < to; a++) {
    const v = list[a]!;
    let b = a - 1;
    for (; b >= from && list[b]! > v; b--) list[b + 1] = list[b]!;
    list[b + 1] = v;
  }
}

/** A sorted list without its repeats, in place. */
function unique(sorted: string[]): string[] {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
  sorted.length = n;
  return sorted;
}

/**
 * `encodeRecordExposure` for records named `Type:id`: `resources` sorted, `shown` yielding
 * `[record, entries]`; the inverse of `decodeExposure`.
 */
export function encodeExposure(resources: readonly string[], shown: Iterable<[string, ReadonlySet<string>]>): EncodedExposure {
  const read = new Map<string, string[]>();
  const byType = new Map<string, Map<string, { entries: ReadonlySet<string> }>>();
  for (const r of resources) {
    const [type, id] = splitRecord(r);
    (read.get(type) ?? read.set(type, []).get(type)!).push(id);
  }
  for (const [record, entries] of shown) {
    const [type, id] = splitRecord(record);
    (byType.get(type) ?? byType.set(type, new Map()).get(type)!).set(id, { entries });
  }
  return encodeRecordExposure(read, byType);
}

/** The order `sort()` gives strings (UTF-16 code units), without its conversion of each element. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function splitRecord(record: string): [string, string] {
  const at = record.indexOf(':');
  return [record.slice(0, at), record.slice(at + 1)];
}

/**
 * Records added in the order of their index, grouped by the fields they returned: each group's
 * records come out sorted and the groups ordered by their first record, with no sort. Records of
 * one page share one entries set (src/request/decision-counter.ts), so a group is found by the set
 * itself; a set not seen yet is sorted once and joins the group of the same fields.
 */
class ExposureGroups {
  readonly list: ExposureGroup[] = [];
  private readonly bySet = new Map<ReadonlySet<string>, ExposureGroup>();
  private readonly byFields = new Map<string, ExposureGroup>();

  add(index: number, entries: ReadonlySet<string>): void {
    let g = this.bySet.get(entries);
    if (!g) this.bySet.set(entries, (g = this.ofFields(entries)));
    g.records.push(index);
  }

  private ofFields(entries: ReadonlySet<string>): ExposureGroup {
    const sorted = [...entries].sort();
    const key = sorted.join('\n');
    let g = this.byFields.get(key);
    if (g) return g;
    g = { records: [] };
    const plain = sorted.filter((e) => e[0] === 'P').map((e) => e.slice(1));
    const masked = sorted.filter((e) => e[0] === 'M').map((e) => e.slice(1));
    if (plain.length) g.plain = plain;
    if (masked.length) g.masked = masked;
    this.byFields.set(key, g);
    this.list.push(g);
    return g;
  }
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
