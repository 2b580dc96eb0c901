/** How many times each field was decided which way in one request: the audit event's `fields`. */
export class DecisionCounter {
  private readonly counts = new Map<string, number>();

  count(field: string, decision: string): void {
    const key = `${field}\u0000${decision}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  entries(): Array<{ field: string; decision: string; count: number }> {
    return [...this.counts].map(([key, count]) => {
      const [field, decision] = key.split('\u0000') as [string, string];
      return { field, decision, count };
    });
  }
}
