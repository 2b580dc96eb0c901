/**
 * How many times each field was decided which way in one request: the audit event's `fields`.
 * `count` runs once per guarded field per record, so it looks up but never allocates.
 */
export class DecisionCounter {
  private readonly counts = new Map<string, Map<string, number>>();

  /** `by`: an aggregate counts the records it summed over in one call. */
  count(field: string, decision: string, by = 1): void {
    let byDecision = this.counts.get(field);
    if (!byDecision) this.counts.set(field, (byDecision = new Map()));
    byDecision.set(decision, (byDecision.get(decision) ?? 0) + by);
  }

  entries(): Array<{ field: string; decision: string; count: number }> {
    const out: Array<{ field: string; decision: string; count: number }> = [];
    for (const [field, byDecision] of this.counts) {
      for (const [decision, count] of byDecision) out.push({ field, decision, count });
    }
    return out;
  }
}
