// Near misses in what users type (a kind, an annotation key, a function's name), answered with
// the closest name they may have meant.

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate closest to `word` (case-insensitive edit distance), if it is close enough to be a
 * slip: at most a third of the word's length, and at least 2 edits allowed. A candidate that
 * starts with the word, or that the word starts with (4 characters or more), counts as close too.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  let best: { name: string; edits: number } | undefined;
  for (const name of candidates) {
    const lower = name.toLowerCase();
    const prefix =
      Math.min(typed.length, lower.length) >= 4 &&
      (lower.startsWith(typed) || typed.startsWith(lower));
    const edits = prefix ? 0.5 : distance(typed, lower);
    if (edits <= Math.max(2, typed.length / 3) && (!best || edits < best.edits))
      best = { name, edits };
  }
  return best?.name;
}

/** `; did you mean X?` for a near miss, else "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const name = closest(word, candidates);
  return name === undefined ? "" : `; did you mean ${name}?`;
}
