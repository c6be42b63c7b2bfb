/**
 * V8's longest string (buffer.constants.MAX_STRING_LENGTH, ~537 M characters) in miniature, so a
 * test can show that a store saves and loads a document "longer than a string" without a
 * gigabyte of data: while `work` runs, JSON.stringify throws what V8 throws for a text longer than
 * `limit` (RangeError: Invalid string length), and JSON.parse refuses a text longer than it, as
 * if no such string could exist. Reports the longest text either was asked to make or read.
 */
export interface StringLimitReport<T> {
  value: T;
  /** Characters of the longest text JSON.stringify made or was refused (when it was longer than the limit). */
  longestStringified: number;
  /** Characters of the longest text given to JSON.parse. */
  longestParsed: number;
}

export async function withStringLimit<T>(
  limit: number,
  work: () => Promise<T>,
): Promise<StringLimitReport<T>> {
  const { stringify, parse } = JSON;
  let longestStringified = 0;
  let longestParsed = 0;
  JSON.stringify = function (this: JSON, ...args: Parameters<typeof JSON.stringify>) {
    const text = stringify.apply(this, args) as string | undefined;
    longestStringified = Math.max(longestStringified, text?.length ?? 0);
    if (text !== undefined && text.length > limit) throw new RangeError('Invalid string length');
    return text;
  } as typeof JSON.stringify;
  JSON.parse = function (this: JSON, ...args: Parameters<typeof JSON.parse>) {
    const text = String(args[0]);
    longestParsed = Math.max(longestParsed, text.length);
    if (text.length > limit) throw new RangeError('Invalid string length');
    return parse.apply(this, args) as unknown;
  } as typeof JSON.parse;
  try {
    return { value: await work(), longestStringified, longestParsed };
  } finally {
    JSON.stringify = stringify;
    JSON.parse = parse;
  }
}
