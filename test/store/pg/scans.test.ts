/**
 * What only the PostgreSQL scan store has: its rows, its one-transaction save (a failed or killed
 * save leaves nothing), its lock, and reading a thousand realistic scans in milliseconds. The
 * behaviour it shares with the embedded store is in test/store/contract/scans.contract.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, onTestFinished } from 'vitest';
import type { ScanSummary } from '../../../scanner/summary.js';
import { createPgScanStore, SCANS_LOCK_KEY } from '../../../store/pg/scans.js';
import { FAILING_ASSETS_CAP } from '../../../store/scans.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';
import { isCode } from '../../support/store-fixtures.js';
import { realisticScan } from './fixtures/realistic-scan.js';
import { captureChildOutput } from '../../support/child-log.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');

/** A database for one test, dropped when it ends: a file's worth would hold too many connections. */
async function fresh(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated: true });
  onTestFinished(() => db.drop());
  return db;
}

/** Every scan row (without its result bytes) and every rule and framework row, for before/after. */
async function tables(db: TestDatabase) {
  const scans = await db.pool.query(
    `SELECT scan_id, seq, now_text, at, source, score, rating, parameters, asset_counts::text,
       result IS NOT NULL AS has_result, md5(result) AS result_md5
     FROM scans ORDER BY seq`,
  );
  const rules = await db.pool.query('SELECT * FROM scan_rules ORDER BY scan_id, ord');
  const frameworks = await db.pool.query('SELECT * FROM scan_frameworks ORDER BY scan_id, ord');
  return { scans: scans.rows, rules: rules.rows, frameworks: frameworks.rows };
}

