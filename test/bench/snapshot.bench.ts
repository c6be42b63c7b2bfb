/**
 * `npm run bench:snapshot` (issue 20): a snapshot read end to end by the product, beside its
 * same-run floor, at 100 k and 1 M vault assets, and the growth between them.
 *
 * Fixture: the `showcase` demo tenant (`seed 1`, a fixed `now`), saved once per size into a temp
 * dir as compact JSON (`JSON.stringify` without indent, written a batch of array elements at a
 * time), byte-identical run to run. It must stay under the snapshot limit
 * (INVENTORY_LIMITS.maxBytes, 512 MiB), and the whole tenant does not at 1 M assets (≈ 745 MB: it
 * is 74.5 MB at 100 k): so, at every size alike, the fixture holds the vaults, all vault assets
 * and every other section except the three largest, `resources`, `dependencies` and
 * `syncRecords` (43 MB at 100 k, 430 MB at 1 M). The rules that need those sections (VM*,
 * SYN*) are then not applicable. `--full` keeps every section (fits up to about 680 k assets).
 *
 * Measured, each in its own process, wall time from spawn to exit as this process sees it and
 * peak RSS (`process.resourceUsage().maxRSS`, written at exit by snapshot-rss-preload, which
 * both sides `--import`):
 * - floor: plain `node` reading the file and `JSON.parse`-ing it (snapshot-floor-child);
 * - `certify score --source snapshot:FILE --json --now …` (compiled, `bin/certify.js`), in a
 *   fresh empty CERTIFY_DATA_DIR, stdout to a file;
 * - `certify scan` with the same flags, in a fresh copy of a data dir that already holds one
 *   earlier scan of the same file (made once, untimed), so its save replaces a latest scan and
 *   adds to a history as a day-to-day scan does.
 * One untimed floor run first warms the page cache; then floor, score and scan alternate, and the
 * median of the runs is reported, and each ratio is the median of the runs' own ratios. Children get this process's environment without CERTIFY_*,
 * OTEL_*, APPLICATIONINSIGHTS_* and NODE_OPTIONS. Prints figures; asserts nothing.
 *
 *   npm run bench:snapshot                                   100 k and 1 M, a Markdown table
 *   npm run bench:snapshot -- --size 100000                  one size
 *   npm run bench:snapshot -- --size 1000000 --runs 1 --json one run, machine-readable
 *   npm run bench:snapshot -- --size 100000 --full          every section of the tenant
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { INVENTORY_LIMITS } from '../../scanner/inventory/validate.js';
import { generateDemoInventory } from '../../scanner/sources/demo/index.js';

const NOW = '2026-11-23T06:00:00Z';
/** The earlier scan each timed `scan` finds in its data dir. */
const SEED_NOW = '2026-11-22T06:00:00Z';
const SIZES = [100_000, 1_000_000];
const RUNS = 3;
const TARGET = 1.5;
/** Array elements serialised per write when the fixture is saved. */
const CHUNK_ITEMS = 2000;
/** Left out of the fixture unless `--full`: the largest sections besides the vault assets. */
const DROPPED = ['resources', 'dependencies', 'syncRecords'];

const FLOOR_CHILD = 'dist/test/bench/snapshot-floor-child.js';
const PRELOAD = 'dist/test/bench/snapshot-rss-preload.js';
const CLI = 'bin/certify.js';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string' },
    runs: { type: 'string' },
    json: { type: 'boolean' },
    full: { type: 'boolean' },
    'write-fixture': { type: 'string' },
  },
});

const MiB = 1024 * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const note = (text: string) => process.stderr.write(`bench: ${text}\n`);
const int = (n: number) => Math.round(n).toLocaleString('en');
const times = (x: number) => `${x.toFixed(1)}×`;

interface Fixture {
  bytes: number;
  assets: number;
  sha256: string;
  /** Bytes of each top-level member in the file. */
  sections: Record<string, number>;
}

/**
 * Writes the demo tenant of `size` assets to `path` exactly as `JSON.stringify(inventory)` would,
 * but top-level arrays a batch of elements at a time, so no string holds the whole file.
 */
