/**
 * Scan history in PostgreSQL (the ScanStore of store/scans.ts), shared by every replica.
 *
 * A scan is a row in `scans` (score, rating, asset counts), its summary's rules in `scan_rules`
 * and its framework scores in `scan_frameworks`; summaries are rebuilt from those rows, so the
 * history of a thousand scans is read in one query and never held as one document. The full
 * result, gzip JSON, stays only on the newest `fullResults` rows: a save writes one scan, not the
 * whole history, and a large tenant's result is not kept a thousand times over.
 *
 * A save is one transaction under an advisory lock: a killed process leaves the scan wholly saved
 * or not at all, and two replicas saving at once are put in one order, which is the order of
 * their seq. The bounds (history `limit`, failing ids for the newest `detailedSummaries`) are
 * applied in the same transaction, as the embedded store applies them when it writes.
 */
import type pg from 'pg';
import { CertifyError } from '../../base/errors.js';
import { ratingOf } from '../../scanner/score.js';
import type { ScanSummary } from '../../scanner/summary.js';
import {
  FAILING_ASSETS_CAP,
  scanStoreBounds,
  scanStoreNumber,
  type ScanResultHead,
  type ScanStore,
  type ScanStoreOptions,
} from '../scans.js';
import { packJson, unpackJson } from './gzip-json.js';
import { inTransaction, jsonParam, rows, storeError } from './sql.js';

/** The advisory lock key of saves: "CERTIFYS" as a 64-bit integer (text: it does not fit a JS number). */
export const SCANS_LOCK_KEY = '4847371095894284627';

/** The latest and the previous: what a diff of the last two scans could need whole. */
export const DEFAULT_FULL_RESULTS = 2;

/** A save waits this long for another replica's save (one that sends a large result takes seconds). */
const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

export interface PgScanStoreOptions extends ScanStoreOptions {
  /** Newest scans that keep their full result; at least 1 (the latest). Default 2. */
  fullResults?: number;
  /** How long a save waits for another replica's (default 60 s). */
  lockTimeoutMs?: number;
}

interface SummaryRow {
  scan_id: string;
  now_text: string;
  source: string;
  score: number | null;
  rating: string | null;
  asset_counts: Record<string, number | null>;
  failing_rules: string[];
  failing_assets: Record<string, string[]> | null;
  framework_scores: Record<string, number | null> | null;
}

/**
 * A page of summaries, newest first, in one statement. The page is taken on `scans` alone (its
 * seq index), then its rules and frameworks are joined and aggregated in one pass each: a join
 * is planned well whatever the statistics say, where a subquery per scan, planned on statistics
 * not yet gathered after a burst of saves, was seen to take half a second for 1,000 scans.
 * json_object_agg keeps the `ord` order, as the summary had it.
 */
const SUMMARIES = `
WITH page AS (
  SELECT scan_id, seq, now_text, source, score, rating, asset_counts
  FROM scans ORDER BY seq DESC LIMIT $1 OFFSET $2
), rules AS (
  SELECT r.scan_id,
    array_agg(r.rule_id ORDER BY r.ord) FILTER (WHERE r.status = 'fail') AS failing_rules,
    json_object_agg(r.rule_id, r.failing_ids ORDER BY r.ord)
      FILTER (WHERE r.failing_ids IS NOT NULL) AS failing_assets
  FROM scan_rules r JOIN page p ON p.scan_id = r.scan_id
  GROUP BY r.scan_id
), frameworks AS (
  SELECT f.scan_id, json_object_agg(f.framework, f.score ORDER BY f.ord) AS framework_scores
  FROM scan_frameworks f JOIN page p ON p.scan_id = f.scan_id
  GROUP BY f.scan_id
)
SELECT p.scan_id, p.now_text, p.source, p.score, p.rating, p.asset_counts,
  coalesce(r.failing_rules, '{}') AS failing_rules, r.failing_assets, f.framework_scores
FROM page p
LEFT JOIN rules r ON r.scan_id = p.scan_id
LEFT JOIN frameworks f ON f.scan_id = p.scan_id
ORDER BY p.seq DESC`;

/** The seq of the newest row beyond the first `$1`; null when there are not that many. */
const CUTOFF = '(SELECT seq FROM scans ORDER BY seq DESC OFFSET $1 LIMIT 1)';

/**
 * The rules a summary names, in one order that keeps both of its lists' orders: failingRules and
 * failingAssets both follow the scan's rule order, and a metric rule can pass with failing assets
 * (in failingAssets only) or fail with none (in failingRules only).
 */
