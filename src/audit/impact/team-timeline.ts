/**
 * The team a principal was in when each audit event was recorded. A team change is audited with
 * the team before and after it, so the team in force at an event is the `before` of the principal's
 * first change recorded after that event (by seq), or its team now when none followed. Pure: the
 * caller reads the changes (few, one per move) and hands them over.
 */

export interface TeamChange {
  readonly principalId: string;
  /** The change's own audit sequence number (decimal text, as the chain stores it). */
  readonly seq: string;
  /** The team the principal left (null: it had none). */
  readonly before: string | null;
}

export class TeamTimeline {
  private readonly changes = new Map<string, Array<{ seq: bigint; before: string | null }>>();

  constructor(changes: Iterable<TeamChange>) {
    for (const c of changes) {
      let list = this.changes.get(c.principalId);
      if (!list) this.changes.set(c.principalId, (list = []));
      list.push({ seq: BigInt(c.seq), before: c.before });
    }
    for (const list of this.changes.values()) list.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  }

  /** The team of `principalId` at the event numbered `seq`; `current` when it has not moved since. */
  teamAt(principalId: string, seq: string, current: string | null): string | null {
    const list = this.changes.get(principalId);
    if (!list) return current;
    const at = BigInt(seq);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.seq > at) hi = mid;
      else lo = mid + 1;
    }
    return lo < list.length ? list[lo]!.before : current;
  }
}
