/**
 * `JSON.stringify(value, null, 2)` (or, compact, `JSON.stringify(value)`), character for
 * character, as a sequence of pieces of about
 * `pieceChars` characters, so that a large document (a million-asset scan result is ~150 MB of
 * such JSON, an inventory more than V8's longest string) is written without ever being one string.
 *
 * Large arrays and plain objects are opened here and their members written in batches; anything
 * small (and anything JSON.stringify would treat specially: `toJSON`, non-plain objects) is left
 * to JSON.stringify itself, inside enough empty arrays that it comes out at its final indentation
 * (so no piece is re-indented by hand).
 */

/**
 * About this many characters per piece (and per batch handed to JSON.stringify). Small on
 * purpose: V8 puts a string over ~128 KB in its large-object space, in memory of its own that is
 * fresh (page-faulted) for every string and unmapped after it; 1 MB pieces made JSON.stringify
 * of the same members 3–8× slower on the 2-core machine than pieces of 32 K characters, which
 * live and die in the young generation.
 */
export const DEFAULT_PIECE_CHARS = 1 << 15;

/**
 * An array or a plain object (without `toJSON`): what may be opened and written a part at a time.
 * Anything else (a Date, a Map, an object with its own toJSON) is written as JSON.stringify
 * writes it, in one piece.
 */
export function isJsonContainer(value: unknown): value is unknown[] | Record<string, unknown> {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (
    (proto === Object.prototype || proto === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/**
 * About how many characters `value` makes as JSON, without making it: a string its length and
 * quotes, another scalar 8, a field its key's too. Escapes and indentation are not counted, so
 * the text may be longer than weighed (a writer that must bound it checks the length anyway).
 * Weighing stops once the weight exceeds `budget`.
 */
export function weighJson(value: unknown, budget: number): number {
  if (typeof value === 'string') return value.length + 3;
  if (typeof value !== 'object' || value === null) return 8;
  let weight = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && weight <= budget; i++) weight += weighJson(value[i], budget - weight);
  } else {
    for (const key in value) {
      if (weight > budget) break;
      weight += key.length + 4 + weighJson((value as Record<string, unknown>)[key], budget - weight);
    }
  }
  return weight;
}

/** What JSON.stringify leaves out of an object. */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * The member lines of `batch` (an array, or an object of some of a larger object's members), as
 * JSON.stringify(…, null, 2) writes them `depth` levels deep: wrapped in `depth` arrays, whose
 * brackets and newlines are `(depth + 1) * (depth + 2)` characters at each end. Compact, the
 * members between the brackets.
 */
function memberLines(batch: unknown[] | Record<string, unknown>, depth: number, compact: boolean): string {
  if (compact) {
    const text = JSON.stringify(batch);
    return text.slice(1, -1);
  }
  let wrapped: unknown = batch;
  for (let d = 0; d < depth; d++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  const cut = (depth + 1) * (depth + 2);
  return text.slice(cut, text.length - cut);
}

export interface JsonPiecesOptions {
  /** `JSON.stringify(value)` rather than `JSON.stringify(value, null, 2)`. */
  compact?: boolean;
  /** About how many characters a piece holds (default DEFAULT_PIECE_CHARS); tests make it small. */
  pieceChars?: number;
}

/** Yields the text of `value` in pieces; joined, they are `JSON.stringify(value, null, 2)` (or nothing for undefined). */
export function* jsonPieces(
  value: unknown,
  options: JsonPiecesOptions = {},
): Generator<string, void, undefined> {
  const compact = options.compact === true;
  const pieceChars = options.pieceChars ?? DEFAULT_PIECE_CHARS;
  if (!isJsonContainer(value) || weighJson(value, pieceChars) <= pieceChars) {
    const text = (compact ? JSON.stringify(value) : JSON.stringify(value, null, 2)) as string | undefined;
    if (text !== undefined) yield text;
    return;
  }
  let buffer = '';
  for (const piece of opened(value, 0)) {
    buffer += piece;
    if (buffer.length >= pieceChars) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;

  /** A large container `depth` levels deep (its own brackets at that depth's indentation). */
  function* opened(container: unknown[] | Record<string, unknown>, depth: number): Generator<string> {
    const inner = compact ? '' : '  '.repeat(depth + 1);
    const newline = compact ? '' : '\n';
    const isArray = Array.isArray(container);
    const keys = isArray ? null : Object.keys(container).filter((k) => !omitted(container[k]));
    const count = isArray ? container.length : keys!.length;
    if (count === 0) {
      yield isArray ? '[]' : '{}';
      return;
    }
    yield `${isArray ? '[' : '{'}${newline}`;
    let from = 0;
    let weight = 0;
    let first = true;
    // Small members are gathered into a batch; a large one ends the batch and is opened itself.
    function* flush(to: number): Generator<string> {
      if (to <= from) return;
      let batch: unknown[] | Record<string, unknown>;
      if (isArray) batch = container.slice(from, to);
      else {
        // Without a prototype, so that a "__proto__" key is a member like any other.
        const part = Object.create(null) as Record<string, unknown>;
        for (let i = from; i < to; i++) part[keys![i]!] = (container as Record<string, unknown>)[keys![i]!];
        batch = part;
      }
      yield `${first ? '' : `,${newline}`}${memberLines(batch, depth, compact)}`;
      first = false;
      from = to;
      weight = 0;
    }
    for (let i = 0; i < count; i++) {
      const member = isArray ? container[i] : container[keys![i]!];
      const budget = pieceChars - weight;
      const w = weighJson(member, budget);
      if (isJsonContainer(member) && w > budget && weighJson(member, pieceChars) > pieceChars) {
        yield* flush(i);
        const label = isArray ? '' : `${JSON.stringify(keys![i])}:${compact ? '' : ' '}`;
        yield `${first ? '' : `,${newline}`}${inner}${label}`;
        first = false;
        yield* opened(member, depth + 1);
        from = i + 1;
        continue;
      }
      weight += w;
      if (weight >= pieceChars) yield* flush(i + 1);
    }
    yield* flush(count);
    yield `${compact ? '' : `\n${'  '.repeat(depth)}`}${isArray ? ']' : '}'}`;
  }
}
