/**
 * How many times each field was decided which way in one request (the audit event's `fields`),
 * and which record each PLAIN or MASKED value came from (its `detail.exposure`, src/audit/exposure.ts),
 * so an incident report names exactly whose field was returned. Both run once per guarded field per
 * record: they look up and add to maps, never build strings, and a record allocates nothing of its
 * own: the records of a page that return the same fields share one set of entries.
 */

/**
 * A set of entries reached by adding them in one order; adding one more leads to the next, made
 * once per request. The 100 records of a page each pass through the same few, instead of growing a
 * set each.
 */
class Shown {
  private readonly next = new Map<string, Shown>();

  constructor(readonly entries: ReadonlySet<string>) {}

  with(entry: string): Shown {
    if (this.entries.has(entry)) return this;
    let to = this.next.get(entry);
    if (!to) this.next.set(entry, (to = new Shown(new Set([...this.entries, entry]))));
    return to;
  }
}

export class DecisionCounter {
  private readonly counts = new Map<string, Map<string, number>>();
  /** type -> record id -> the `P<Type.field>` / `M<Type.field>` entries returned from it. */
  private readonly shownByRecord = new Map<string, Map<string, Shown>>();
  private readonly none = new Shown(new Set());
  // The record the last entry went to: the fields of one record are resolved one after another.
  private lastType: string | null = null;
  private lastId: string | null = null;
  private lastById: Map<string, Shown> | null = null;
  private lastShown: Shown = this.none;
  /** Fields returned from a source without an id: the event cannot say whose they were. */
  private readonly unmappedFields = new Set<string>();

  /** `by`: an aggregate counts the records it summed over in one call. */
  count(field: string, decision: string, by = 1): void {
    let byDecision = this.counts.get(field);
    if (!byDecision) this.counts.set(field, (byDecision = new Map()));
    byDecision.set(decision, (byDecision.get(decision) ?? 0) + by);
  }

  /** A value of `entry` (`P` or `M` then `Type.field`) was returned for the record `typeName:id`. */
  shown(typeName: string, id: unknown, entry: string): void {
    if (typeof id !== 'string' || id === '') {
      this.unmappedFields.add(entry.slice(1));
      return;
    }
    if (id !== this.lastId || typeName !== this.lastType) {
      let byId = this.shownByRecord.get(typeName);
      if (!byId) this.shownByRecord.set(typeName, (byId = new Map()));
      this.lastType = typeName;
      this.lastId = id;
      this.lastById = byId;
      this.lastShown = byId.get(id) ?? this.none;
    }
    const to = this.lastShown.with(entry);
    if (to !== this.lastShown) this.lastById!.set(id, (this.lastShown = to));
  }

  entries(): Array<{ field: string; decision: string; count: number }> {
    const out: Array<{ field: string; decision: string; count: number }> = [];
    for (const [field, byDecision] of this.counts) {
      for (const [decision, count] of byDecision) out.push({ field, decision, count });
    }
    return out;
  }

  /** Per type, per record id: the entries returned from that record (read by src/audit/exposure.ts as they are). */
  shownByType(): ReadonlyMap<string, ReadonlyMap<string, { readonly entries: ReadonlySet<string> }>> {
    return this.shownByRecord;
  }

  unmapped(): string[] {
    return [...this.unmappedFields].sort();
  }
}
