/**
 * Large JSON documents (a scan's inventory and result) as a stream of small records, so that
 * neither saving nor loading one ever holds it as one string: V8's longest string is ~537 M
 * characters (buffer.constants.MAX_STRING_LENGTH), and the inventory of a 1,000,000-asset tenant
 * is ~778 M characters as JSON.
 *
 * The format, `certify.json-records/v1`, is newline-delimited JSON, one record a line (JSON.stringify
 * escapes every newline inside a value, so a line is always a whole record), gzip'd by the stores:
 *
 *     {"format":"certify.json-records/v1"}      the marker, always first
 *     {"set":PATH,"to":VALUE}                   VALUE at PATH ([] is the document itself)
 *     {"assign":PATH,"fields":{…}}              these fields added, in order, to the object at PATH
 *     {"push":PATH,"items":[…]}                 these elements appended to the array at PATH
 *     {"end":N}                                 the N records between marker and end were all written
 *
 * A PATH is the keys and indexes leading from the document to a value. A value small enough is
 * one record; a larger array or object is set empty, then filled by push or assign records of
 * chunks (each of about `chunkChars` characters as weighed before its JSON is made, and at most
 * `maxRecordChars` characters as a record), and an element or field too large for a chunk is
 * written the same way at its own path.
 * So no record is longer than `maxRecordChars`, but for one holding a single scalar (a string)
 * longer than that by itself; and the reader rebuilds record by record the value JSON.parse would
 * have made of the document as one text.
 *
 * Documents saved before this format (one gzip'd JSON text) are read too: the marker, which such a
 * text never starts with, tells the two apart.
 *
 * Any tool can rebuild a document, e.g. jq (a small tenant's; it copies each array as it grows):
 *
 *     gunzip -c FILE | jq -cn 'reduce inputs as $r (null; if $r.set then setpath($r.set; $r.to)
 *       elif $r.push then setpath($r.push; getpath($r.push) + $r.items)
 *       elif $r.assign then setpath($r.assign; getpath($r.assign) + $r.fields) else . end)'
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { promisify } from 'node:util';
import { canonicalText } from '../base/canonical-json.js';
import { isJsonContainer, weighJson } from '../base/json-pieces.js';
import { utf8Bytes, utf8Into } from '../base/utf8.js';
import { constants, createGunzip, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export const RECORDS_FORMAT = 'certify.json-records/v1';
/** What every document of this format, of any version, starts with. */
const MARKER_PREFIX = Buffer.from('{"format":"certify.json-records/');
const NEWLINE = 0x0a;
/** zlib's output pieces: larger than its default 16 KB, so a large document passes in fewer. */
const ZLIB_CHUNK = 256 * 1024;

/**
 * About 80 of the demo tenant's secrets a chunk (~32 K characters of JSON), ~1,500 records for
 * 100 k assets. Small so that each record's string stays out of V8's large-object space (see
 * DEFAULT_PIECE_CHARS in base/json-pieces.ts): with 1 MB chunks, making the records of a
 * 1,000,000-asset snapshot took about 4 s, most of it faulting in fresh memory for each string.
 */
export const DEFAULT_CHUNK_CHARS = 1 << 15;
/** Far below V8's limit, and far above what a chunk of DEFAULT_CHUNK_CHARS makes. */
export const DEFAULT_MAX_RECORD_CHARS = 8 * 1024 * 1024;

export interface RecordLimits {
  /**
   * About how many characters of JSON one record's chunk holds, as weighed before its JSON is
   * made (default DEFAULT_CHUNK_CHARS). Tests make it small, to write a small document in many
   * chunks.
   */
  chunkChars?: number;
  /**
   * Most characters in one record, its newline included (default DEFAULT_MAX_RECORD_CHARS), but
   * for one holding a single scalar longer by itself. Tests make it small.
   */
  maxRecordChars?: number;
  /** About how many characters of records one gzip member holds (default 8 M). Tests make it small. */
  memberChars?: number;
}

type Key = string | number;

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`JSON records: ${name} must be a whole number ≥ 1, got ${value}`);
  }
  return value;
}

