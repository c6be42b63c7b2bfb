/**
 * The trend charts behind Certify's image links (`/charts/<token>.png`): Slack and Teams fetch
 * the picture from Certify, so it is kept until its link expires. Only the SHA-256 of a link's
 * token is kept, as for download links. Two adapters: this one, in the data dir
 * (`charts/<sha256>.png` and its `.json`), and PostgreSQL (store/pg/charts.ts), shared by every
 * replica so that any of them serves a chart another drew.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './json-file.js';

export const CHARTS_DIR = 'charts';

export interface StoredChart {
  png: Buffer;
  /** The chart's text alternative. */
  alt: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms: from then on the chart is not served, and the next save may remove it. */
  expiresAt: number;
}

export interface ChartStore {
  /** Keeps a chart under its token's SHA-256 (64 hex digits), removing charts expired by `createdAt`. */
  save(tokenSha256: string, chart: StoredChart): Promise<void>;
  /** The chart, or null when there is none or it has expired at `now`. */
  get(tokenSha256: string, now: number): Promise<StoredChart | null>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Refuses anything but a SHA-256 in hex: the embedded store names files after it. */
export function checkTokenSha256(tokenSha256: string): void {
  if (!SHA256_HEX.test(tokenSha256)) throw new RangeError('a chart is keyed by a SHA-256 in lowercase hex');
}

export function checkChart(chart: StoredChart): void {
  if (
    !Number.isFinite(chart.createdAt) ||
    !Number.isFinite(chart.expiresAt) ||
    chart.expiresAt <= chart.createdAt
  )
    throw new RangeError('a chart expires after it is created (epoch ms)');
}

interface ChartMeta {
  alt: string;
  createdAt: number;
  expiresAt: number;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Expired charts are removed when a chart is saved, at most once per `pruneEveryMs` (default
 * ten minutes) per store: a save never reads the whole folder twice in a row.
 */
export function createChartStore(dataDir: string, options: { pruneEveryMs?: number } = {}): ChartStore {
  const dir = join(dataDir, CHARTS_DIR);
  const pruneEveryMs = options.pruneEveryMs ?? 10 * 60_000;
  let prunedAt = Number.NEGATIVE_INFINITY;
  const pngPath = (sha: string) => join(dir, `${sha}.png`);
  const metaPath = (sha: string) => join(dir, `${sha}.json`);

  async function readMeta(sha: string): Promise<ChartMeta | null> {
    try {
      const meta = JSON.parse(await readFile(metaPath(sha), 'utf8')) as Partial<ChartMeta>;
      if (
        typeof meta.alt !== 'string' ||
        typeof meta.expiresAt !== 'number' ||
        typeof meta.createdAt !== 'number'
      )
        return null;
      return { alt: meta.alt, createdAt: meta.createdAt, expiresAt: meta.expiresAt };
    } catch (error) {
      // A half-written or hand-edited file is no chart; it goes when it is pruned.
      if (isMissing(error) || error instanceof SyntaxError) return null;
      throw error;
    }
  }

  async function remove(sha: string): Promise<void> {
    // The description first: without it the picture is never served.
    await rm(metaPath(sha), { force: true });
    await rm(pngPath(sha), { force: true });
  }

  async function prune(now: number): Promise<void> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    const shas = new Set(
      names.map((name) => name.replace(/\.(png|json)$/, '')).filter((s) => SHA256_HEX.test(s)),
    );
    for (const sha of shas) {
      const meta = await readMeta(sha);
      if (meta === null || meta.expiresAt <= now) await remove(sha);
    }
  }

  return {
    async save(tokenSha256, chart) {
      checkTokenSha256(tokenSha256);
      checkChart(chart);
      if (chart.createdAt - prunedAt >= pruneEveryMs) {
        prunedAt = chart.createdAt;
        await prune(chart.createdAt);
      }
      // The picture before its description, which is what makes it a chart.
      await writeFileAtomic(pngPath(tokenSha256), chart.png);
      const meta: ChartMeta = { alt: chart.alt, createdAt: chart.createdAt, expiresAt: chart.expiresAt };
      await writeFileAtomic(metaPath(tokenSha256), `${JSON.stringify(meta)}\n`);
    },
    async get(tokenSha256, now) {
      checkTokenSha256(tokenSha256);
      const meta = await readMeta(tokenSha256);
      if (meta === null || meta.expiresAt <= now) return null;
      try {
        return { png: await readFile(pngPath(tokenSha256)), ...meta };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
  };
}
