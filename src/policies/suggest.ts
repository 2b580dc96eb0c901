/** Builds the "(known: …; did you mean …?)" tail of error messages, so a typo names its fix. */

export function knownList(label: string, known: Iterable<string>): string {
  const all = [...known];
  const shown = all.length > 24 ? [...all.slice(0, 24), '…'] : all;
  return `${label}: ${shown.join(', ') || '(none)'}`;
}

/** `(known: a, b, c; did you mean "x"?)`, the suggestion only when one is close enough. */
export function suggest(word: string, known: Iterable<string>, label = 'known'): string {
  const all = [...known];
  const best = closest(word, all);
  return `(${knownList(label, all)}${best ? `; did you mean "${best}"?` : ''})`;
}

function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance with one row of memory; policy words are short. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
