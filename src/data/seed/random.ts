/**
 * A seeded PRNG (sfc32, seeded through splitmix32) and the draws the demo generator needs.
 * Same seed and label -> same sequence on every platform: only 32-bit integer arithmetic is used.
 */

/** FNV-1a, so a stream label can be mixed into the seed. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A label gives an independent stream, so growing one part of the data leaves the others as they were. */
  constructor(seed: number, label = '') {
    const init = splitmix32(seed ^ hashLabel(label));
    this.a = init();
    this.b = init();
    this.c = init();
    this.d = init();
    // sfc32 needs a few rounds before its output is well mixed.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick: cannot pick from an empty list; pass at least one item.');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by relative weight; for hot loops build a `WeightedTable` once instead. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    return new WeightedTable(entries).draw(this);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** `n` decimal digits, leading zeros allowed. */
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }

  /** Lowercase RFC 4122 version-4 shape: version nibble 4, variant 8–b. */
  uuid(): string {
    const a = hex8(this.uint32());
    const b = hex8(((this.uint32() & 0xffff0fff) | 0x00004000) >>> 0);
    const c = hex8(((this.uint32() & 0x3fffffff) | 0x80000000) >>> 0);
    const d = hex8(this.uint32());
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
  }
}

// Number#toString(16) is slow on 32-bit values; byte lookups keep 100k-item runs fast.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(word: number): string {
  const hi = (HEX[word >>> 24] as string) + (HEX[(word >>> 16) & 0xff] as string);
  return hi + (HEX[(word >>> 8) & 0xff] as string) + (HEX[word & 0xff] as string);
}

/** Cumulative weights with binary search: O(log n) per draw for the 100k-item benchmark scale. */
export class WeightedTable<T> {
  private readonly values: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    this.values = [];
    this.cumulative = [];
    let sum = 0;
    for (const [value, weight] of entries) {
      if (!(weight > 0)) continue;
      sum += weight;
      this.values.push(value);
      this.cumulative.push(sum);
    }
    if (sum === 0) throw new Error('WeightedTable: every weight is zero; give at least one entry a positive weight.');
    this.total = sum;
  }

  draw(rng: Random): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo] as T;
  }
}

/** Hands out PRNG uuids and never the same one twice, across every stream that shares it. */
export class UniqueIds {
  private readonly seen = new Set<string>();

  next(rng: Random): string {
    for (;;) {
      const id = rng.uuid();
      if (!this.seen.has(id)) {
        this.seen.add(id);
        return id;
      }
    }
  }
}