function namedRules(failingRules: readonly string[], listed: readonly string[]): string[] {
  const failing = new Set(failingRules);
  const withIds = new Set(listed);
  const named: string[] = [];
  const seen = new Set<string>();
  let i = 0;
  let j = 0;
  const take = (rule: string) => {
    named.push(rule);
    seen.add(rule);
  };
  while (i < failingRules.length || j < listed.length) {
    const f = failingRules[i];
    const l = listed[j];
    if (f !== undefined && seen.has(f)) i++;
    else if (l !== undefined && seen.has(l)) j++;
    else if (l === undefined) take(failingRules[i++]!);
    else if (f === undefined) take(listed[j++]!);
    // A rule in one list only goes before the next rule both name, which the other list has later.
    else if (!withIds.has(f)) take(failingRules[i++]!);
    else if (!failing.has(l)) take(listed[j++]!);
    // Both name both, in the same order (f = l) or, from no scan, in opposite ones: failingRules decides.
    else take(failingRules[i++]!);
  }
  return named;
}

interface RuleRow {
  rule_id: string;
  ord: number;
  status: 'fail' | 'pass';
  failing_count: number;
  failing_ids: string[] | null;
}

function ruleRows(summary: ScanSummary): RuleRow[] {
  const failing = new Set(summary.failingRules);
  if (failing.size !== summary.failingRules.length) {
    throw new CertifyError('BAD_INPUT', `scan ${summary.scanId}: its summary names a failing rule twice`);
  }
  return namedRules(summary.failingRules, Object.keys(summary.failingAssets)).map((rule, ord) => {
    const ids = Object.hasOwn(summary.failingAssets, rule) ? summary.failingAssets[rule] : undefined;
    const kept = ids === undefined ? null : ids.slice(0, FAILING_ASSETS_CAP);
    return {
      rule_id: rule,
      ord,
      status: failing.has(rule) ? 'fail' : 'pass',
      failing_count: kept?.length ?? 0,
      failing_ids: kept,
    };
  });
}

function frameworkRows(summary: ScanSummary) {
  return Object.entries(summary.frameworkScores).map(([framework, score], ord) => ({
    framework,
    ord,
    score,
    rating: ratingOf(score),
  }));
}

function summaryOf(row: SummaryRow): ScanSummary {
  return {
    scanId: row.scan_id,
    now: row.now_text,
    source: row.source,
    score: row.score,
    rating: row.rating,
    failingRules: row.failing_rules,
    frameworkScores: row.framework_scores ?? {},
    assetCounts: row.asset_counts,
    failingAssets: row.failing_assets ?? {},
  };
}

/** The result is shared by every caller until another scan is saved, so none may change it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Only a plain object is kept as the scan's parameters; anything else reads as "not recorded". */
function parametersOf(result: ScanResultHead): string | null {
  const { parameters } = result as { parameters?: unknown };
  return typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters)
    ? jsonParam(parameters)
    : null;
}