/** JSON.stringify (or `write`), or null when the text would be longer than a string can be. */
function stringify(
  value: unknown,
  write: (value: unknown) => string | undefined = (v) => JSON.stringify(v) as string | undefined,
): string | undefined | null {
  try {
    return write(value);
  } catch (error) {
    if (error instanceof RangeError && /string length/i.test(error.message)) return null;
    throw error;
  }
}

/**
 * A part of a document written as canonical JSON (base/canonical-json.ts: keys sorted at every
 * depth, a non-finite number null as in JSON), whose text is handed out as it is written: a
 * store that must hash that part's canonical JSON (the inventory digest) then makes the text
 * once, for the records and the hash alike. The records still rebuild the same value; only the
 * order of its keys differs.
 */
export interface CanonicalPart {
  /** The part's path from the document ([] is the document itself); where nothing is, nothing is handed out. */
  at: readonly Key[];
  /** Given the part's canonical JSON in order, a piece at a time: joined, the whole text. */
  put(text: string): void;
}

/** Where a value inside a canonical part hands its text (null outside one). */
type Tap = ((text: string) => void) | null;

const CANONICAL = { nonFinite: 'null', name: 'JSON records' } as const;

/** Canonical JSON of `value`, or null when the text would be longer than a string can be. */
function canonicalJsonOf(value: unknown): string | undefined | null {
  return stringify(value, (v) => canonicalText(v, CANONICAL));
}

/**
 * The records of `value`, each a line ending in a newline, the marker first and the end last.
 * Lazily: each record is made when asked for, so a stream of them holds a few at a time.
 */
