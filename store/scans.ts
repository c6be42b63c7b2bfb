/**
 * Scan history: the latest full result, and bounded summaries of the scans before it.
 *
 * Two files, because a full result can be large and only the latest is worth keeping whole:
 * - `latest-scan.json` holds the latest result and its summary. It is written first, so it is
 *   the commit point of a save. Where the result was just kept in the scan's snapshot (and the
 *   store is given the snapshots), it names that snapshot instead of holding the result again:
 *   a million-asset result is ~130 MB written, fsynced and parsed once more otherwise;
 * - `scans.json` holds the summaries, newest first. A crash between the two writes leaves it
 *   one summary short, which the next `latest()` or `save()` restores from `latest-scan.json`.
 */
import { join } from 'node:path';
import { CertifyError } from '../base/errors.js';
import { createDocument, deepFreeze, isPlainObject } from './json-file.js';
import type { DeepReadonly, JsonDocument } from './json-file.js';
import type { ScanSummary } from '../scanner/summary.js';

export const SCANS_FILE = 'scans.json';
export const LATEST_SCAN_FILE = 'latest-scan.json';
/** A thousand scans: the trend (`certify history`) covers about three years of daily scans. */
export const DEFAULT_HISTORY_LIMIT = 1000;
/**
 * Newest summaries that keep their failing asset ids; older ones keep only `failingRules`. Alerts
 * diff the latest scan with the one before it and nothing else reads the ids, while at 100 k
 * assets each detailed summary weighs ~3 MB: more would make every history read slow.
 */
export const DEFAULT_DETAILED_SUMMARIES = 2;
/**
 * Most failing asset ids kept per rule in a summary. A list of exactly this length may have
 * been cut, so a diff should not read an id missing from it as "no longer failing".
 */
export const FAILING_ASSETS_CAP = 1000;

/** What the store needs to know of a full scan result; the rest is kept as it is. */
export interface ScanResultHead {
  scanId: string;
  now: string;
  source: string;
  score: number | null;
  rating: string | null;
}

export interface ScanStoreOptions {
  /** Most summaries kept, the latest included; the oldest go first. Default 1000. */
  limit?: number;
  /** Newest summaries that keep failing asset ids (alerts need the latest two). Default 2. */
  detailedSummaries?: number;
}

export interface ScanSaveOptions {
  /**
   * The result is in the scan's snapshot, saved just before: a store that reads results from
   * snapshots keeps the latest one there alone.
   */
  snapshotted?: boolean;
}

/** Where the embedded store finds a result kept in a scan's snapshot (store/snapshots.ts). */
export interface SnapshotResults {
  has(scanId: string): Promise<boolean>;
  /** The result, or null when the snapshot is not kept. */
  result(scanId: string): Promise<unknown>;
}

export interface ScanStore<R extends ScanResultHead> {
  /** Keeps `result` as the latest scan, and its summary (newest first) in the history. */
  save(result: R, summary: ScanSummary, options?: ScanSaveOptions): Promise<void>;
  /** The latest full result (a copy), re-read from disk if another process saved since. */
  latest(): Promise<R | null>;
  /**
   * The id of the latest result, or null: what latest() would return the scanId of, without
   * reading the result (~150 MB at a million assets) where the store can tell it otherwise.
   */
  latestScanId(): Promise<string | null>;
  /** The summary of the scan before the latest, or null; re-read from disk if another process saved since. */
  previous(): Promise<ScanSummary | null>;
  /** Summaries in save order, newest first, the latest included; at most `limit` of them. */
  history(limit?: number): Promise<ScanSummary[]>;
}

interface ScansData {
  summaries: ScanSummary[];
}

/** Every scan store's bounds, from its options (RangeError for one out of range). */
export interface ScanStoreBounds {
  limit: number;
  detailed: number;
  /** How many summaries history(max) returns. */
  historyCount(max: number | undefined): number;
}

export function scanStoreBounds(options: ScanStoreOptions): ScanStoreBounds {
  const limit = scanStoreNumber('limit', options.limit ?? DEFAULT_HISTORY_LIMIT, 1);
  const detailed = scanStoreNumber(
    'detailedSummaries',
    options.detailedSummaries ?? DEFAULT_DETAILED_SUMMARIES,
    0,
  );
  return {
    limit,
    detailed,
    historyCount: (max) => (max === undefined ? limit : scanStoreNumber('history(limit)', max, 0)),
  };
}