export function createPgScanStore<R extends ScanResultHead>(
  pool: pg.Pool,
  options: PgScanStoreOptions = {},
): ScanStore<R> {
  const { limit, detailed, historyCount } = scanStoreBounds(options);
  const fullResults = scanStoreNumber('fullResults', options.fullResults ?? DEFAULT_FULL_RESULTS, 1);
  const lockTimeoutMs = scanStoreNumber('lockTimeoutMs', options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, 1);

  // The latest result as last read, so that a caller asking again gets it without a decompression.
  let cached: { scanId: string; seq: string; result: R } | null = null;

  async function summaries(count: number, offset: number): Promise<ScanSummary[]> {
    const found = await rows<SummaryRow>(pool, 'read the scan history', SUMMARIES, [count, offset]);
    return found.map(summaryOf);
  }

  async function lock(client: pg.PoolClient, scanId: string): Promise<void> {
    try {
      await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [SCANS_LOCK_KEY]);
    } catch (error) {
      if ((error as { code?: unknown }).code === '55P03') {
        throw new CertifyError(
          'STORE_IO',
          `PostgreSQL: cannot save the scan ${scanId}: another replica has been saving a scan for over ${Math.round(lockTimeoutMs / 1000)} s`,
          [],
          'nothing was saved; run the scan again once the other save has finished',
        );
      }
      throw storeError(`save the scan ${scanId}`, error);
    }
  }

  return {
    async save(result, summary) {
      if (summary.scanId !== result.scanId) {
        throw new Error(`scan store: summary ${summary.scanId} does not describe result ${result.scanId}`);
      }
      const id = summary.scanId;
      const at = Date.parse(summary.now);
      if (Number.isNaN(at)) {
        throw new CertifyError(
          'BAD_INPUT',
          `scan ${id}: "now" is not a time: ${JSON.stringify(summary.now)}`,
        );
      }
      const rules = ruleRows(summary);
      // Compressed before the lock is taken: the other replicas wait for the writes alone.
      const packed = await packJson(result);
      const what = `save the scan ${id}`;
      await inTransaction(pool, what, async (client) => {
        await lock(client, id);
        await rows(client, what, 'DELETE FROM scans WHERE scan_id = $1', [id]);
        await rows(
          client,
          what,
          `INSERT INTO scans (scan_id, now_text, at, source, score, rating, parameters, asset_counts, result)
           VALUES ($1, $2, $3::timestamptz, $4, $5, $6, $7::jsonb, $8::json, $9)`,
          [
            id,
            summary.now,
            new Date(at).toISOString(),
            summary.source,
            summary.score,
            summary.rating,
            parametersOf(result),
            jsonParam(summary.assetCounts),
            packed,
          ],
        );
        if (rules.length > 0) {
          await rows(
            client,
            what,
            `INSERT INTO scan_rules (scan_id, rule_id, ord, status, failing_count, failing_ids)
             SELECT $1, r.rule_id, r.ord, r.status, r.failing_count, r.failing_ids
             FROM json_to_recordset($2::json)
               AS r(rule_id text, ord integer, status text, failing_count integer, failing_ids text[])`,
            [id, jsonParam(rules)],
          );
        }
        const frameworks = frameworkRows(summary);
        if (frameworks.length > 0) {
          await rows(
            client,
            what,
            `INSERT INTO scan_frameworks (scan_id, framework, ord, score, rating)
             SELECT $1, f.framework, f.ord, f.score, f.rating
             FROM json_to_recordset($2::json)
               AS f(framework text, ord integer, score double precision, rating text)`,
            [id, jsonParam(frameworks)],
          );
        }
        await rows(
          client,
          what,
          `UPDATE scans SET result = NULL WHERE result IS NOT NULL AND seq <= ${CUTOFF}`,
          [fullResults],
        );
        await rows(
          client,
          what,
          `UPDATE scan_rules r SET failing_ids = NULL FROM scans s
           WHERE r.failing_ids IS NOT NULL AND s.scan_id = r.scan_id AND s.seq <= ${CUTOFF}`,
          [detailed],
        );
        await rows(client, what, `DELETE FROM scans WHERE seq <= ${CUTOFF}`, [limit]);
      });
    },

    async latest() {
      const known = cached;
      // The result is sent only when it is not the one already held.
      const found = await rows<{ scan_id: string; seq: string; result: Buffer | null }>(
        pool,
        'read the latest scan',
        `SELECT scan_id, seq, CASE WHEN scan_id = $1 AND seq = $2 THEN NULL ELSE result END AS result
         FROM scans WHERE result IS NOT NULL ORDER BY seq DESC LIMIT 1`,
        [known?.scanId ?? null, known?.seq ?? null],
      );
      const row = found[0];
      if (row === undefined) {
        cached = null;
        return null;
      }
      if (known !== null && row.result === null) return known.result;
      let result: R;
      try {
        result = deepFreeze((await unpackJson(row.result as Buffer)) as R);
      } catch (error) {
        throw new CertifyError(
          'STORE_CORRUPT',
          `the result of the scan ${row.scan_id} in the PostgreSQL table scans is unreadable: ${(error as Error).message}`,
          [],
          'save a new scan (certify scan, or the next scheduled one) to replace it',
        );
      }
      cached = { scanId: row.scan_id, seq: row.seq, result };
      return result;
    },

    async latestScanId() {
      const found = await rows<{ scan_id: string }>(
        pool,
        'read the latest scan id',
        'SELECT scan_id FROM scans WHERE result IS NOT NULL ORDER BY seq DESC LIMIT 1',
      );
      return found[0]?.scan_id ?? null;
    },

    async previous() {
      return (await summaries(1, 1))[0] ?? null;
    },

    async history(max) {
      const count = historyCount(max);
      if (count === 0) return [];
      return summaries(count, 0);
    },
  };
}
