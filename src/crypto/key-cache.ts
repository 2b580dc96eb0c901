/**
 * Unwrapped data keys kept in memory with a bound on their number and on their age, so a key that
 * was shredded elsewhere stops being usable here within the time limit.
 */

let runStart = 0;
let runClockRead = false;
const endRun = (): void => {
  runClockRead = false;
};

/**
 * `Date.now()` read once per synchronous run of JavaScript (until the microtasks queued so far have
 * run): a page resolves its 600 encrypted fields in one run, and each read of the clock cost ~50 ns
 * and a heap number. An age is thus judged as of the start of the run, as a key taken at its start
 * would be used through it.
 */
export function runClock(): number {
  if (!runClockRead) {
    runStart = Date.now();
    runClockRead = true;
    queueMicrotask(endRun);
  }
  return runStart;
}

export class KeyCache<V> {
  private readonly map = new Map<string, { value: V; expires: number }>();

  constructor(
    readonly capacity: number,
    readonly ttlMs: number,
    private readonly now: () => number = runClock,
  ) {}

  get(key: string): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, { value, expires: this.now() + this.ttlMs });
    // Map order is insertion order: the first entry is the oldest.
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