/** `value`, or RangeError naming the scan store's option `name` unless it is a whole number ≥ `min`. */
export function scanStoreNumber(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`scan store: ${name} must be a whole number ≥ ${min}, got ${value}`);
  }
  return value;
}

interface LatestData<R> {
  summary: ScanSummary | null;
  /** Null where `inSnapshot` names the scan whose snapshot holds it. */
  result: R | null;
  inSnapshot?: string;
}

/** Builds the store without touching the disk; files are read on first use. */
export function createScanStore<R extends ScanResultHead>(
  dir: string,
  options: ScanStoreOptions = {},
  snapshots?: SnapshotResults,
): ScanStore<R> {
  const { limit, detailed, historyCount } = scanStoreBounds(options);

  const scans: JsonDocument<ScansData> = createDocument({
    path: join(dir, SCANS_FILE),
    kind: 'certify.scans',
    version: 1,
    empty: () => ({ summaries: [] }),
    check: checkScans,
  });
  const latestDoc: JsonDocument<LatestData<R>> = createDocument({
    path: join(dir, LATEST_SCAN_FILE),
    kind: 'certify.latest-scan',
    version: 1,
    empty: () => ({ summary: null, result: null }),
    check: checkLatest,
    // Read back when asked for: a large tenant's result is copied and frozen in seconds.
    keepWritten: false,
    compact: true,
  });

  /** The latest result read from its snapshot: kept until latest-scan.json names another. */
  let fromSnapshot: { scanId: string; result: DeepReadonly<R> } | null = null;

  async function snapshotResult(scanId: string): Promise<DeepReadonly<R>> {
    if (fromSnapshot?.scanId === scanId) return fromSnapshot.result;
    const result = snapshots ? await snapshots.result(scanId) : null;
    if (!isPlainObject(result) || result.scanId !== scanId) {
      throw new CertifyError(
        'STORE_CORRUPT',
        `${join(dir, LATEST_SCAN_FILE)} keeps the latest result in the snapshot of ${scanId}, which ${
          result === null ? 'is missing' : 'holds another result'
        }; run a scan to save a new latest result`,
      );
    }
    fromSnapshot = { scanId, result: deepFreeze(result) as DeepReadonly<R> };
    return fromSnapshot.result;
  }

  /** Puts `summaries` (newest first) at the front, replacing same-id entries, then bounds the list. */
  function record(data: ScansData, summaries: readonly ScanSummary[]): void {
    const ids = new Set(summaries.map((s) => s.scanId));
    const kept = [...summaries, ...data.summaries.filter((s) => !ids.has(s.scanId))].slice(0, limit);
    data.summaries = kept.map((s, i) =>
      i < detailed || isEmpty(s.failingAssets) ? s : { ...s, failingAssets: {} },
    );
  }

  return {
    async save(result, summary, saveOptions = {}) {
      if (summary.scanId !== result.scanId) {
        throw new Error(`scan store: summary ${summary.scanId} does not describe result ${result.scanId}`);
      }
      // Named rather than repeated only once the snapshot is surely there to be read.
      const inSnapshot =
        saveOptions.snapshotted === true && snapshots !== undefined && (await snapshots.has(result.scanId));
      // An unreadable scans.json would fail the second write: refuse before the first one.
      await scans.reload();
      const compact = compactSummary(summary);
      let displaced: ScanSummary | null = null;
      const history = scans.read().summaries;
      await latestDoc.update(
        (data) => {
          displaced = data.summary;
          return inSnapshot
            ? { summary: compact, result: null, inSnapshot: result.scanId }
            : { summary: compact, result };
        },
        {
          // The usual case: the history already holds the summary of the result being replaced,
          // so that result (~150 MB at a million assets) need not be parsed just to drop it.
          skipReadIf: (head) => {
            const id = latestHeadScanId(head);
            return id !== null && history.some((s) => s.scanId === id);
          },
        },
      );
      await scans.update((data) => {
        // The displaced summary is absent only when a crash cut its own save short.
        const missing = displaced as ScanSummary | null;
        const restore =
          missing &&
          missing.scanId !== compact.scanId &&
          !data.summaries.some((s) => s.scanId === missing.scanId)
            ? [missing]
            : [];
        record(data, [compact, ...restore]);
      });
    },

    async latest() {
      await latestDoc.reload();
      const { summary, result: held, inSnapshot } = latestDoc.read();
      if (summary === null || (held === null && inSnapshot === undefined)) return null;
      const result = held ?? (await snapshotResult(inSnapshot!));
      // A bad scans.json must not hide the latest result; history() and previous() report it.
      await scans.reload().catch(() => undefined);
      if (scans.failure === null && !scans.read().summaries.some((s) => s.scanId === summary.scanId)) {
        const restored = summary as ScanSummary;
        await scans
          .update((data) => {
            if (!data.summaries.some((s) => s.scanId === restored.scanId)) record(data, [restored]);
          })
          // The repair is a courtesy here: the next save() repeats it and reports what stops it.
          .catch(() => undefined);
      }
      // Deep-frozen (by the document, or once read from the snapshot), so it is shared, not
      // copied: cloning a large tenant's result on every command blocked the event loop for tens
      // of milliseconds each time.
      return result as R;
    },

    async latestScanId() {
      const head = await latestDoc.head();
      if (head === null) return null;
      // A file this store wrote names its scan in its first bytes; any other is read whole.
      return latestHeadScanId(head) ?? (await this.latest())?.scanId ?? null;
    },

    async previous() {
      await scans.reload();
      return (scans.read().summaries[1] as ScanSummary | undefined) ?? null;
    },

    async history(max) {
      const count = historyCount(max);
      await scans.reload();
      return scans.read().summaries.slice(0, count) as ScanSummary[];
    },
  };
}

