/**
 * `npm run bench:history`: `certify history` and `/certify trend` over 1,000 saved scans of the
 * large demo tenant (100,000 assets), in the embedded store.
 *
 * One real scan of the tenant gives the summary; 1,000 summaries are made from it (ids and times a
 * day apart, scores and failing rules varied) and written through the real store, oldest first,
 * the newest with the full result. Only the newest 20 (`--detailed`) are given their failing
 * asset ids: the store drops them from every older summary anyway, so scans.json ends as 1,000
 * saves leave it, without parsing and rewriting a 50 MB file 980 times to get there.
 *
 * Measured (median of RUNS, after one warm-up): the CLI in-process with a fresh composition per
 * run (it reads scans.json from disk, as a new process does), the CLI as a process (compiled,
 * `bin/certify.js`; `npm run bench:history` builds first), the history service over a store opened
 * per run (cold) and over one open store (warm, as the bot holds it), the pure trend, and the
 * bot's `/certify trend` with its card. Prints figures; asserts nothing.
 *
 * `--detailed N` keeps failing asset ids in the newest N summaries instead of the store's default
 * (20), to see what they cost a cold read: `npm run bench:history -- --detailed 2`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { openPorts } from '../../app/ports.js';
import { createBotCore } from '../../bot/core.js';
import { toAdaptiveCard } from '../../cards/index.js';
import { main } from '../../cli/main.js';
import { ratingOf } from '../../scanner/score.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { summarize, type ScanSummary } from '../../scanner/summary.js';
import { trendOf } from '../../scanner/trend.js';
import { createHistoryService } from '../../services/history.js';
import { defaultScanId, evaluateInventory } from '../../services/scan.js';
import {
  createScanStore,
  DEFAULT_DETAILED_SUMMARIES,
  LATEST_SCAN_FILE,
  SCANS_FILE,
  type ScanResultHead,
} from '../../store/scans.js';

const SIZE = 100_000;
const SCANS = 1000;
const RUNS = 9;
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T06:00:00Z');
const { values: args } = parseArgs({ options: { detailed: { type: 'string' } } });
const DETAILED = args.detailed === undefined ? DEFAULT_DETAILED_SUMMARIES : Number(args.detailed);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => (x < 10 ? `${x.toFixed(2)} ms` : `${x.toFixed(0)} ms`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const note = (text: string) => process.stderr.write(`bench: ${text}\n`);

/** Median wall time of `fn` over RUNS runs, after one unmeasured run. */
async function time(fn: () => unknown): Promise<number> {
  await fn();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

/** A deterministic pseudo-random sequence, so every run writes the same history. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/**
 * One real scan of the tenant, and SCANS summaries made from it written through the store. In a
 * function, so that the tenant and its result are garbage before anything is timed.
 */
async function writeHistory(dir: string) {
  note(`scanning the demo tenant (${SIZE.toLocaleString('en')} assets)…`);
  const inventory = await demoSource({ profile: 'showcase', size: SIZE, seed: 1 }).collect({ now: NOW });
  const t0 = performance.now();
  const result = evaluateInventory(inventory, { custom: [], now: NOW, source: 'demo', scanId: 'scan-base' });
  const scanMs = performance.now() - t0;
  const base = summarize(result);
  const allRules = result.rules.map((r) => r.id);

  note(`writing ${SCANS} summaries through the store…`);
  const store = createScanStore<ScanResultHead>(dir, { detailedSummaries: DETAILED });
  const next = random(7);
  const t1 = performance.now();
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
    const detailed = i >= SCANS - DETAILED;
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
    const head = { scanId, now, source: 'demo', score, rating: summary.rating };
    await store.save(i === SCANS - 1 ? { ...result, ...head } : head, summary);
  }
  return {
    scanMs,
    writeMs: performance.now() - t1,
    failingRules: base.failingRules.length,
    scansBytes: statSync(join(dir, SCANS_FILE)).size,
    latestBytes: statSync(join(dir, LATEST_SCAN_FILE)).size,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'certify-bench-history-'));
try {
  const written = await writeHistory(dir);
  const store = createScanStore<ScanResultHead>(dir);
  const history = await store.history();
  if (history.length !== SCANS) throw new Error(`the store kept ${history.length} summaries`);

  const sink = () =>
    new Writable({
      write(_chunk, _enc, done) {
        done();
      },
    });
  const cli = (argv: string[]) => async () => {
    const code = await main(argv, {
      stdout: sink(),
      stderr: process.stderr,
      env: { CERTIFY_DATA_DIR: dir },
      cwd: process.cwd(),
    });
    if (code !== 0) throw new Error(`certify ${argv.join(' ')} exited ${code}`);
  };
  const spawned = (argv: string[]) => () => {
    const r = spawnSync(process.execPath, ['bin/certify.js', ...argv], {
      env: { ...process.env, CERTIFY_DATA_DIR: dir },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`certify ${argv.join(' ')} exited ${r.status}`);
  };
  const compiled = existsSync('dist/cli/main.js');

  note('timing…');
  // Processes first, while this one holds least.
  const processes: [string, number | null][] = [
    ['`certify history` (process, compiled)', compiled ? await time(spawned(['history'])) : null],
    [
      '`certify --version` (process: start and load the CLI, for comparison)',
      compiled ? await time(spawned(['--version'])) : null,
    ],
  ];
  const warmService = createHistoryService({ scans: store });
  const ports = openPorts(dir, SCANS);
  const core = createBotCore({
    ports,
    source: demoSource({ profile: 'showcase', size: SIZE, seed: 1 }),
    clock: () => NOW,
  });
  const user = { id: 'bench', name: 'Bench' };
  const channel = { kind: 'playground' as const, id: 'bench' };
  const rows: [string, number | null][] = [
    ['`certify history` (in-process, scans.json read per run)', await time(cli(['history']))],
    ['`certify history --json` (in-process)', await time(cli(['history', '--json']))],
    ['`certify history --framework pci` (in-process)', await time(cli(['history', '--framework', 'pci']))],
    ...processes,
    [
      'trend service, store opened per run (cold)',
      await time(() => createHistoryService({ scans: createScanStore<ScanResultHead>(dir) }).history()),
    ],
    ['trend service, open store (warm, as the bot)', await time(() => warmService.history())],
    ['trendOf, 1,000 summaries in memory', await time(() => trendOf(history))],
    [
      '`/certify trend` + Adaptive Card (bot core, warm)',
      await time(async () => toAdaptiveCard(await core.answer('trend', user, channel))),
    ],
  ];

  console.log(
    `History of ${SCANS.toLocaleString('en')} saved scans of the demo tenant (${SIZE.toLocaleString('en')} assets, ` +
      `${written.failingRules} failing rules); median of ${RUNS} runs, Node ${process.version}.`,
  );
  console.log(
    `One real evaluation: ${fmt(written.scanMs)}. Writing ${SCANS} summaries through the store: ${(written.writeMs / 1000).toFixed(1)} s. ` +
      `scans.json ${mb(written.scansBytes)} (${DETAILED} summaries with failing asset ids), latest-scan.json ${mb(written.latestBytes)}.`,
  );
  console.log('');
  console.log('| measure | median |');
  console.log('| --- | ---: |');
  for (const [label, ms] of rows)
    console.log(`| ${label} | ${ms === null ? 'not built (npm run build)' : fmt(ms)} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
