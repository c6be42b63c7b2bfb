/**
 * `npm run bench:store`: the two store backends side by side, in one run, through the ports the
 * services use (app/ports.ts `openPorts`): the embedded store (JSON files in a data dir) and
 * PostgreSQL (a fresh database on the local server, test/support/pg.ts, dropped at the end).
 *
 * 1. Saving a scan as services/scan.ts saves one: `snapshots.save` (inventory + result), then
 *    `scans.save` (result + summary; the embedded store names the snapshot for the result), of the 100 k- and 1 M-asset demo tenants. Each size runs in
 *    its own process (8 GB heap), which generates and evaluates the tenant once and saves it to
 *    both stores; each run is a new scan id over new ports (as each `certify scan` process does,
 *    orphan sweep included) on a backend opened beforehand (connection and migration not timed).
 *    "Stored" is what the first save left: the data dir's files, or pg_total_relation_size of
 *    scans, scan_rules, scan_frameworks and snapshots.
 * 2. The history of 1,000 saved scans: 1,000 summaries made from one real 100 k-asset scan (ids
 *    and times a day apart, scores and failing rules varied, as history.bench.ts makes them) are
 *    saved through each store, oldest first. Only the newest is saved with its full result and
 *    only the newest DEFAULT_DETAILED_SUMMARIES keep their failing asset ids (older results and
 *    ids are dropped by both stores anyway): the others are saved as small results (the head).
 *    Then `ports.scans.history()` and the history service are timed on open ports, and on new
 *    ports (embedded: scans.json re-read; PostgreSQL: a new pool, connected, schema checked).
 * 3. 12 concurrent custom rule creations: 12 `customRules.create` at once from 12 store instances
 *    in this process (embedded: 12 backends over one data dir; PostgreSQL: 12 backends, each its
 *    own pool, opened beforehand), and 12 `certify rule add` processes at once
 *    (test/cli/certify-child.ts; PostgreSQL through CERTIFY_DATABASE_URL), timed from spawning to
 *    the last exit and from the barrier's "go" (every process loaded) to the last exit. Each run
 *    starts from an empty store (the data dir with its signing key already made, the database
 *    migrated), and checks that all 12 rules were kept.
 *
 * Prints a Markdown table of medians (runs per row in the table); asserts only that the stores
 * kept what was saved.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { openPorts } from '../../app/ports.js';
import type { Inventory } from '../../scanner/inventory/types.js';
import type { ScanResult } from '../../scanner/scan.js';
import { ratingOf } from '../../scanner/score.js';
import { generateDemoInventory } from '../../scanner/sources/demo/index.js';
import { summarize, type ScanSummary } from '../../scanner/summary.js';
import { createHistoryService } from '../../services/history.js';
import { defaultScanId, evaluateInventory } from '../../services/scan.js';
import type { StoreBackend } from '../../store/backend.js';
import { embeddedBackend } from '../../store/embedded-backend.js';
import { postgresBackend } from '../../store/pg/backend.js';
import { openPool } from '../../store/pg/pool.js';
import { DEFAULT_DETAILED_SUMMARIES } from '../../store/scans.js';
import { loadOrCreateSigningKey } from '../../store/signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SELF = fileURLToPath(import.meta.url);
const CHILD = join(ROOT, 'test', 'cli', 'certify-child.ts');

const NOW = Date.parse('2026-11-23T06:00:00Z');
const DAY = 86_400_000;
const SAVE_SIZES = [100_000, 1_000_000];
/** Save runs per size: a 1 M-asset save takes seconds. */
const saveRuns = (size: number) => (size >= 1_000_000 ? 3 : 5);
/** A size whose process has not finished by then is reported as such. */
const SAVE_TIMEOUT_MS = 10 * 60_000;
const HISTORY_SIZE = 100_000;
const SCANS = 1000;
const HISTORY_RUNS = 9;
const WRITERS = 12;
const RULE_RUNS = 5;
const CLI_RUNS = 3;
const SCAN_TABLES = ['scans', 'scan_rules', 'scan_frameworks', 'snapshots'];

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const note = (text: string) => process.stderr.write(`bench: ${text}\n`);
const gc = () => (globalThis as { gc?: () => void }).gc?.();

