/**
 * A versioned JSON document on disk, held by lowdb: `{ "kind": …, "version": …, "data": … }`.
 *
 * Promises kept here, because the files hold an audit trail and user-authored rules:
 * - a file we cannot read (bad JSON, another kind, a newer format) is never overwritten;
 * - a write is atomic (temp file, fsync, rename), so a crash leaves the old or the new file;
 * - updates run one at a time, across processes too (the bot and the CLI share a data dir): each
 *   holds the file's lock (file-lock.ts) from reading the file to renaming the new one into place;
 * - a failed update changes nothing, and says why, naming the file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Low } from 'lowdb';
import type { Adapter } from 'lowdb';
import { CertifyError } from '../base/errors.js';
import { utf8Bytes } from '../base/utf8.js';
import { jsonPieces } from '../base/json-pieces.js';
import { withFileLock } from './file-lock.js';
import type { FileLockOptions } from './file-lock.js';

export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

export interface DocumentOptions<T> {
  path: string;
  /** The format version this code writes and reads (a positive integer). */
  version: number;
  /** Names the file's purpose, e.g. `certify.scans`; a file of another kind is refused. */
  kind: string;
  /** The data of a document whose file does not exist yet. */
  empty: () => T;
  /**
   * Problems with `data` (empty when it is fine). Run on what is read, and before every write
   * so that nothing is written that a later read would refuse.
   */
  check?: (data: unknown) => string[];
  /** Turns the data of an older format version into the current one; without it they are refused. */
  upgrade?: (data: unknown, fromVersion: number) => T;
  /** How long an update waits for the file's cross-process lock (tests shorten it). */
  lock?: FileLockOptions;
  /**
   * Whether data just written is kept in memory (a deep-frozen copy; the default). False for a
   * large document written more often than read in the same process (the latest scan result of
   * a CLI `scan`): copying and freezing it costs seconds and doubles its memory, and the next
   * read takes it from the file instead.
   */
  keepWritten?: boolean;
  /**
   * Written as compact JSON rather than indented (the default): for a large document that
   * people do not read by hand (the latest scan result, ~150 MB indented at a million assets,
   * which compact JSON writes in about half the time).
   */
  compact?: boolean;
}

export interface JsonDocument<T> {
  readonly path: string;
  /**
   * The current data, deep-frozen. The file is read on first use. Throws the load error
   * (STORE_CORRUPT, STORE_VERSION, STORE_IO) while the file on disk is unreadable.
   */
  read(): DeepReadonly<T>;
  /**
   * Read-modify-write under the file's cross-process lock: re-reads the file (so writes by
   * another process are kept), runs the mutator on that fresh copy and writes the result (the
   * mutator's return value when it returns one). If anything throws, neither the file nor
   * `read()` changes. Refuses, without writing, while the file on disk is unreadable, and with a
   * STORE_IO error naming the file when its lock is not obtained in time.
   */
  update(mutator: (data: T) => void | T, options?: UpdateOptions): Promise<void>;
  /** Re-reads the file if it changed on disk since this process last read or wrote it. */
  reload(): Promise<void>;
  /**
   * The first HEAD_BYTES of the file as it is now (decoded as UTF-8), or null when there is no
   * file: what a large document's first fields say, without parsing the rest.
   */
  head(): Promise<string | null>;
  /** What `read()` would throw, or null. Null also before the first read. */
  readonly failure: CertifyError | null;
}

export interface UpdateOptions {
  /**
   * Given the first HEAD_BYTES of the file as it is (under the lock), true when the mutator does
   * not need what the file holds: the file is then not parsed and the mutator gets the empty
   * data. For a large document that is replaced, not merged (the latest scan result, ~150 MB at
   * a million assets). Not asked when there is no file.
   */
  skipReadIf?: (head: string) => boolean;
}

/** How much of a file `skipReadIf` sees. */
export const HEAD_BYTES = 4096;

interface Envelope<T> {
  kind: string;
  version: number;
  data: T;
}

const UNTOUCHED = 'the file was left untouched';
/** A temp file older than this belongs to a writer that died: no live write takes an hour. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** Never equal to a file identity, so the next reload() reads the file. */
const UNKNOWN = 'unknown';

/** Opens a document and reads its file now. An unreadable file does not reject: see `failure`. */
export async function openDocument<T>(options: DocumentOptions<T>): Promise<JsonDocument<T>> {
  const document = createDocument(options);
  await document.reload().catch((error: unknown) => {
    if (!(error instanceof CertifyError)) throw error;
  });
  return document;
}

