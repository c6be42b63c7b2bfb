/**
 * Where a file's JSON syntax is broken: a small iterative syntax checker, run only after
 * JSON.parse failed, that says where (line and column) and why in plain English.
 */

/** `line L, column C` (both 1-based) of a UTF-16 offset in `text`. */
function where(text: string, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < pos; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return `line ${line}, column ${pos - lineStart + 1}`;
}
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

function showChar(text: string, pos: number): string {
  const ch = String.fromCodePoint(text.codePointAt(pos)!);
  return JSON.stringify(ch);
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const w = text.charCodeAt(i);
    if (w === 32 || w === 9 || w === 10 || w === 13) i++;
    else return i;
  }
}

/** Position and plain-English reason of the first JSON syntax error, or null when there is none. */
function locateSyntaxError(text: string): { pos: number; reason: string } | null {
  const n = text.length;
  const stack: number[] = []; // 0: array, 1: object
  // 0: a value, 1: a value or ']', 2: a property name, 3: a property name or '}', 4: after a value
  let state = 0;
  let i = 0;
  for (;;) {
    i = skipWhitespace(text, i);
    if (i >= n) {
      if (state === 4 && stack.length === 0) return null;
      return {
        pos: n,
        reason: 'the file ends before the JSON is complete (a bracket or a value is missing)',
      };
    }
    const c = text[i]!;
    if (state === 4) {
      const top = stack[stack.length - 1];
      if (top === undefined)
        return { pos: i, reason: `unexpected ${showChar(text, i)} after the end of the JSON` };
      if (c === ',') {
        i++;
        state = top === 1 ? 2 : 0;
      } else if ((top === 1 && c === '}') || (top === 0 && c === ']')) {
        stack.pop();
        i++;
      } else {
        const expected =
          top === 1 ? "',' or '}' after a property value" : "',' or ']' after an array element";
        return { pos: i, reason: `expected ${expected} but found ${showChar(text, i)}` };
      }
      continue;
    }
    if (state === 2 || state === 3) {
      if (state === 3 && c === '}') {
        stack.pop();
        i++;
        state = 4;
        continue;
      }
      if (c !== '"')
        return { pos: i, reason: `expected a property name in double quotes but found ${showChar(text, i)}` };
      const err = skipString(text, i);
      if (typeof err !== 'number') return err;
      i = err;
      i = skipWhitespace(text, i);
      if (text[i] !== ':') return { pos: i, reason: "expected ':' after the property name" };
      i++;
      state = 0;
      continue;
    }
    // state 0 or 1: a value
    if (state === 1 && c === ']') {
      stack.pop();
      i++;
      state = 4;
    } else if (c === '{' || c === '[') {
      stack.push(c === '{' ? 1 : 0);
      i++;
      state = c === '{' ? 3 : 1;
    } else if (c === '"') {
      const err = skipString(text, i);
      if (typeof err !== 'number') return err;
      i = err;
      state = 4;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) return { pos: i, reason: 'not a valid number' };
      i += m[0].length;
      state = 4;
    } else if (text.startsWith('true', i) || text.startsWith('null', i)) {
      i += 4;
      state = 4;
    } else if (text.startsWith('false', i)) {
      i += 5;
      state = 4;
    } else {
      return { pos: i, reason: `expected a value but found ${showChar(text, i)}` };
    }
  }
}

/** Index after the string starting at `start` (a quote), or the error in it. */
function skipString(text: string, start: number): number | { pos: number; reason: string } {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c < 0x20) {
      return {
        pos: i,
        reason: 'a control character (such as a line break) inside a string must be escaped, e.g. \\n',
      };
    }
    if (c === 92) {
      const e = text[i + 1];
      if (e === 'u') {
        if (!HEX4.test(text.slice(i + 2, i + 6)))
          return { pos: i, reason: 'a \\u escape needs four hex digits' };
        i += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
        i++;
      } else {
        return { pos: i, reason: 'not a valid escape sequence in a string' };
      }
    }
  }
  return { pos: start, reason: 'a string is not closed: its closing double quote is missing' };
}

/** The problem reported for text that JSON.parse refused with `error`. */
export function jsonSyntaxProblem(text: string, error: unknown): string {
  const found = locateSyntaxError(text);
  if (found) return `the file is not valid JSON: ${found.reason} (at ${where(text, found.pos)})`;
  const detail = error instanceof Error ? error.message : String(error);
  return `the file is not valid JSON: ${detail}`;
}