function fmt(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(0)} ms`;
}

function mb(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Median wall time of `fn` over `runs` runs, after one unmeasured run. */
async function time(runs: number, fn: () => unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Bytes stored, by part (a file or directory of the data dir, a table). */
type Stored = Record<string, number>;

const total = (stored: Stored) => Object.values(stored).reduce((a, b) => a + b, 0);

/** What `after` adds to `before`, part by part. */
function added(before: Stored, after: Stored): Stored {
  return Object.fromEntries(
    Object.entries(after)
      .map(([part, bytes]) => [part, bytes - (before[part] ?? 0)] as const)
      .filter(([, bytes]) => bytes !== 0),
  );
}

const describe = (stored: Stored) =>
  Object.entries(stored)
    .sort((a, b) => b[1] - a[1])
    .map(([part, bytes]) => `${part} ${mb(bytes)}`)
    .join(', ');

/** Bytes of the files under `dir`, by top-level entry. */
function dirBytes(dir: string): Stored {
  const stored: Stored = {};
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stat = statSync(join(dir, name));
    if (!stat.isFile()) continue;
    const top = name.split(/[\\/]/)[0]! + (name.includes('/') ? '/' : '');
    stored[top] = (stored[top] ?? 0) + stat.size;
  }
  return stored;
}

/** Tables, indexes and TOAST of the scan tables, by table. */
async function pgScanBytes(pool: pg.Pool): Promise<Stored> {
  const found = await pool.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::bigint AS bytes
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY($1::text[])`,
    [SCAN_TABLES],
  );
  return Object.fromEntries(found.rows.map((r) => [`table ${r.name}`, Number(r.bytes)]));
}

// ---------------------------------------------------------------------------------------------
// 1. Saving a scan (in a process of its own per size: `--save SIZE --dir DIR --url URL`)

interface SaveMeasure {
  runs: number;
  /** Snapshot + scan; null when the snapshot could not be saved. */
  totalMs: number | null;
  snapshotMs: number | null;
  scanMs: number;
  /** What the first save left stored (the snapshot included only when it was saved). */
  stored: Stored;
  /** Why `snapshots.save` failed, if it did. */
  snapshotError: string | null;
}

interface SaveReport {
  size: number;
  assets: number;
  generateMs: number;
  evaluateMs: number;
  /** Characters of the inventory as JSON, counted in slices, when its snapshot failed. */
  inventoryJsonChars: number | null;
  embedded: SaveMeasure;
  postgres: SaveMeasure;
  peakRssMb: number;
}

async function measureSaves(
  backend: StoreBackend,
  inventory: Inventory,
  result: ScanResult,
  runs: number,
  storedBytes: () => Promise<Stored>,
): Promise<SaveMeasure> {
  await backend.open();
  const before = await storedBytes();
  const snapshots: number[] = [];
  const scans: number[] = [];
  const totals: number[] = [];
  let stored: Stored = {};
  let snapshotError: string | null = null;
  for (let i = 0; i < runs; i++) {
    const at = NOW + i * DAY;
    const run: ScanResult = { ...result, scanId: defaultScanId(at), now: new Date(at).toISOString() };
    // New ports per run, as each `certify scan` process builds them.
    const ports = openPorts(backend, SCANS);
    let snapshotMs: number | null = null;
    // A snapshot that failed once fails alike every time: not tried again.
    if (snapshotError === null) {
      gc();
      const t0 = performance.now();
      try {
        await ports.snapshots.save({
          scanId: run.scanId,
          now: run.now,
          source: run.source,
          inventory,
          result: run,
        });
        snapshotMs = performance.now() - t0;
      } catch (error) {
        const e = error as Error;
        snapshotError = `${e.name}: ${e.message} (after ${fmt(performance.now() - t0)})`;
        note(`${backend.kind}: snapshots.save failed: ${snapshotError}`);
      }
    }
    gc();
    const t1 = performance.now();
    // As the scan service saves it: the embedded store then names the snapshot just saved.
    await ports.scans.save(run, summarize(run), { snapshotted: snapshotMs !== null });
    const scanMs = performance.now() - t1;
    scans.push(scanMs);
    if (snapshotMs !== null) {
      snapshots.push(snapshotMs);
      totals.push(snapshotMs + scanMs);
    }
    if (i === 0) stored = added(before, await storedBytes());
    note(
      `${backend.kind}: save ${i + 1}/${runs}: snapshot ${snapshotMs === null ? 'failed' : fmt(snapshotMs)}, scan ${fmt(scanMs)}`,
    );
  }
  await backend.close();
  return {
    runs,
    totalMs: totals.length > 0 && snapshotError === null ? median(totals) : null,
    snapshotMs: snapshots.length > 0 ? median(snapshots) : null,
    scanMs: median(scans),
    stored,
    snapshotError,
  };
}

