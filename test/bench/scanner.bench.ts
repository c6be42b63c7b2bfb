/**
 * `npm run bench`: evaluation of all 47 rules, the seven frameworks and the score over demo
 * tenants of 10 k, 100 k and 1 M assets. Each size runs in its own process so its peak RSS is
 * its own. The baseline, timed in the same process, is the least any evaluation must do: one
 * pass that parses every asset's dates once.
 *
 *   node dist/test/bench/scanner.bench.js                 all sizes, a Markdown table
 *   node dist/test/bench/scanner.bench.js --size 100000   one size, JSON (used by the parent)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateInventory } from '../../services/scan.js';
import type { Inventory } from '../../scanner/inventory/types.js';
import { generateDemoInventory } from '../../scanner/sources/demo/index.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');
const SIZES = [10_000, 100_000, 1_000_000];
const RUNS = 5;

interface Measure {
  size: number;
  assets: number;
  generateMs: number;
  evaluateMs: number;
  baselineMs: number;
  nsPerAsset: number;
  score: number | null;
  peakRssMb: number;
  heapUsedMb: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function baseline(inv: Inventory): number {
  let n = 0;
  for (const list of [inv.secrets, inv.keys, inv.certificates]) {
    for (const a of list) {
      if (a.expires !== null && Date.parse(a.expires) > NOW) n++;
      if (Date.parse(a.updated) > NOW) n++;
    }
  }
  return n;
}

function timed(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function measure(size: number): Measure {
  let inv!: Inventory;
  const generateMs = timed(() => {
    inv = generateDemoInventory({ profile: 'showcase', seed: 1, size, now: NOW });
  });
  const assets = inv.secrets.length + inv.keys.length + inv.certificates.length;
  const evals: number[] = [];
  const bases: number[] = [];
  let score: number | null = null;
  for (let i = 0; i < RUNS; i++) {
    // A fresh copy of the arrays each run, so no run profits from the previous run's caches.
    const fresh: Inventory = {
      ...inv,
      secrets: [...inv.secrets],
      keys: [...inv.keys],
      certificates: [...inv.certificates],
    };
    (globalThis as { gc?: () => void }).gc?.();
    bases.push(timed(() => baseline(fresh)));
    const again: Inventory = {
      ...inv,
      secrets: [...inv.secrets],
      keys: [...inv.keys],
      certificates: [...inv.certificates],
    };
    evals.push(
      timed(() => {
        score = evaluateInventory(again, { custom: [], now: NOW, source: 'demo', scanId: 'bench' }).score;
      }),
    );
  }
  const evaluateMs = median(evals);
  return {
    size,
    assets,
    generateMs: Math.round(generateMs),
    evaluateMs: Math.round(evaluateMs),
    baselineMs: Math.round(median(bases)),
    nsPerAsset: Math.round((evaluateMs * 1e6) / assets),
    score,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}

const { values } = parseArgs({ options: { size: { type: 'string' } } });
if (values.size) {
  process.stdout.write(JSON.stringify(measure(Number(values.size))));
} else {
  const self = fileURLToPath(import.meta.url);
  const rows: Measure[] = [];
  for (const size of SIZES) {
    process.stderr.write(`bench: ${size.toLocaleString('en')} assets…\n`);
    const text = execFileSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=8192', self, '--size', String(size)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    rows.push(JSON.parse(text) as Measure);
  }
  const line = (cells: (string | number | null)[]) => `| ${cells.join(' | ')} |`;
  console.log(
    `Scanner benchmark — ${new Date().toISOString()}, Node ${process.version}, median of ${RUNS} runs\n`,
  );
  console.log(
    line([
      'assets',
      'evaluate (47 rules + 7 frameworks + score)',
      'baseline (parse dates once)',
      'ns/asset',
      'generate demo',
      'peak RSS',
      'score',
    ]),
  );
  console.log(line(['---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const r of rows) {
    console.log(
      line([
        r.assets.toLocaleString('en'),
        `${r.evaluateMs} ms`,
        `${r.baselineMs} ms`,
        r.nsPerAsset,
        `${r.generateMs} ms`,
        `${r.peakRssMb} MB`,
        r.score,
      ]),
    );
  }
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  console.log(
    `\nGrowth ${first.assets.toLocaleString('en')} → ${last.assets.toLocaleString('en')} assets: ×${(last.assets / first.assets).toFixed(0)} assets, ×${(last.evaluateMs / Math.max(1, first.evaluateMs)).toFixed(1)} time. Target: 1 M assets ≤ 2000 ms (${last.evaluateMs <= 2000 ? 'met' : 'MISSED'}).`,
  );
}