export function* jsonRecords(
  value: unknown,
  limits: RecordLimits = {},
  canonical?: CanonicalPart,
): Generator<string, void, undefined> {
  const chunkChars = positive('chunkChars', limits.chunkChars ?? DEFAULT_CHUNK_CHARS);
  const maxChars = positive('maxRecordChars', limits.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS);
  let count = 0;

  /** The key, within the container at `path`, on the way to the canonical part (if any). */
  function towardCanonical(path: readonly Key[], tap: Tap): Key | undefined {
    if (canonical === undefined || tap !== null || path.length >= canonical.at.length) return undefined;
    for (let i = 0; i < path.length; i++) if (path[i] !== canonical.at[i]) return undefined;
    return canonical.at[path.length];
  }

  /** `input` at `path`: one record if it fits, else a container set empty and filled. */
  function* encode(input: unknown, path: readonly Key[], tap: Tap): Generator<string, void, undefined> {
    if (tap === null && canonical !== undefined && samePath(path, canonical.at)) tap = canonical.put;
    // A container holding the canonical part is opened, so that the part gets records of its own.
    const opened = isJsonContainer(input) && towardCanonical(path, tap) !== undefined;
    if (isJsonContainer(input) && (opened || weighJson(input, chunkChars) > chunkChars)) {
      yield* encodeLarge(input, path, tap);
      return;
    }
    const json = tap === null ? stringify(input) : canonicalJsonOf(input);
    // undefined (or a function): JSON has no such value; a document of it has no record.
    if (json === undefined) return;
    if (json === null && !isJsonContainer(input))
      throw new RangeError('JSON records: a single value is too long for a string');
    const record = json === null ? null : `{"set":${JSON.stringify(path)},"to":${json}}\n`;
    if (record !== null && (record.length <= maxChars || !isJsonContainer(input))) {
      count++;
      tap?.(json!);
      yield record;
    } else yield* encodeLarge(input as unknown[] | Record<string, unknown>, path, tap);
  }

  function* encodeLarge(
    value: unknown[] | Record<string, unknown>,
    path: readonly Key[],
    tap: Tap,
  ): Generator<string, void, undefined> {
    const at = JSON.stringify(path);
    const toward = towardCanonical(path, tap);
    count++;
    if (Array.isArray(value)) {
      yield `{"set":${at},"to":[]}\n`;
      tap?.('[');
      yield* chunks(
        `{"push":${at},"items":`,
        path,
        tap,
        toward,
        value.length,
        (i) => value[i],
        (i) => i,
        (from, to) => value.slice(from, to),
        () => 1,
      );
      tap?.(']');
    } else {
      yield `{"set":${at},"to":{}}\n`;
      // Canonical JSON lists an object's keys sorted (by UTF-16 code units, as sort() does).
      const keys = tap === null ? Object.keys(value) : Object.keys(value).sort();
      tap?.('{');
      yield* chunks(
        `{"assign":${at},"fields":`,
        path,
        tap,
        toward,
        keys.length,
        (i) => value[keys[i]!],
        (i) => keys[i]!,
        (from, to) => {
          // Without a prototype, so that a "__proto__" key is a field like any other.
          const fields = Object.create(null) as Record<string, unknown>;
          for (let i = from; i < to; i++) fields[keys[i]!] = value[keys[i]!];
          return fields;
        },
        (i) => keys[i]!.length + 4,
      );
      tap?.('}');
    }
  }

  /**
   * The `n` entries of the container at `path`, in order, as records of chunks: `prefix` + the
   * chunk's JSON (`slice(from, to)`) + `}`; `extra(i)`, what the entry adds to a chunk but its
   * value (a field's key). An entry too large for a chunk, or the one `toward` the canonical
   * part, is written at its own path.
   */
  function* chunks(
    prefix: string,
    path: readonly Key[],
    tap: Tap,
    toward: Key | undefined,
    n: number,
    entry: (i: number) => unknown,
    keyOf: (i: number) => Key,
    slice: (from: number, to: number) => unknown,
    extra: (i: number) => number,
  ): Generator<string, void, undefined> {
    /** Whether the canonical text has members of this container yet (the next needs a comma). */
    let wrote = false;

    function* own(i: number): Generator<string, void, undefined> {
      const key = keyOf(i);
      if (tap !== null) {
        // Inside a canonical part only a container comes here, and every container has a text.
        tap(`${wrote ? ',' : ''}${typeof key === 'string' ? `${JSON.stringify(key)}:` : ''}`);
        wrote = true;
      }
      yield* encode(entry(i), [...path, key], tap);
    }

    function* flush(from: number, to: number): Generator<string, void, undefined> {
      if (from >= to) return;
      const json = tap === null ? stringify(slice(from, to)) : canonicalJsonOf(slice(from, to));
      const record = json === null || json === undefined ? null : `${prefix}${json}}\n`;
      const single = to - from === 1;
      if (record !== null && (record.length <= maxChars || (single && !isJsonContainer(entry(from))))) {
        count++;
        if (tap !== null) {
          // The chunk's members, without its brackets; none where every field was left out.
          const members = json!.slice(1, -1);
          if (members !== '') {
            tap(wrote ? `,${members}` : members);
            wrote = true;
          }
        }
        yield record;
      } else if (single) {
        yield* own(from);
      } else {
        const middle = from + Math.floor((to - from) / 2);
        yield* flush(from, middle);
        yield* flush(middle, to);
      }
    }

    let from = 0;
    let weight = 0;
    for (let i = 0; i < n; i++) {
      const item = entry(i);
      const w = extra(i) + weighJson(item, chunkChars);
      if ((w > chunkChars && isJsonContainer(item)) || (toward !== undefined && keyOf(i) === toward)) {
        // Everything before it first: an array's reader appends, so order is position.
        yield* flush(from, i);
        yield* own(i);
        from = i + 1;
        weight = 0;
      } else if (weight + w > chunkChars) {
        yield* flush(from, i);
        from = i;
        weight = w;
      } else {
        weight += w;
      }
    }
    yield* flush(from, n);
  }

  yield `{"format":"${RECORDS_FORMAT}"}\n`;
  yield* encode(value, [], null);
  yield `{"end":${count}}\n`;
}