/** The inventory's JSON length, counted a slice at a time (as a whole it may not fit a string). */
function jsonChars(inventory: Inventory): number {
  let total = JSON.stringify({ ...inventory, secrets: [], keys: [], certificates: [] }).length;
  for (const list of [inventory.secrets, inventory.keys, inventory.certificates] as const) {
    for (let i = 0; i < list.length; i += 10_000) total += JSON.stringify(list.slice(i, i + 10_000)).length;
  }
  return total;
}

async function saveChild(size: number, dir: string, url: string): Promise<SaveReport> {
  note(`${size.toLocaleString('en')} assets: generating and evaluating the demo tenant…`);
  const t0 = performance.now();
  const inventory = generateDemoInventory({ profile: 'showcase', seed: 1, size, now: NOW });
  const generateMs = performance.now() - t0;
  const t1 = performance.now();
  const result = evaluateInventory(inventory, { custom: [], now: NOW, source: 'demo', scanId: 'scan-base' });
  const evaluateMs = performance.now() - t1;
  const runs = saveRuns(size);

  note(`${size.toLocaleString('en')} assets: embedded store…`);
  const embedded = await measureSaves(embeddedBackend(dir), inventory, result, runs, async () =>
    dirBytes(dir),
  );
  note(`${size.toLocaleString('en')} assets: PostgreSQL…`);
  const pool = await openPool(url);
  let postgres: SaveMeasure;
  try {
    postgres = await measureSaves(postgresBackend(url), inventory, result, runs, () => pgScanBytes(pool));
  } finally {
    await pool.end();
  }
  const failed = embedded.snapshotError !== null || postgres.snapshotError !== null;
  return {
    size,
    assets: inventory.secrets.length + inventory.keys.length + inventory.certificates.length,
    generateMs,
    evaluateMs,
    inventoryJsonChars: failed ? jsonChars(inventory) : null,
    embedded,
    postgres,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** Runs one size's saves in its own process; the report, or why there is none. */
function runSaveChild(size: number, dir: string, url: string): Promise<SaveReport | string> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=8192',
        '--import',
        'tsx',
        SELF,
        '--save',
        String(size),
        '--dir',
        dir,
        '--url',
        url,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const started = performance.now();
    const timer = setTimeout(() => child.kill('SIGKILL'), SAVE_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const took = fmt(performance.now() - started);
      if (code === 0) done(JSON.parse(stdout) as SaveReport);
      else if (signal === 'SIGKILL') done(`not finished after ${took} (killed)`);
      else done(`the process ended with ${signal ?? `exit code ${code}`} after ${took}`);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// 2. The history of 1,000 saved scans

/** A deterministic pseudo-random sequence, so every run writes the same history. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

interface HistoryWrite {
  result: ScanResult;
  summary: ScanSummary;
}

/** SCANS saves, oldest first, made from one real scan of the 100 k tenant. */
function historySaves(): { saves: HistoryWrite[]; failingRules: number } {
  note(`history: one scan of the demo tenant (${HISTORY_SIZE.toLocaleString('en')} assets)…`);
  const inventory = generateDemoInventory({ profile: 'showcase', seed: 1, size: HISTORY_SIZE, now: NOW });
  const result = evaluateInventory(inventory, { custom: [], now: NOW, source: 'demo', scanId: 'scan-base' });
  const base = summarize(result);
  const allRules = result.rules.map((r) => r.id);
  const next = random(7);
  const saves: HistoryWrite[] = [];
  for (let i = 0; i < SCANS; i++) {
    const at = NOW - (SCANS - 1 - i) * DAY;
    const scanId = defaultScanId(at);
    const now = new Date(at).toISOString();
    // A few rules flip each scan; the score and framework scores drift with them.
    const failingRules = allRules.filter((id) => base.failingRules.includes(id) !== next() < 0.05);
    const score = Math.round(Math.min(100, Math.max(0, (base.score ?? 0) + (next() - 0.5) * 20)) * 10) / 10;
    const frameworkScores = Object.fromEntries(
      Object.entries(base.frameworkScores).map(([id, s]) => [
        id,
        s === null ? null : Math.round(Math.min(100, Math.max(0, s + (next() - 0.5) * 20)) * 10) / 10,
      ]),
    );
    const detailed = i >= SCANS - DEFAULT_DETAILED_SUMMARIES;
    const summary: ScanSummary = {
      ...base,
      scanId,
      now,
      score,
      rating: ratingOf(score),
      failingRules,
      frameworkScores,
      failingAssets: detailed ? base.failingAssets : {},
    };
    const head = { scanId, now, source: 'demo', score, rating: ratingOf(score) };
    // Small results but the newest: the stores keep older full results for no read here.
    saves.push({ result: i === SCANS - 1 ? { ...result, ...head } : (head as ScanResult), summary });
  }
  return { saves, failingRules: base.failingRules.length };
}

interface HistoryMeasure {
  writeMs: number;
  stored: Stored;
  warmMs: number;
  serviceMs: number;
  coldMs: number;
  ids: string[];
}

async function measureHistory(
  open: () => StoreBackend,
  saves: readonly HistoryWrite[],
  storedBytes: () => Promise<Stored>,
): Promise<HistoryMeasure> {
  const backend = open();
  await backend.open();
  const ports = openPorts(backend, SCANS);
  note(`history: ${backend.kind}: writing ${SCANS} saves…`);
  const t0 = performance.now();
  for (const { result, summary } of saves) await ports.scans.save(result, summary);
  const writeMs = performance.now() - t0;
  const history = await ports.scans.history();
  assert.equal(history.length, SCANS, `${backend.kind}: the store kept ${history.length} summaries`);
  note(`history: ${backend.kind}: timing…`);
  const service = createHistoryService({ scans: ports.scans });
  const warmMs = await time(HISTORY_RUNS, () => ports.scans.history());
  const serviceMs = await time(HISTORY_RUNS, () => service.history());
  const coldMs = await time(HISTORY_RUNS, async () => {
    const fresh = open();
    try {
      await createHistoryService({ scans: openPorts(fresh, SCANS).scans }).history();
    } finally {
      await fresh.close();
    }
  });
  const measure = {
    writeMs,
    stored: await storedBytes(),
    warmMs,
    serviceMs,
    coldMs,
    ids: history.map((s) => s.scanId),
  };
  await backend.close();
  return measure;
}

// ---------------------------------------------------------------------------------------------
// 3. 12 concurrent rule changes

const ruleInput = (run: number, i: number) => ({
  id: `BENCH-${run}-${String(i).padStart(2, '0')}`,
  name: `Bench rule ${i}`,
  severity: 'Medium',
  condition: {
    asset_scope: 'secrets',
    asset_field: 'tag_present',
    operator: 'not_exists',
    value: `team${i}`,
  },
});

const ruleArgs = (i: number) => [
  'rule',
  'add',
  '--id',
  `BENCH-${String(i).padStart(2, '0')}`,
  '--name',
  `Bench rule ${i}`,
  '--severity',
  'Medium',
  '--scope',
  'secrets',
  '--field',
  'tag_present',
  '--operator',
  'not_exists',
  '--value',
  `team${i}`,
];

/** 12 creates at once from 12 store instances over one fresh store; ms. */
async function concurrentCreates(open: () => StoreBackend, run: number): Promise<number> {
  const backends = Array.from({ length: WRITERS }, open);
  try {
    await Promise.all(backends.map((b) => b.open()));
    const stores = backends.map((b) => openPorts(b, SCANS).customRules);
    const t0 = performance.now();
    await Promise.all(stores.map((store, i) => store.create(ruleInput(run, i + 1))));
    const ms = performance.now() - t0;
    assert.equal((await stores[0]!.list()).length, WRITERS, `${backends[0]!.kind}: rules lost`);
    return ms;
  } finally {
    await Promise.all(backends.map((b) => b.close()));
  }
}

interface Exit {
  code: number | null;
  stderr: string;
  /** When it wrote its answer ("Added custom rule …"): the command was done. */
  answeredAt: number;
}

interface ProcessTimes {
  /** Spawning → the last exit. */
  wallMs: number;
  /** "go" (every process loaded) → the last exit. */
  goMs: number;
  /** "go" → the last answer written. */
  answerMs: number;
}

/** 12 `certify rule add` processes at once. */
async function concurrentProcesses(env: NodeJS.ProcessEnv, barrier: string): Promise<ProcessTimes> {
  const t0 = performance.now();
  let ended = 0;
  const running = Promise.all(
    Array.from(
      { length: WRITERS },
      (_, i) =>
        new Promise<Exit>((done) => {
          const child = spawn(process.execPath, ['--import', 'tsx', CHILD, barrier, ...ruleArgs(i + 1)], {
            cwd: ROOT,
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
            timeout: 120_000,
          });
          let stderr = '';
          let answeredAt = Number.NaN;
          child.stdout.on('data', () => (answeredAt = performance.now()));
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
          child.on('close', (code) => {
            ended += 1;
            done({ code, stderr, answeredAt });
          });
        }),
    ),
  );
  // A process that died in start-up never gets ready: go on, and let the check name it.
  while (ended === 0 && readdirSync(barrier).filter((n) => n.startsWith('ready-')).length < WRITERS) {
    await new Promise((done) => setTimeout(done, 10));
  }
  const tGo = performance.now();
  writeFileSync(join(barrier, 'go'), '');
  const exits = await running;
  const tEnd = performance.now();
  exits.forEach((exit, i) => assert.equal(exit.code, 0, `process ${i + 1}: ${exit.stderr}`));
  const lastAnswer = Math.max(...exits.map((e) => e.answeredAt));
  return { wallMs: tEnd - t0, goMs: tEnd - tGo, answerMs: lastAnswer - tGo };
}

// ---------------------------------------------------------------------------------------------
// The run

const dirs: string[] = [];
const databases: TestDatabase[] = [];
const freshDir = (what: string) => {
  const dir = mkdtempSync(join(tmpdir(), `certify-bench-store-${what}-`));
  dirs.push(dir);
  return dir;
};
const freshDatabase = async () => {
  const db = await createTestDatabase({ migrated: true });
  databases.push(db);
  return db;
};
async function cleanUp(): Promise<void> {
  await Promise.all(databases.splice(0).map((db) => db.drop().catch(() => undefined)));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

type Row = [label: string, runs: string, embedded: number | string, postgres: number | string];

async function main(): Promise<void> {
  const rows: Row[] = [];
  const notes: string[] = [];
  let server: string;
  const ms = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x);

  // 1. Saving a scan
  for (const size of SAVE_SIZES) {
    const label = `${size.toLocaleString('en')} assets`;
    note(`save: ${label} (own process)…`);
    const db = await freshDatabase();
    const report = await runSaveChild(size, freshDir('save'), db.url);
    await db.drop();
    if (typeof report === 'string') {
      rows.push([`save a scan of ${label}`, '—', report, report]);
      notes.push(`${label}: ${report}.`);
      continue;
    }
    const { embedded: e, postgres: p } = report;
    const failed = (m: SaveMeasure) => (m.snapshotError === null ? null : 'fails (see below)');
    rows.push(
      [
        `save a scan of ${label} (snapshot + scan, as services/scan.ts)`,
        String(e.runs),
        failed(e) ?? ms(e.totalMs),
        failed(p) ?? ms(p.totalMs),
      ],
      [
        `— of which snapshots.save`,
        String(e.runs),
        failed(e) ?? ms(e.snapshotMs),
        failed(p) ?? ms(p.snapshotMs),
      ],
      [`— of which scans.save (result + summary)`, String(e.runs), e.scanMs, p.scanMs],
      [
        `stored after the first save of ${label}${e.snapshotError || p.snapshotError ? ' (no snapshot)' : ''}`,
        '1',
        mb(total(e.stored)),
        mb(total(p.stored)),
      ],
    );
    notes.push(
      `${label} (${report.assets.toLocaleString('en')} secrets, keys and certificates): generated in ${fmt(report.generateMs)}, ` +
        `evaluated in ${fmt(report.evaluateMs)}, once, for both stores; the process peaked at ${report.peakRssMb.toLocaleString('en')} MB RSS. ` +
        `Stored by the first save: embedded ${describe(e.stored)}; PostgreSQL ${describe(p.stored)}.`,
    );
    for (const [kind, m] of [
      ['embedded', e],
      ['PostgreSQL', p],
    ] as const) {
      if (m.snapshotError === null) continue;
      notes.push(
        `${label}, ${kind}: snapshots.save failed: ${m.snapshotError}. The inventory as JSON is ` +
          `${(report.inventoryJsonChars ?? 0).toLocaleString('en')} characters; V8's longest string is ` +
          `${bufferConstants.MAX_STRING_LENGTH.toLocaleString('en')}. A scan whose snapshot fails is not saved ` +
          '(services/scan.ts saves the snapshot first); scans.save alone was timed.',
      );
    }
  }

  // 2. History
  {
    const { saves, failingRules } = historySaves();
    const dir = freshDir('history');
    const db = await freshDatabase();
    const version = await db.pool.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    server = `PostgreSQL ${version.rows[0]!.v} (local, shared with whatever else runs on it)`;
    const embedded = await measureHistory(
      () => embeddedBackend(dir),
      saves,
      async () => dirBytes(dir),
    );
    const postgres = await measureHistory(
      () => postgresBackend(db.url),
      saves,
      () => pgScanBytes(db.pool),
    );
    assert.deepEqual(postgres.ids, embedded.ids, 'the two stores keep different histories');
    await db.drop();
    rows.push(
      [`write ${SCANS.toLocaleString('en')} saves (once, total)`, '1', embedded.writeMs, postgres.writeMs],
      [
        `stored: ${SCANS.toLocaleString('en')} summaries + newest result`,
        '1',
        mb(total(embedded.stored)),
        mb(total(postgres.stored)),
      ],
      [
        `ports.scans.history(), ${SCANS.toLocaleString('en')} scans, open ports`,
        String(HISTORY_RUNS),
        embedded.warmMs,
        postgres.warmMs,
      ],
      [`history service (trend), open ports`, String(HISTORY_RUNS), embedded.serviceMs, postgres.serviceMs],
      [
        `history service on new ports (embedded: file re-read; PostgreSQL: new pool, connect, schema check)`,
        String(HISTORY_RUNS),
        embedded.coldMs,
        postgres.coldMs,
      ],
    );
    notes.push(
      `History: ${SCANS.toLocaleString('en')} summaries of the ${HISTORY_SIZE.toLocaleString('en')}-asset tenant (${failingRules} failing rules), ` +
        `a day apart; the newest ${DEFAULT_DETAILED_SUMMARIES} with failing asset ids, only the newest with its full result, ` +
        'the others saved as small results (the head). Both stores return the same 1,000 scans in the same order. ' +
        `Stored: embedded ${describe(embedded.stored)}; PostgreSQL ${describe(postgres.stored)}.`,
    );
  }

  // 3. Concurrent rule changes
  {
    note(`rules: ${WRITERS} store instances at once…`);
    const db = await freshDatabase();
    const embeddedMs: number[] = [];
    const postgresMs: number[] = [];
    for (let run = 0; run < RULE_RUNS; run++) {
      const dir = freshDir('rules');
      embeddedMs.push(await concurrentCreates(() => embeddedBackend(dir), run));
      await db.pool.query('TRUNCATE custom_rules');
      postgresMs.push(await concurrentCreates(() => postgresBackend(db.url), run));
    }
    await db.drop();
    rows.push([
      `${WRITERS} customRules.create at once, ${WRITERS} store instances in one process`,
      String(RULE_RUNS),
      median(embeddedMs),
      median(postgresMs),
    ]);

    note(`rules: ${WRITERS} \`certify rule add\` processes at once…`);
    const wall: Record<'embedded' | 'postgres', number[]> = { embedded: [], postgres: [] };
    const go: Record<'embedded' | 'postgres', number[]> = { embedded: [], postgres: [] };
    const answer: Record<'embedded' | 'postgres', number[]> = { embedded: [], postgres: [] };
    const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete base.CERTIFY_DATABASE_URL;
    delete base.CERTIFY_DATABASE_AUTH;
    for (let run = 0; run < CLI_RUNS; run++) {
      for (const kind of ['embedded', 'postgres'] as const) {
        const dataDir = freshDir('cli');
        await loadOrCreateSigningKey(dataDir);
        const cliDb = kind === 'postgres' ? await freshDatabase() : null;
        const env = {
          ...base,
          CERTIFY_DATA_DIR: dataDir,
          ...(cliDb ? { CERTIFY_DATABASE_URL: cliDb.url } : {}),
        };
        const took = await concurrentProcesses(env, freshDir('barrier'));
        const store = cliDb ? postgresBackend(cliDb.url) : embeddedBackend(dataDir);
        const kept = (await openPorts(store, SCANS).customRules.list()).length;
        await store.close();
        assert.equal(kept, WRITERS, `${kind}: ${kept}/${WRITERS} rules kept`);
        await cliDb?.drop();
        wall[kind].push(took.wallMs);
        go[kind].push(took.goMs);
        answer[kind].push(took.answerMs);
        note(
          `rules: ${kind}: run ${run + 1}/${CLI_RUNS}: ${fmt(took.wallMs)}; after go: last answer ${fmt(took.answerMs)}, last exit ${fmt(took.goMs)}`,
        );
      }
    }
    rows.push(
      [
        `${WRITERS} \`certify rule add\` processes at once: spawn → last exit`,
        String(CLI_RUNS),
        median(wall.embedded),
        median(wall.postgres),
      ],
      [
        `— of which "go" (all ${WRITERS} loaded) → last exit`,
        String(CLI_RUNS),
        median(go.embedded),
        median(go.postgres),
      ],
      [
        `— of which "go" → last answer written (the command done)`,
        String(CLI_RUNS),
        median(answer.embedded),
        median(answer.postgres),
      ],
    );
    const lingered = median(go.postgres) - median(answer.postgres);
    if (lingered > 2000) {
      notes.push(
        `The PostgreSQL processes lived on ${fmt(lingered)} after the last answer: the CLI does not close the store, ` +
          "so the pool's idle connections keep the event loop alive until pg's idle timeout (10 s) ends them. " +
          'bin/certify.js ends the same way (it sets process.exitCode and returns).',
      );
    }
    notes.push(
      `Rules: every run starts from an empty store and checks that all ${WRITERS} rules were kept. The processes are ` +
        '`node --import tsx test/cli/certify-child.ts` (TypeScript transpiled at start-up), each on a data dir whose signing ' +
        'key was made beforehand; each appends its audit record too. A PostgreSQL process opens its own pool, checks the schema, then writes.',
    );
  }

  // The table
  console.log(
    `Store benchmark — ${new Date().toISOString()}, Node ${process.version}, ${server}, ` +
      `${cpus().length} CPUs; median of the runs given per row.\n`,
  );
  const cell = (x: number | string) => (typeof x === 'number' ? fmt(x) : x);
  const ratio = (e: number | string, p: number | string) =>
    typeof e === 'number' && typeof p === 'number' && e > 0 ? `×${(p / e).toFixed(2)}` : '';
  console.log('| measure | runs | embedded | PostgreSQL | PostgreSQL ÷ embedded |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [label, runs, e, p] of rows) {
    console.log(`| ${label} | ${runs} | ${cell(e)} | ${cell(p)} | ${ratio(e, p)} |`);
  }
  console.log('');
  for (const text of notes) console.log(`- ${text}`);
}

const { values: args } = parseArgs({
  options: { save: { type: 'string' }, dir: { type: 'string' }, url: { type: 'string' } },
});
if (args.save !== undefined) {
  if (args.dir === undefined || args.url === undefined) throw new Error('--save needs --dir and --url');
  process.stdout.write(JSON.stringify(await saveChild(Number(args.save), args.dir, args.url)));
} else {
  const interrupted = () => {
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await main();
  } finally {
    await cleanUp();
  }
}
