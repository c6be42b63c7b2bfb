/** Small string-distance helpers for "did you mean …?" hints (frameworks, controls, bot commands). */

/** Levenshtein edit distance (insertions, deletions, substitutions each cost 1). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let curr = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length]!;
}

export interface ClosestOptions {
  /** Compare ignoring case (default true). */
  ignoreCase?: boolean;
  /**
   * Largest distance still worth suggesting. Default: max(2, half the input's length, rounded up),
   * so that a typo finds its word but unrelated input gets no suggestion.
   */
  maxDistance?: number;
}

/**
 * The candidate nearest to `input` (the first one on a tie), or undefined when there are none or the
 * nearest is further than `maxDistance`.
 */
export function closest(
  input: string,
  candidates: Iterable<string>,
  options: ClosestOptions = {},
): string | undefined {
  const ignoreCase = options.ignoreCase ?? true;
  const norm = (s: string): string => (ignoreCase ? s.trim().toLowerCase() : s.trim());
  const needle = norm(input);
  const limit = options.maxDistance ?? Math.max(2, Math.ceil(needle.length / 2));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = levenshtein(needle, norm(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