function samePath(a: readonly Key[], b: readonly Key[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

/** Sets `key` of `target` as JSON.parse would: "__proto__" an own field, not the prototype. */
function put(target: Record<Key, unknown>, key: Key, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Rebuilds a document from its records, given one line at a time. */
export class JsonRecordReader {
  #root: unknown = undefined;
  /** Records read since the marker; -1 before it. */
  #records = -1;
  #ended = false;

  /** One record (a line, without its newline). Throws, saying why, for one out of place. */
  line(text: string): void {
    const at = `record ${this.#records + 2}`;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      throw new Error(`${at}: ${(error as Error).message}`, { cause: error });
    }
    if (!isRecord(record)) throw new Error(`${at} is not an object`);
    if (this.#ended) throw new Error(`${at} follows the end`);
    if (this.#records < 0) {
      if (record.format !== RECORDS_FORMAT) {
        throw new Error(
          `the format is ${JSON.stringify(record.format)}; this Certify reads ${RECORDS_FORMAT}`,
        );
      }
      this.#records = 0;
      return;
    }
    if ('end' in record) {
      if (record.end !== this.#records) {
        throw new Error(`the end counts ${JSON.stringify(record.end)} records, ${this.#records} were read`);
      }
      this.#ended = true;
      return;
    }
    this.#records++;
    if (Array.isArray(record.set)) {
      const path = record.set as unknown[];
      if (path.length === 0) this.#root = record.to;
      else put(this.#container(path.slice(0, -1), at), this.#key(path.at(-1), at), record.to);
    } else if (Array.isArray(record.push)) {
      const target = this.#container(record.push as unknown[], at);
      if (!Array.isArray(target) || !Array.isArray(record.items))
        throw new Error(`${at}: items pushed to no array`);
      for (const item of record.items as unknown[]) target.push(item);
    } else if (Array.isArray(record.assign)) {
      const target = this.#container(record.assign as unknown[], at);
      if (Array.isArray(target) || !isRecord(record.fields))
        throw new Error(`${at}: fields assigned to no object`);
      for (const key of Object.keys(record.fields)) put(target, key, record.fields[key]);
    } else {
      throw new Error(`${at} is neither set, push, assign nor end`);
    }
  }

  /**
   * Counts one record without applying it (a reader that leaves a part of the document out);
   * its place is checked as line() checks it, its contents are not.
   */
  skip(): void {
    const at = `record ${this.#records + 2}`;
    if (this.#ended) throw new Error(`${at} follows the end`);
    if (this.#records < 0) throw new Error(`${at} comes before the ${RECORDS_FORMAT} marker`);
    this.#records++;
  }

  /** The document as far as it is rebuilt (a reader that stops before the end). */
  partial(): unknown {
    if (this.#records < 0) throw new Error(`no ${RECORDS_FORMAT} marker`);
    return this.#root;
  }

  /** The document; throws when its records were cut short. */
  value(): unknown {
    if (this.#records < 0) throw new Error(`no ${RECORDS_FORMAT} marker`);
    if (!this.#ended) throw new Error(`the records stop after ${this.#records}, before their end`);
    return this.#root;
  }

  #key(key: unknown, at: string): Key {
    if (typeof key === 'string' || (typeof key === 'number' && Number.isInteger(key) && key >= 0)) return key;
    throw new Error(`${at}: ${JSON.stringify(key)} is not a key`);
  }

  #container(path: readonly unknown[], at: string): Record<Key, unknown> {
    let node: unknown = this.#root;
    for (const step of path) {
      const key = this.#key(step, at);
      if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) {
        throw new Error(`${at}: no value at ${JSON.stringify(path)}`);
      }
      node = (node as Record<Key, unknown>)[key];
    }
    if (typeof node !== 'object' || node === null)
      throw new Error(`${at}: no array or object at ${JSON.stringify(path)}`);
    return node as Record<Key, unknown>;
  }
}

/** Records gathered into one gzip member: large enough that splitting costs nothing in size. */
const MEMBER_CHARS = 4 * 1024 * 1024;
/** Members being compressed at once on libuv's thread pool while the next ones are made. */
const MEMBERS_IN_FLIGHT = 3;

/**
 * The records of `value`, gzip'd (level 1, as the stores always wrote), as a byte stream: a
 * sequence of gzip members of about MEMBER_CHARS of records each, compressed several at a time
 * on the thread pool while this thread makes the next records (one zlib stream compressed a
 * million-asset snapshot on one thread, for seconds longer than it took to make). Concatenated
 * members are one gzip file (RFC 1952): zlib's gunzip, `gunzip` and `zcat` read them whole.
 */
export function gzipJsonRecords(
  value: unknown,
  limits: RecordLimits = {},
  canonical?: CanonicalPart,
): Readable {
  const memberChars = positive('memberChars', limits.memberChars ?? MEMBER_CHARS);
  return Readable.from(gzipMembers(jsonRecords(value, limits, canonical), memberChars), {
    objectMode: false,
  });
}

/**
 * Each record is encoded straight into the member's buffer (`TextEncoder.encodeInto`), and a buffer is used again once its
 * member is compressed: a few buffers are page-faulted in once, where joining each member into
 * one string and encoding it made two fresh allocations of megabytes per member (about 2 s of a
 * 1,000,000-asset snapshot on the 2-core machine).
 */
async function* gzipMembers(
  records: Iterable<string>,
  memberChars: number,
): AsyncGenerator<Buffer, void, undefined> {
  // Room for a member's worth of records and the record that ends it (up to 3 bytes a character).
  const capacity = Math.max(memberChars * 2, 64 * 1024);
  const free: Buffer[] = [];
  const pending: { member: Promise<Buffer>; buffer: Buffer | null }[] = [];
  const compress = (bytes: Uint8Array, buffer: Buffer | null) => {
    const member = gzipAsync(bytes, { level: constants.Z_BEST_SPEED, chunkSize: ZLIB_CHUNK });
    // Awaited in order below; until then a failure must not count as unhandled.
    member.catch(() => undefined);
    pending.push({ member, buffer });
  };
  /** The oldest member, once compressed; its buffer is free again. */
  const oldest = async (): Promise<Buffer> => {
    const { member, buffer } = pending.shift()!;
    const bytes = await member;
    if (buffer !== null) free.push(buffer);
    return bytes;
  };
  try {
    let buffer: Buffer | null = null;
    let used = 0;
    for (const record of records) {
      const most = record.length * 3;
      if (buffer !== null && used + most > capacity) {
        compress(buffer.subarray(0, used), buffer);
        buffer = null;
        if (pending.length >= MEMBERS_IN_FLIGHT) yield await oldest();
      }
      if (most > capacity) {
        // A record longer than a member (one holding a single long string): a member of its own.
        compress(utf8Bytes(record), null);
        if (pending.length >= MEMBERS_IN_FLIGHT) yield await oldest();
        continue;
      }
      if (buffer === null) {
        buffer = free.pop() ?? Buffer.allocUnsafeSlow(capacity);
        used = 0;
      }
      used += utf8Into(record, buffer.subarray(used));
      if (used >= memberChars) {
        compress(buffer.subarray(0, used), buffer);
        buffer = null;
        if (pending.length >= MEMBERS_IN_FLIGHT) yield await oldest();
      }
    }
    if (buffer !== null && used > 0) compress(buffer.subarray(0, used), buffer);
    while (pending.length > 0) yield await oldest();
  } finally {
    pending.length = 0;
  }
}

/** gzipJsonRecords, whole, for a column that holds it. */
export async function gzipJsonRecordsBuffer(
  value: unknown,
  limits: RecordLimits = {},
  canonical?: CanonicalPart,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of gzipJsonRecords(value, limits, canonical)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/**
 * The document in gzip'd `source`: JSON records, rebuilt a line at a time, or (the format before
 * them) one JSON text, decoded as it is decompressed and parsed whole. Rejects with what `source`
 * rejects with (a missing file), a zlib error, or an Error saying what is wrong with the records.
 */
export async function gunzipJson(source: Readable): Promise<unknown> {
  return gunzipRead(source);
}

/**
 * The document in gzip'd `source` without its top-level member `left` (a snapshot's result
 * without its inventory): records under `left` are counted but neither decoded nor parsed, and
 * the first of them ends the reading once `done(document so far)` says the rest is not needed
 * (a writer that put `left` last). One JSON text (the format before records) is parsed whole
 * and `left` dropped. Rejects as gunzipJson does.
 */
export async function gunzipJsonWithout(
  source: Readable,
  left: string,
  done: (partial: unknown) => boolean,
): Promise<unknown> {
  const under = ['set', 'push', 'assign'].map((op) => Buffer.from(`{"${op}":[${JSON.stringify(left)}`));
  const isUnder = (line: Buffer): boolean =>
    under.some((prefix) => {
      if (line.length <= prefix.length || line.compare(prefix, 0, prefix.length, 0, prefix.length) !== 0) {
        return false;
      }
      const next = line[prefix.length];
      return next === 0x2c /* , */ || next === 0x5d; /* ] */
    });
  const value = await gunzipRead(source, {
    isUnder,
    done,
    stop: new AbortController(),
    stoppedAt: undefined,
  });
  if (isRecord(value)) {
    const { [left]: _left, ...rest } = value;
    return rest;
  }
  return value;
}

/** The document in gzip'd `source`, leaving a member out if asked (gunzipJsonWithout). */
async function gunzipRead(source: Readable, leaving?: Leaving): Promise<unknown> {
  let value: unknown;
  try {
    await pipeline(
      source,
      createGunzip({ chunkSize: ZLIB_CHUNK }),
      async (pieces: AsyncIterable<Buffer>) => {
        value = await readJson(pieces, leaving);
      },
      leaving ? { signal: leaving.stop.signal } : {},
    );
  } catch (error) {
    // Stopped on purpose: the rest of the file is neither decompressed nor read.
    if (!leaving?.stop.signal.aborted) throw error;
    return leaving.stoppedAt;
  }
  return value;
}

/** How readJson leaves a member out (gunzipJsonWithout). */
interface Leaving {
  isUnder: (line: Buffer) => boolean;
  done: (partial: unknown) => boolean;
  stop: AbortController;
  /** The document as read when the reading stopped early. */
  stoppedAt: unknown;
}

async function readJson(pieces: AsyncIterable<Buffer>, leaving?: Leaving): Promise<unknown> {
  const iterator = pieces[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < MARKER_PREFIX.length) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    headBytes += next.value.length;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  const start = Buffer.concat(head, Math.min(headBytes, MARKER_PREFIX.length));
  return start.equals(MARKER_PREFIX) ? readRecords(all(), leaving) : readText(all());
}

async function readRecords(pieces: AsyncIterable<Buffer>, leaving?: Leaving): Promise<unknown> {
  const reader = new JsonRecordReader();
  // The pieces of the line read so far: a line is decoded once whole, since a UTF-8 character
  // may straddle two pieces (never a newline, which is one byte no other character contains).
  let partial: Buffer[] = [];
  for await (const piece of pieces) {
    let start = 0;
    for (let nl = piece.indexOf(NEWLINE); nl !== -1; nl = piece.indexOf(NEWLINE, start)) {
      const tail = piece.subarray(start, nl);
      const line = partial.length === 0 ? tail : Buffer.concat([...partial, tail]);
      partial = [];
      start = nl + 1;
      if (leaving?.isUnder(line)) {
        if (leaving.done(reader.partial())) {
          leaving.stoppedAt = reader.partial();
          leaving.stop.abort();
          return leaving.stoppedAt;
        }
        reader.skip();
        continue;
      }
      reader.line(line.toString('utf8'));
    }
    if (start < piece.length) partial.push(piece.subarray(start));
  }
  if (partial.length > 0) throw new Error('the records end in the middle of one');
  return reader.value();
}

async function readText(pieces: AsyncIterable<Buffer>): Promise<unknown> {
  const decoder = new StringDecoder('utf8');
  const parts: string[] = [];
  for await (const piece of pieces) parts.push(decoder.write(piece));
  parts.push(decoder.end());
  return JSON.parse(parts.join(''));
}