/**
 * The scan id at the head of latest-scan.json as this store writes it (compact JSON, the summary
 * first), or null for a file laid out otherwise (hand-edited, or indented as written before),
 * which is then read whole.
 */
const LATEST_HEAD =
  /^\{"kind":"certify\.latest-scan","version":1,"data":\{"summary":\{"scanId":("(?:[^"\\]|\\.)*"),/;

export function latestHeadScanId(head: string): string | null {
  const match = LATEST_HEAD.exec(head);
  if (!match) return null;
  try {
    const id: unknown = JSON.parse(match[1]!);
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** A copy the store owns, with each failing list capped. */
function compactSummary(s: ScanSummary): ScanSummary {
  return {
    scanId: s.scanId,
    now: s.now,
    source: s.source,
    score: s.score,
    rating: s.rating,
    failingRules: [...s.failingRules],
    frameworkScores: { ...s.frameworkScores },
    assetCounts: { ...s.assetCounts },
    failingAssets: Object.fromEntries(
      Object.entries(s.failingAssets).map(([rule, ids]) => [rule, ids.slice(0, FAILING_ASSETS_CAP)]),
    ),
  };
}

function checkScans(data: unknown): string[] {
  if (!isPlainObject(data) || !Array.isArray(data.summaries)) return ['"data.summaries" must be an array'];
  return data.summaries.flatMap((s: unknown, i) => summaryProblems(s, `data.summaries[${i}]`));
}

function checkLatest(data: unknown): string[] {
  if (!isPlainObject(data)) return ['"data" must be an object'];
  const { summary, result, inSnapshot } = data;
  if (summary === null && result === null) return [];
  const problems = summaryProblems(summary, 'data.summary');
  if (result === null && inSnapshot !== undefined) {
    if (!isPlainObject(summary) || inSnapshot !== summary.scanId) {
      problems.push('"data.inSnapshot" must name the scan "data.summary" describes');
    }
  } else if (!isPlainObject(result) || typeof result.scanId !== 'string') {
    problems.push('"data.result" must be a scan result with a "scanId"');
  } else if (isPlainObject(summary) && summary.scanId !== result.scanId) {
    problems.push('"data.summary" and "data.result" describe different scans');
  }
  return problems;
}

/** Enough to keep the accessors from crashing on a hand-edited file; not a full schema. */
function summaryProblems(s: unknown, at: string): string[] {
  if (!isPlainObject(s)) return [`"${at}" must be an object`];
  const problems: string[] = [];
  if (typeof s.scanId !== 'string') problems.push(`"${at}.scanId" must be a string`);
  if (!Array.isArray(s.failingRules)) problems.push(`"${at}.failingRules" must be an array`);
  for (const key of ['frameworkScores', 'assetCounts', 'failingAssets']) {
    if (!isPlainObject(s[key])) problems.push(`"${at}.${key}" must be an object`);
  }
  return problems;
}

function isEmpty(record: DeepReadonly<Record<string, readonly string[]>>): boolean {
  return Object.keys(record).length === 0;
}