/**
 * A document that touches the disk only when first used, so a store can be built at start-up
 * without I/O and without awaiting.
 */
export function createDocument<T>(options: DocumentOptions<T>): JsonDocument<T> {
  if (!Number.isInteger(options.version) || options.version < 1) {
    throw new RangeError(`${options.kind}: version must be a positive integer, got ${options.version}`);
  }
  const adapter = new EnvelopeFileAdapter(options);
  const low = new Low<Envelope<T>>(adapter, wrap(options, options.empty()));
  let loaded = false;
  let failure: CertifyError | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let swept = false;

  function enqueue<X>(task: () => Promise<X>): Promise<X> {
    const run = queue.then(async () => {
      if (!swept) {
        swept = true;
        await removeStaleTemps(options.path);
      }
      return task();
    });
    queue = run.catch(() => undefined);
    return run;
  }

  function settle(envelope: Envelope<T>): void {
    low.data = deepFreeze(envelope);
    loaded = true;
    failure = null;
  }

  function fail(error: unknown): never {
    if (error instanceof CertifyError) {
      loaded = true;
      failure = error;
    }
    throw error;
  }

  return {
    path: options.path,
    get failure() {
      return failure;
    },
    read() {
      if (!loaded) {
        try {
          settle(adapter.readSync());
        } catch (error) {
          fail(error);
        }
      }
      if (failure) throw failure;
      return low.data.data as DeepReadonly<T>;
    },
    reload() {
      return enqueue(async () => {
        if (loaded && failure === null && !(await adapter.changedOnDisk())) return;
        try {
          await low.read();
        } catch (error) {
          fail(error);
        }
        settle(low.data);
      });
    },
    head() {
      return adapter.head();
    },
    update(mutator, updateOptions = {}) {
      // The in-process queue still orders this process's own updates; the lock orders processes.
      return enqueue(() =>
        withFileLock(
          options.path,
          (held) => commit(mutator, held.assertHeld, updateOptions.skipReadIf),
          options.lock,
        ),
      );
    },
  };

  async function commit(
    mutator: (data: T) => void | T,
    assertHeld: () => void,
    skipReadIf: UpdateOptions['skipReadIf'],
  ): Promise<void> {
    let next: Envelope<T>;
    try {
      next =
        skipReadIf && (await adapter.headMatches(skipReadIf))
          ? wrap(options, options.empty())
          : await adapter.read();
    } catch (error) {
      fail(error);
    }
    try {
      const returned: unknown = mutator(next.data);
      if (isThenable(returned)) {
        throw new TypeError(`${options.kind}: update() mutators must be synchronous`);
      }
      if (returned !== undefined) next.data = returned as T;
      const problems = options.check?.(next.data) ?? [];
      if (problems.length > 0) {
        throw new Error(`refusing to write an invalid ${options.kind} document: ${problems.join('; ')}`);
      }
    } catch (error) {
      // The file may hold what another process wrote since memory was last loaded.
      adapter.forget();
      throw error;
    }
    const previous = low.data;
    low.data = next;
    try {
      assertHeld();
      await low.write();
    } catch (error) {
      low.data = previous;
      adapter.forget();
      throw error;
    }
    if (options.keepWritten === false) {
      // Read back from the file when next asked for (reload() sees that nothing is loaded).
      low.data = wrap(options, options.empty());
      loaded = false;
      return;
    }
    // A copy, so objects the mutator took from its caller are neither frozen nor shared.
    settle(structuredClone(next));
  }
}

/** lowdb adapter for the envelope: validates what it reads, writes atomically. */
class EnvelopeFileAdapter<T> implements Adapter<Envelope<T>> {
  readonly #options: DocumentOptions<T>;
  /** Identity of the file as last read or written, to skip re-reading an unchanged file. */
  #seen: string | null = UNKNOWN;

  constructor(options: DocumentOptions<T>) {
    this.#options = options;
  }