describe('PostgreSQL scan store', () => {
  it('keeps a row per scan, its named rules and framework scores, and the result of the newest only', async () => {
    const db = await fresh();
    const store = createPgScanStore(db.pool, { limit: 4, detailedSummaries: 2, fullResults: 2 });
    for (let i = 1; i <= 6; i++) await store.save(realisticScan(i).result, realisticScan(i).summary);

    const { rows: scans } = await db.pool.query<{
      scan_id: string;
      has_result: boolean;
      parameters: unknown;
    }>('SELECT scan_id, result IS NOT NULL AS has_result, parameters FROM scans ORDER BY seq DESC');
    assert.deepEqual(
      scans.map((s) => [s.scan_id.slice(-2), s.has_result]),
      [
        ['06', true],
        ['05', true],
        ['04', false],
        ['03', false],
      ],
    );
    assert.deepEqual(scans[0]?.parameters, { expiringSoonDays: 30 });

    const { rows: rules } = await db.pool.query<{
      scan_id: string;
      rule_id: string;
      status: string;
      failing_count: number;
      failing_ids: string[] | null;
    }>('SELECT scan_id, rule_id, status, failing_count, failing_ids FROM scan_rules ORDER BY scan_id, ord');
    const ofScan = (i: number) => rules.filter((r) => r.scan_id === realisticScan(i).summary.scanId);
    const six = realisticScan(6).summary;
    assert.deepEqual(
      ofScan(6)
        .filter((r) => r.status === 'fail')
        .map((r) => r.rule_id),
      six.failingRules,
      'every failing rule, in order',
    );
    assert.deepEqual(
      ofScan(6)
        .filter((r) => r.failing_ids !== null)
        .map((r) => [r.rule_id, r.failing_ids]),
      Object.entries(six.failingAssets),
      'every rule with failing ids, in order, failing or not',
    );
    assert.ok(ofScan(6).some((r) => r.status === 'pass' && r.failing_count === 40));
    assert.ok(
      ofScan(6).some((r) => r.status === 'fail' && r.failing_ids === null),
      'a failing rule with none listed',
    );
    assert.ok(
      ofScan(4).every((r) => r.failing_ids === null),
      'ids dropped beyond the newest two',
    );
    assert.deepEqual(
      ofScan(4).map((r) => r.failing_count),
      ofScan(4).map((r) => realisticScan(4).summary.failingAssets[r.rule_id]?.length ?? 0),
      'counts kept when the ids are dropped',
    );
    assert.equal(ofScan(2).length, 0, 'pruned scans leave no rows');

    const { rows: frameworks } = await db.pool.query(
      'SELECT framework, score, rating FROM scan_frameworks WHERE scan_id = $1 ORDER BY ord',
      [six.scanId],
    );
    assert.deepEqual(
      frameworks,
      Object.entries(six.frameworkScores).map(([framework, score]) => ({
        framework,
        score,
        rating: score === null ? null : score >= 75 ? 'Healthy' : score >= 50 ? 'Significant gaps' : 'Weak',
      })),
    );
  });

  it('keeps the result of the latest alone with fullResults 1, and refuses 0', async () => {
    const db = await fresh();
    assert.throws(() => createPgScanStore(db.pool, { fullResults: 0 }), RangeError);
    const store = createPgScanStore(db.pool, { fullResults: 1 });
    for (let i = 1; i <= 3; i++) await store.save(realisticScan(i).result, realisticScan(i).summary);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM scans WHERE result IS NOT NULL');
    assert.equal(rows[0].n, 1);
    assert.deepEqual(await store.latest(), realisticScan(3).result);
  });

  it('changes nothing when a save fails part-way', async () => {
    const db = await fresh();
    const store = createPgScanStore(db.pool, { limit: 3, detailedSummaries: 1, fullResults: 1 });
    for (let i = 1; i <= 3; i++) await store.save(realisticScan(i).result, realisticScan(i).summary);
    const before = await tables(db);
    const { result, summary } = realisticScan(4);
    // The framework rows are written after the scan and its rules, then the bounds: a score the
    // column refuses fails the save there, after every earlier statement ran.
    const broken = {
      ...summary,
      frameworkScores: { ...summary.frameworkScores, pci: 'high' },
    } as unknown as ScanSummary;
    await assert.rejects(store.save(result, broken), isCode('STORE_IO', /cannot save the scan/));
    assert.deepEqual(await tables(db), before);
    assert.deepEqual(await store.latest(), realisticScan(3).result);
  });

  it('leaves a saved scan whole or absent when the saving process is killed mid-save', async () => {
    const db = await fresh();
    const url = new URL(db.url);
    url.searchParams.set('application_name', 'certify-scan-saver');
    const scanNumber = (scanId: string) => Number(scanId.slice(-5));
    let killedMidSave = 0;
    for (let run = 0; run < 3; run++) {
      const child = captureChildOutput(
        spawn(
          process.execPath,
          ['--import', 'tsx', join(HERE, 'fixtures', 'scan-saver.ts'), url.toString()],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
        ),
        'scan-saver',
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((done) =>
        child.on('exit', (_code, signal) => done(signal)),
      );
      await new Promise<void>((ready, failed) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes(`saved ${2 + run}`)) ready();
        });
        child.on('exit', () => failed(new Error(`scan-saver exited early: ${stderr}`)));
      });
      // Killed once its connection is inside a save's transaction (or after a few tries, anywhere).
      for (let poll = 0; poll < 200; poll++) {
        const { rows } = await db.pool.query(
          `SELECT 1 FROM pg_stat_activity
           WHERE application_name = 'certify-scan-saver' AND xact_start IS NOT NULL`,
        );
        if (rows.length > 0) {
          killedMidSave++;
          break;
        }
      }
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL', stderr);

      // The server rolls the dead connection's transaction back; until then its rows are not visible.
      const store = createPgScanStore(db.pool, { limit: 50 });
      const history = await store.history();
      const newest = scanNumber(history[0]!.scanId);
      assert.ok(newest >= 2 + run);
      assert.deepEqual(
        history.map((s) => scanNumber(s.scanId)),
        Array.from({ length: newest }, (_, k) => newest - k),
      );
      for (const s of history) {
        const whole = realisticScan(scanNumber(s.scanId), 2000).summary;
        const capped = Object.entries(whole.failingAssets).map(([rule, ids]) => [
          rule,
          ids.slice(0, FAILING_ASSETS_CAP),
        ]);
        const detailed = scanNumber(s.scanId) >= newest - 1;
        assert.deepEqual(s, { ...whole, failingAssets: detailed ? Object.fromEntries(capped) : {} });
      }
      assert.deepEqual(await store.latest(), realisticScan(newest, 2000).result);
      await db.pool.query('TRUNCATE scans CASCADE');
    }
    assert.ok(killedMidSave > 0, 'at least one kill landed inside a transaction');
  });

  it('waits for another replica’s save, and gives up with STORE_IO after lockTimeoutMs', async () => {
    const db = await fresh();
    const holder = await db.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [SCANS_LOCK_KEY]);
      const store = createPgScanStore(db.pool, { lockTimeoutMs: 200 });
      const started = Date.now();
      await assert.rejects(
        store.save(realisticScan(1).result, realisticScan(1).summary),
        isCode('STORE_IO', /another replica has been saving a scan/),
      );
      assert.ok(Date.now() - started >= 150);
      assert.deepEqual(await store.history(), []);

      const waiting = createPgScanStore(db.pool).save(realisticScan(2).result, realisticScan(2).summary);
      await new Promise((r) => setTimeout(r, 100));
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [SCANS_LOCK_KEY]);
      await waiting;
      assert.equal((await store.latest())?.scanId, realisticScan(2).summary.scanId);
    } finally {
      holder.release();
    }
  });

  it('reports a result it cannot read as STORE_CORRUPT, and still reads the history', async () => {
    const db = await fresh();
    const store = createPgScanStore(db.pool);
    await store.save(realisticScan(1).result, realisticScan(1).summary);
    await db.pool.query(`UPDATE scans SET result = '\\x1f8b00'::bytea`);
    const reader = createPgScanStore(db.pool);
    await assert.rejects(reader.latest(), isCode('STORE_CORRUPT', /result of the scan .* is unreadable/));
    assert.deepEqual(await reader.history(), [realisticScan(1).summary]);
  });

  it('refuses a summary whose time is not a time, or that names a failing rule twice', async () => {
    const db = await fresh();
    const store = createPgScanStore(db.pool);
    const { result, summary } = realisticScan(1);
    await assert.rejects(
      store.save(result, { ...summary, now: 'yesterday' }),
      isCode('BAD_INPUT', /"now" is not a time/),
    );
    await assert.rejects(
      store.save(result, { ...summary, failingRules: ['R001', 'R001'] }),
      isCode('BAD_INPUT', /names a failing rule twice/),
    );
    assert.deepEqual(await store.history(), []);
  });

  it('keeps and reads back the history of 1,000 realistic scans (timings: npm run bench:store)', async () => {
    const db = await fresh();
    const store = createPgScanStore(db.pool);
    for (let i = 1; i <= 1000; i++) await store.save(realisticScan(i).result, realisticScan(i).summary);

    const history = await store.history(1000);
    assert.equal(history.length, 1000);
    assert.deepEqual(history[0], realisticScan(1000).summary);
    assert.deepEqual(history[999], { ...realisticScan(1).summary, failingAssets: {} });
    assert.deepEqual((await store.history(20)).length, 20);
    assert.deepEqual(await store.previous(), { ...realisticScan(999).summary });
  });
});
