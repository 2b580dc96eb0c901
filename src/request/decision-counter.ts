/**
 * How many times each field was decided which way in one request (the audit event's `fields`),
 * and which record each PLAIN or MASKED value came from (its `detail.exposure`, src/audit/exposure.ts),
 * so an incident report names exactly whose field was returned. Both run once per guarded field per
 * record: they look up and add to sets, never build strings.
 */
export class DecisionCounter {
  private readonly counts = new Map<string, Map<string, number>>();
  /** type -> record id -> `P<Type.field>` / `M<Type.field>` entries. */
  private readonly shownByRecord = new Map<string, Map<string, Set<string>>>();
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
    let byId = this.shownByRecord.get(typeName);
    if (!byId) this.shownByRecord.set(typeName, (byId = new Map()));
    let entries = byId.get(id);
    if (!entries) byId.set(id, (entries = new Set()));
    entries.add(entry);
  }

  entries(): Array<{ field: string; decision: string; count: number }> {
    const out: Array<{ field: string; decision: string; count: number }> = [];
    for (const [field, byDecision] of this.counts) {
      for (const [decision, count] of byDecision) out.push({ field, decision, count });
    }
    return out;
  }

  /** `[record, entries]` for every record a PLAIN or MASKED value was returned from. */
  *shownRecords(): Generator<[string, ReadonlySet<string>]> {
    for (const [type, byId] of this.shownByRecord) for (const [id, entries] of byId) yield [`${type}:${id}`, entries];
  }

  unmapped(): string[] {
    return [...this.unmappedFields].sort();
  }
}