function writeFixture(path: string, size: number, full: boolean): Fixture {
  const inventory = generateDemoInventory({ profile: 'showcase', size, seed: 1, now: Date.parse(NOW) });
  const entries = Object.entries(inventory).filter(
    ([k, v]) => v !== undefined && (full || !DROPPED.includes(k)),
  );
  const hash = createHash('sha256');
  const sections: Record<string, number> = {};
  let bytes = 0;
  const fd = openSync(path, 'w');
  const write = (text: string) => {
    const buffer = Buffer.from(text, 'utf8');
    writeSync(fd, buffer);
    hash.update(buffer);
    bytes += buffer.length;
    return buffer.length;
  };
  try {
    write('{');
    entries.forEach(([key, value], i) => {
      let n = write(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`);
      if (Array.isArray(value)) {
        n += write('[');
        for (let j = 0; j < value.length; j += CHUNK_ITEMS) {
          const batch = JSON.stringify(value.slice(j, j + CHUNK_ITEMS));
          n += write(`${j > 0 ? ',' : ''}${batch.slice(1, -1)}`);
        }
        n += write(']');
      } else {
        n += write(JSON.stringify(value));
      }
      sections[key] = n;
    });
    write('}');
  } finally {
    closeSync(fd);
  }
  return {
    bytes,
    assets: inventory.secrets.length + inventory.keys.length + inventory.certificates.length,
    sha256: hash.digest('hex'),
    sections,
  };
}

if (args['write-fixture']) {
  // The fixture child: the generated tenant is this process's garbage, not the parent's.
  process.stdout.write(
    JSON.stringify(writeFixture(args['write-fixture'], Number(args.size), args.full === true)),
  );
  process.exit(0);
}

interface Run {
  ms: number;
  peakRssMb: number;
  stdoutBytes: number;
}

interface Figure {
  ms: number;
  peakRssMb: number;
  runsMs: number[];
  runsPeakRssMb: number[];
  stdoutBytes: number;
}

const childEnv: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) {
  if (v === undefined || k === 'NODE_OPTIONS') continue;
  if (/^(CERTIFY_|OTEL_|APPLICATIONINSIGHTS_)/.test(k)) continue;
  childEnv[k] = v;
}

/** One measured process: `node --import PRELOAD …args`, stdout to a file, in `env`. */
function measured(work: string, argv: string[], env: Record<string, string> = {}): Run {
  const rssFile = join(work, 'rss.json');
  const outFile = join(work, 'stdout');
  rmSync(rssFile, { force: true });
  const out = openSync(outFile, 'w');
  let ms: number;
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(resolve(PRELOAD)).href, ...argv], {
      env: { ...childEnv, ...env, CERTIFY_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', out, 'pipe'],
      maxBuffer: 64 * MiB,
    });
    ms = performance.now() - t0;
    if (r.status !== 0) {
      throw new Error(`node ${argv.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr.toString()}`);
    }
  } finally {
    closeSync(out);
  }
  const { maxRssKb } = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKb: number };
  const stdoutBytes = statSync(outFile).size;
  rmSync(outFile, { force: true });
  return { ms, peakRssMb: maxRssKb / 1024, stdoutBytes };
}

function figure(runs: Run[]): Figure {
  return {
    ms: median(runs.map((r) => r.ms)),
    peakRssMb: median(runs.map((r) => r.peakRssMb)),
    runsMs: runs.map((r) => Math.round(r.ms)),
    runsPeakRssMb: runs.map((r) => Math.round(r.peakRssMb)),
    stdoutBytes: runs[runs.length - 1]!.stdoutBytes,
  };
}

/** Flushes dirty pages (a copied data dir) so the kernel's write-back does not land in a timed run. */
function flush() {
  if (process.platform === 'linux' || process.platform === 'darwin') execFileSync('sync');
}

interface Measure {
  size: number;
  assets: number;
  fileBytes: number;
  fileMb: number;
  sha256: string;
  sections: Record<string, number>;
  runs: number;
  floor: Figure;
  score: Figure;
  scan: Figure;
  ratios: { scoreTime: number; scoreRss: number; scanTime: number; scanRss: number };
  target: 'met' | 'MISSED';
}

function measure(size: number, runs: number): Measure {
  const work = mkdtempSync(join(tmpdir(), 'certify-bench-snapshot-'));
  try {
    const file = join(work, `inventory-${size}.json`);
    note(`${int(size)} assets: writing the fixture…`);
    const self = fileURLToPath(import.meta.url);
    const fixture = JSON.parse(
      execFileSync(
        process.execPath,
        [
          ...process.execArgv,
          self,
          '--write-fixture',
          file,
          '--size',
          String(size),
          ...(args.full ? ['--full'] : []),
        ],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      ),
    ) as Fixture;
    if (fixture.bytes > INVENTORY_LIMITS.maxBytes) {
      throw new Error(
        `the ${int(size)}-asset fixture is ${(fixture.bytes / MiB).toFixed(1)} MiB, over the snapshot limit ` +
          `of ${INVENTORY_LIMITS.maxBytes / MiB} MiB${args.full ? ' (leave out --full)' : ''}`,
      );
    }
    note(`${int(size)} assets: ${(fixture.bytes / MiB).toFixed(1)} MB; warming the page cache…`);
    const source = `snapshot:${file}`;
    const floorRun = () => measured(work, [FLOOR_CHILD, file]);
    const warm = floorRun();
    if (warm.stdoutBytes === 0) throw new Error('the floor printed nothing');

    note(`${int(size)} assets: one untimed scan to seed the data dir…`);
    const seed = join(work, 'seed');
    measured(work, [CLI, 'scan', '--source', source, '--json', '--now', SEED_NOW], {
      CERTIFY_DATA_DIR: seed,
    });

    const floors: Run[] = [];
    const scores: Run[] = [];
    const scans: Run[] = [];
    for (let i = 0; i < runs; i++) {
      flush();
      floors.push(floorRun());
      const scoreDir = join(work, `score-${i}`);
      flush();
      scores.push(
        measured(work, [CLI, 'score', '--source', source, '--json', '--now', NOW], {
          CERTIFY_DATA_DIR: scoreDir,
        }),
      );
      rmSync(scoreDir, { recursive: true, force: true });
      const scanDir = join(work, `scan-${i}`);
      cpSync(seed, scanDir, { recursive: true });
      flush();
      scans.push(
        measured(work, [CLI, 'scan', '--source', source, '--json', '--now', NOW], {
          CERTIFY_DATA_DIR: scanDir,
        }),
      );
      rmSync(scanDir, { recursive: true, force: true });
      const last = (r: Run[]) => `${int(r[i]!.ms)} ms / ${int(r[i]!.peakRssMb)} MB`;
      note(
        `${int(size)} assets, run ${i + 1}/${runs}: floor ${last(floors)}, score ${last(scores)}, scan ${last(scans)}`,
      );
    }
    const floor = figure(floors);
    const score = figure(scores);
    const scan = figure(scans);
    // Each ratio is the median of the runs' own ratios: a run's floor, score and scan follow one
    // another, so the machine's slower and faster spells (the floor ranged 7.5–10.6 s at 1 M in
    // one run of this bench) divide out, where a ratio of two medians would mix spells.
    const paired = (side: Run[], key: 'ms' | 'peakRssMb') =>
      median(side.map((r, i) => r[key] / floors[i]![key]));
    const ratios = {
      scoreTime: paired(scores, 'ms'),
      scoreRss: paired(scores, 'peakRssMb'),
      scanTime: paired(scans, 'ms'),
      scanRss: paired(scans, 'peakRssMb'),
    };
    return {
      size,
      assets: fixture.assets,
      fileBytes: fixture.bytes,
      fileMb: fixture.bytes / MiB,
      sha256: fixture.sha256,
      sections: fixture.sections,
      runs,
      floor,
      score,
      scan,
      ratios,
      target: Object.values(ratios).every((r) => r <= TARGET) ? 'met' : 'MISSED',
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

for (const path of [CLI, FLOOR_CHILD, PRELOAD, 'dist/cli/main.js']) {
  if (!existsSync(path))
    throw new Error(`${path} is missing: run from the repository root after npm run build`);
}
const sizes = args.size ? [Number(args.size.replace(/_/g, ''))] : SIZES;
const runs = args.runs ? Number(args.runs) : RUNS;
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);

const started = new Date().toISOString();
const rows = sizes.map((size) => measure(size, runs));
const first = rows[0]!;
const last = rows[rows.length - 1]!;
const growth =
  rows.length > 1
    ? {
        from: first.size,
        to: last.size,
        file: last.fileBytes / first.fileBytes,
        floor: { time: last.floor.ms / first.floor.ms, rss: last.floor.peakRssMb / first.floor.peakRssMb },
        score: { time: last.score.ms / first.score.ms, rss: last.score.peakRssMb / first.score.peakRssMb },
        scan: { time: last.scan.ms / first.scan.ms, rss: last.scan.peakRssMb / first.scan.peakRssMb },
      }
    : null;

if (args.json) {
  console.log(
    JSON.stringify(
      {
        started,
        node: process.version,
        now: NOW,
        target: TARGET,
        dropped: args.full ? [] : DROPPED,
        sizes: rows,
        growth,
      },
      null,
      2,
    ),
  );
} else {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const cell = (f: Figure) => `${int(f.ms)} ms / ${int(f.peakRssMb)} MB`;
  console.log(
    `Snapshot end to end — ${started}, Node ${process.version}, median of ${runs} run${runs > 1 ? 's' : ''} ` +
      `(ms from spawn to exit / peak RSS)\n`,
  );
  console.log(
    line([
      'assets',
      'file',
      'floor (read + JSON.parse)',
      '`score --json`',
      '× floor (time / RSS)',
      '`scan --json`',
      '× floor (time / RSS)',
    ]),
  );
  console.log(line(['---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const r of rows) {
    console.log(
      line([
        int(r.assets),
        `${r.fileMb.toFixed(1)} MB`,
        cell(r.floor),
        cell(r.score),
        `${times(r.ratios.scoreTime)} / ${times(r.ratios.scoreRss)}`,
        cell(r.scan),
        `${times(r.ratios.scanTime)} / ${times(r.ratios.scanRss)}`,
      ]),
    );
  }
  console.log('');
  for (const r of rows) {
    console.log(
      `${int(r.assets)} assets — target ≤ ${TARGET}× the floor in time and peak RSS: ${r.target} ` +
        `(score ${times(r.ratios.scoreTime)} / ${times(r.ratios.scoreRss)}, ` +
        `scan ${times(r.ratios.scanTime)} / ${times(r.ratios.scanRss)}).`,
    );
  }
  if (growth) {
    const g = (x: { time: number; rss: number }) => `${times(x.time)} time, ${times(x.rss)} RSS`;
    console.log(
      `\nGrowth ${int(growth.from)} → ${int(growth.to)} assets (file ${times(growth.file)}): ` +
        `floor ${g(growth.floor)}; score ${g(growth.score)}; scan ${g(growth.scan)}.`,
    );
  }
  console.log(
    `\nFixture: the showcase demo tenant (seed 1, now ${NOW}), compact JSON, ` +
      (args.full ? 'every section; ' : `without ${DROPPED.join(', ')}; `) +
      rows
        .map(
          (r) =>
            `${int(r.assets)}: ${Object.entries(r.sections)
              .filter(([, b]) => b >= MiB)
              .map(([k, b]) => `${k} ${(b / MiB).toFixed(1)} MB`)
              .join(', ')}`,
        )
        .join('; ') +
      '. `--json` output: ' +
      rows
        .map(
          (r) =>
            `${int(r.assets)}: score ${(r.score.stdoutBytes / MiB).toFixed(1)} MB, scan ${(r.scan.stdoutBytes / MiB).toFixed(1)} MB`,
        )
        .join('; ') +
      '.',
  );
}
