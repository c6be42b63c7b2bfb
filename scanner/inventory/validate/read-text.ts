/**
 * Reading a snapshot file's raw contents into JSON, with the checks a hostile file needs before
 * `JSON.parse`: UTF-8 (a leading byte order mark is allowed), total size, nesting depth and
 * string length; and, when the JSON is broken, where and why.
 */
import { isUtf8 } from 'node:buffer';
import { CertifyError } from '../../../base/errors.js';
import { utf8Bytes } from '../../../base/utf8.js';
import { INVENTORY_SCHEMA } from '../types.js';
import { jsonSyntaxProblem } from './json-syntax.js';
import { INVENTORY_LIMITS } from './limits.js';

export const INVALID_INVENTORY_MESSAGE = `the snapshot is not a valid ${INVENTORY_SCHEMA} file`;

export function invalidInventory(problems: string[]): CertifyError {
  return new CertifyError('INVALID_INVENTORY', INVALID_INVENTORY_MESSAGE, problems);
}

function mib(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

/** The problem reported for a file of `bytes` bytes, above the size limit. */
export function tooLargeProblem(bytes: number): string {
  return `the file is ${mib(bytes)}, larger than the limit of ${mib(INVENTORY_LIMITS.maxBytes)}`;
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence (only called on failure). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}

/** `line L, column C` (both 1-based, the column in characters) of a byte offset in UTF-8 `bytes`. */
function whereInBytes(bytes: Uint8Array, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < pos; i++) if ((bytes[i]! & 0xc0) !== 0x80) column++;
  return `line ${line}, column ${column}`;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A file's bytes handed over to the reader, which drops them (sets `bytes` to null) as soon as
 * they are decoded: a caller that kept them would hold the whole file through `JSON.parse`,
 * half a gigabyte more at the peak for the largest snapshot.
 */
export interface HandedBytes {
  bytes: Uint8Array | null;
}

/** Length (in characters, after unescaping) of the JSON string literal `bytes[from..to)`, or -1. */
function stringLength(bytes: Uint8Array, from: number, to: number): number {
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes.subarray(from, to)));
    return typeof value === 'string' ? value.length : -1;
  } catch {
    return -1; // not a valid string literal: JSON.parse of the whole file reports it
  }
}

/**
 * One iterative pass over the UTF-8 bytes that enforces the nesting and string-length bounds
 * before `JSON.parse`, so neither the parser nor anything that walks its result can be driven
 * into deep recursion or handed a giant string. Brackets inside strings are skipped (UTF-8
 * multi-byte sequences never contain ASCII bytes, so scanning bytes is exact). Syntax errors
 * are left to `JSON.parse`. About 0.6 s for 450 MB.
 */
function checkBounds(bytes: Uint8Array): string | null {
  const { maxDepth, maxStringLength } = INVENTORY_LIMITS;
  const n = bytes.length;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 34 /* " */) {
      const open = i++;
      for (; i < n; i++) {
        const d = bytes[i]!;
        if (d === 34) break;
        if (d === 92 /* \ */) i++;
      }
      // Every character takes at least one byte, so only a long literal can be too long.
      if (i - open - 1 > maxStringLength && i < n && stringLength(bytes, open, i + 1) > maxStringLength) {
        return `a string at ${whereInBytes(bytes, open)} is longer than the limit of ${maxStringLength} characters`;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) {
        return `arrays and objects are nested more than ${maxDepth} levels deep (at ${whereInBytes(bytes, i)})`;
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return null;
}

/**
 * The text of a snapshot file's contents, checked: size, UTF-8 (a leading byte order mark is
 * allowed, and removed), not empty, nesting depth and string length.
 */
function checkedText(input: string | Uint8Array | HandedBytes): string {
  const { maxBytes } = INVENTORY_LIMITS;
  let text: string;
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    if (input.length > maxBytes) throw invalidInventory([tooLargeProblem(input.length)]);
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    bytes = utf8Bytes(text);
  } else {
    const given = input instanceof Uint8Array ? input : input.bytes;
    if (!(input instanceof Uint8Array)) input.bytes = null;
    if (given === null) throw new TypeError('readInventoryJson: the handed bytes were already taken');
    bytes = given;
    if (bytes.byteLength > maxBytes) throw invalidInventory([tooLargeProblem(bytes.byteLength)]);
    // isUtf8 checks in native code without making a string; the plain decode after it is then
    // exact, and is about a second faster on 450 MB than a fatal TextDecoder.
    if (!isUtf8(bytes)) {
      throw invalidInventory([
        `the file is not UTF-8 text (the first invalid byte is at offset ${firstInvalidUtf8(bytes)}); save it as UTF-8`,
      ]);
    }
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  }
  if (text.trim() === '') throw invalidInventory(['the file is empty']);
  const bound = checkBounds(bytes);
  if (bound !== null) throw invalidInventory([bound]);
  return text;
}

/**
 * The JSON value of a snapshot file's contents (bytes must be UTF-8; a leading byte order mark
 * is allowed), not yet validated. Throws `CertifyError('INVALID_INVENTORY')` whose `problems` say
 * what is wrong and where; the messages never carry a stack trace. Handed bytes
 * ({@link HandedBytes}) are let go of before the parse.
 */
export function readInventoryJson(input: string | Uint8Array | HandedBytes): unknown {
  const text = checkedText(input);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalidInventory([jsonSyntaxProblem(text, e)]);
  }
}
