/**
 * A document that holds one list, oldest first, and keeps at most `max` items: an append beyond
 * that drops the oldest. Certificates, rotation requests and the demo tenant's writes are kept
 * this way.
 */
import {
  createDocument,
  freshReader,
  isPlainObject,
  type DeepReadonly,
  type JsonDocument,
} from './json-file.js';

export interface CappedListOptions<K extends string> {
  path: string;
  /** Names the file's purpose, e.g. `certify.certificates`. */
  kind: string;
  version: number;
  /** The list's key under the document's data, e.g. `certificates`. */
  key: K;
  /** The most items kept. */
  max: number;
}

export interface CappedList<K extends string, T> {
  /** The document, for a read-modify-write of one item (`updateById`) and `reload`. */
  readonly doc: JsonDocument<Record<K, T[]>>;
  /**
   * The items as stored now, oldest first (the document's frozen list: copy it before handing
   * it out).
   */
  items(): Promise<readonly DeepReadonly<T>[]>;
  /** Adds `item` last, dropping the oldest beyond the cap, in one locked write. */
  append(item: T): Promise<void>;
}

export function cappedList<K extends string, T>(options: CappedListOptions<K>): CappedList<K, T> {
  const { key, max } = options;
  const doc = createDocument<Record<K, T[]>>({
    path: options.path,
    kind: options.kind,
    version: options.version,
    empty: () => ({ [key]: [] }) as unknown as Record<K, T[]>,
    check: (d) => (isPlainObject(d) && Array.isArray(d[key]) ? [] : [`"data.${key}" must be an array`]),
  });
  const stored = freshReader(doc);
  return {
    doc,
    items: async () => ((await stored()) as Readonly<Record<K, readonly DeepReadonly<T>[]>>)[key],
    async append(item) {
      await doc.update((d) => {
        const list = d[key];
        list.push(item);
        if (list.length > max) list.splice(0, list.length - max);
      });
    },
  };
}

/**
 * `list` without the entries `same` matches, with `entry` last, and no more than the newest
 * `max`: a capped list in which an entry that comes again moves to the newest end.
 */
export function withNewest<E>(list: readonly E[], entry: E, max: number, same: (e: E) => boolean): E[] {
  const next = list.filter((e) => !same(e));
  next.push(entry);
  return next.length > max ? next.slice(-max) : next;
}