  /** Never null: a missing file reads as the empty document, which replaces stale data. */
  async read(): Promise<Envelope<T>> {
    const { path } = this.#options;
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      return this.#missing(error);
    }
    let text: string;
    let seen: string;
    try {
      // Stat and read through one handle, so the identity recorded is that of the bytes read.
      seen = identity(await handle.stat({ bigint: true }));
      text = await handle.readFile('utf8');
    } catch (error) {
      throw ioError('read', path, error);
    } finally {
      await handle.close().catch(() => undefined);
    }
    return this.#decoded(text, seen);
  }

  /** Whether the file exists and `matches` its first HEAD_BYTES (decoded as UTF-8). */
  async headMatches(matches: (head: string) => boolean): Promise<boolean> {
    const head = await this.head();
    return head !== null && matches(head);
  }

  /** The file's first HEAD_BYTES (decoded as UTF-8), or null when there is no file. */
  async head(): Promise<string | null> {
    let handle: FileHandle;
    try {
      handle = await open(this.#options.path, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw ioError('read', this.#options.path, error);
    }
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } catch (error) {
      throw ioError('read', this.#options.path, error);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  readSync(): Envelope<T> {
    const { path } = this.#options;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      return this.#missing(error);
    }
    let text: string;
    let seen: string;
    try {
      seen = identity(fstatSync(fd, { bigint: true }));
      text = readFileSync(fd, 'utf8');
    } catch (error) {
      throw ioError('read', path, error);
    } finally {
      closeSync(fd);
    }
    return this.#decoded(text, seen);
  }

  async write(envelope: Envelope<T>): Promise<void> {
    this.#seen = await writeFileAtomic(
      this.#options.path,
      jsonText(envelope, this.#options.compact === true),
    );
  }

  forget(): void {
    this.#seen = UNKNOWN;
  }

  async changedOnDisk(): Promise<boolean> {
    try {
      return identity(await stat(this.#options.path, { bigint: true })) !== this.#seen;
    } catch (error) {
      return errorCode(error) === 'ENOENT' ? this.#seen !== null : true;
    }
  }

  #missing(error: unknown): Envelope<T> {
    if (errorCode(error) !== 'ENOENT') throw ioError('read', this.#options.path, error);
    this.#seen = null;
    return wrap(this.#options, this.#options.empty());
  }

  #decoded(text: string, seen: string): Envelope<T> {
    try {
      return decode(this.#options, text);
    } finally {
      // Recorded even when refused, so an unchanged bad file is not parsed again and again.
      this.#seen = seen;
    }
  }
}

function decode<T>(options: DocumentOptions<T>, text: string): Envelope<T> {
  const { path, kind, version } = options;
  const corrupt = (reason: string, problems: readonly string[] = []) =>
    new CertifyError(
      'STORE_CORRUPT',
      `${path} is not a readable ${kind} file: ${reason}`,
      problems,
      `${UNTOUCHED}; restore it from a backup or move it aside to start afresh`,
    );
  let parsed: unknown;
  try {
    // Some editors add a BOM; that is not corruption.
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw corrupt(text.trim() === '' ? 'the file is empty' : `invalid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) throw corrupt(`expected a JSON object, found ${describe(parsed)}`);
  if (parsed.kind !== kind) throw corrupt(`expected "kind": "${kind}", found ${describe(parsed.kind)}`);
  const found = parsed.version;
  if (typeof found !== 'number' || !Number.isInteger(found) || found < 1) {
    throw corrupt(`"version" must be a positive integer, found ${describe(found)}`);
  }
  if (!('data' in parsed)) throw corrupt('"data" is missing');
  let data: unknown = parsed.data;
  if (found !== version) {
    if (found > version || options.upgrade === undefined) {
      throw new CertifyError(
        'STORE_VERSION',
        `${path} is not a readable ${kind} file: it has format version ${found}, and this Certify reads version ${version}`,
        [],
        found > version
          ? `${UNTOUCHED}; it was written by a newer Certify: upgrade Certify, or restore an older file from a backup`
          : `${UNTOUCHED}; restore it from a backup or move it aside to start afresh`,
      );
    }
    try {
      data = options.upgrade(data, found);
    } catch (error) {
      throw corrupt(`cannot upgrade it from format version ${found} (${(error as Error).message})`);
    }
  }
  let problems: string[];
  try {
    problems = options.check?.(data) ?? [];
  } catch (error) {
    problems = [(error as Error).message];
  }
  if (problems.length > 0) {
    throw corrupt(problems.length === 1 ? (problems[0] as string) : `${problems.length} problems`, problems);
  }
  return { kind, version, data: data as T };
}

/** The text of `value` (2-space indent or compact, final newline) in pieces: the latest scan of a large tenant is ~150 MB of it. */
async function* jsonText(value: unknown, compact: boolean): AsyncGenerator<Uint8Array> {
  for (const piece of jsonPieces(value, { compact })) yield utf8Bytes(piece);
  yield utf8Bytes('\n');
}

function wrap<T>(options: DocumentOptions<T>, data: T): Envelope<T> {
  return { kind: options.kind, version: options.version, data };
}

/**
 * Writes `contents` to `path` atomically: a temp file in the same directory (a rename cannot
 * cross file systems), fsynced before the rename, then the directory fsynced so that the rename
 * itself survives a power cut. Creates the directory. Returns the new file's identity.
 * `contents` may be a stream (what is written as it is made): a failure of its own reaches the
 * caller as it is, and leaves no file.
 */
export async function writeFileAtomic(
  path: string,
  contents: string | Uint8Array | AsyncIterable<Uint8Array>,
): Promise<string> {
  const dir = dirname(path);
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let handle: FileHandle | undefined;
  let seen: string;
  let sourceFailed = false;
  const body =
    typeof contents === 'string' || contents instanceof Uint8Array
      ? contents
      : (async function* () {
          try {
            yield* contents;
          } catch (error) {
            sourceFailed = true;
            throw error;
          }
        })();
  try {
    await mkdir(dir, { recursive: true });
    // 0o600: the files name the vaults, assets and findings of a tenant's security posture.
    handle = await open(temp, 'wx', 0o600);
    await handle.writeFile(body);
    await handle.sync();
    seen = identity(await handle.stat({ bigint: true }));
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    // A stream not (wholly) read is let go, so whatever makes it stops.
    (contents as { destroy?: () => void }).destroy?.();
    throw sourceFailed ? error : ioError('write', path, error);
  }
  await syncDirectory(dir);
  return seen;
}

/** fsyncs a directory, so a file just created or renamed in it survives a power cut too. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best-effort: some platforms cannot fsync a directory; the rename is done, only its
    // durability across a power cut is weaker there.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Removes the temp files a crashed writer of this path left behind. */
async function removeStaleTemps(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^\d+\.[0-9a-f]+\.tmp$/.test(name.slice(prefix.length))) continue;
    const temp = join(dir, name);
    try {
      // Age decides, not the pid: a pid seen from another container sharing the directory says nothing.
      if (now - (await stat(temp)).mtimeMs > STALE_TEMP_MS) await unlink(temp);
    } catch {
      // another process removed or renamed it meanwhile
    }
  }
}

function identity(st: { ino: bigint; size: bigint; mtimeNs: bigint }): string {
  return `${st.ino}:${st.size}:${st.mtimeNs}`;
}

function ioError(operation: 'read' | 'write', path: string, error: unknown): CertifyError {
  if (error instanceof CertifyError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new CertifyError(
    'STORE_IO',
    `cannot ${operation} ${path}: ${reason}`,
    [],
    'check that the data directory is writable by this user and that the disk has free space',
  );
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function isThenable(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The document's data as stored now: reloads first (a stat when the file is unchanged), so a
 * caller needs no `reload()` of its own, as with a database. Calls made while a reload is
 * pending share it: a loop asking one question per key costs one stat, not one per key.
 */
export function freshReader<T>(doc: JsonDocument<T>): () => Promise<DeepReadonly<T>> {
  let pending: Promise<void> | null = null;
  return async () => {
    pending ??= doc.reload().finally(() => {
      pending = null;
    });
    await pending;
    return doc.read();
  };
}

/**
 * Queued read-modify-write of the one element of `list(data)` with this id: what the mutator
 * sees is the stored state, so two concurrent decisions cannot both pass a status check.
 * Returns the mutator's result; RangeError when there is no such element (nothing written).
 */
export async function updateById<T, E extends { id: string }, R>(
  doc: JsonDocument<T>,
  list: (data: T) => E[],
  id: string,
  mutator: (element: E) => R,
): Promise<R> {
  let result: R | undefined;
  let found = false;
  await doc.update((data) => {
    const element = list(data).find((e) => e.id === id);
    if (!element) return;
    found = true;
    result = mutator(element);
  });
  if (!found) throw new RangeError(`no element ${id} in ${doc.path}`);
  return result as R;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value !== 'object') return JSON.stringify(value).slice(0, 60);
  return 'an object';
}

export function deepFreeze<X>(value: X): X {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
