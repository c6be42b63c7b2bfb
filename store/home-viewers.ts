/**
 * The Slack users who opened Certify's App Home, so each scheduled scan can republish their view
 * (Slack shows a published home until it is published again). Kept in the data dir, one entry
 * per (team, user), the newest opening kept.
 */
import { join } from 'node:path';
import { createDocument, freshReader, isPlainObject } from './json-file.js';

export const HOME_VIEWERS_FILE = 'slack-home-viewers.json';
/** The most viewers kept; the least recently opened are dropped beyond it. */
export const MAX_HOME_VIEWERS = 10_000;

export interface HomeViewer {
  teamId: string;
  userId: string;
  /** Epoch ms of the latest opening recorded. */
  openedAt: number;
}

export interface HomeViewers {
  /**
   * Records that the user opened the App Home at `at` (epoch ms). An opening older than the one
   * recorded changes nothing, so events handled out of order cannot move a viewer back.
   */
  opened(teamId: string, userId: string, at: number): Promise<void>;
  /** The `limit` most recent viewers, newest first (ties by team, then user). */
  recent(limit: number): Promise<HomeViewer[]>;
}

interface StoredViewer {
  teamId: string;
  userId: string;
  /** ISO 8601. */
  openedAt: string;
}

interface HomeViewersData {
  viewers: StoredViewer[];
}

function checkViewer(v: unknown, i: number): string[] {
  if (!isPlainObject(v)) return [`data.viewers[${i}] must be an object`];
  const problems: string[] = [];
  for (const field of ['teamId', 'userId', 'openedAt'] as const) {
    if (typeof v[field] !== 'string') problems.push(`data.viewers[${i}].${field} must be a string`);
  }
  return problems;
}

/** Newest first, then by team and user id (code-point order, as PostgreSQL's "C" collation). */
export function byRecency(a: HomeViewer, b: HomeViewer): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return b.openedAt - a.openedAt || cmp(a.teamId, b.teamId) || cmp(a.userId, b.userId);
}

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0)
    throw new RangeError(`limit must be a whole number ≥ 0, got ${limit}`);
}

export function createHomeViewers(dir: string, options: { max?: number } = {}): HomeViewers {
  const max = options.max ?? MAX_HOME_VIEWERS;
  const doc = createDocument<HomeViewersData>({
    path: join(dir, HOME_VIEWERS_FILE),
    kind: 'certify.slack-home-viewers',
    version: 1,
    empty: () => ({ viewers: [] }),
    check: (data) =>
      isPlainObject(data) && Array.isArray(data.viewers)
        ? data.viewers.flatMap(checkViewer)
        : ['"data.viewers" must be an array'],
  });
  const stored = freshReader(doc);
  const parse = (v: StoredViewer): HomeViewer => ({
    teamId: v.teamId,
    userId: v.userId,
    openedAt: Date.parse(v.openedAt),
  });
  return {
    async opened(teamId, userId, at) {
      const openedAt = new Date(at).toISOString();
      await doc.update((data) => {
        const same = (v: StoredViewer) => v.teamId === teamId && v.userId === userId;
        const known = data.viewers.find(same);
        if (known !== undefined && Date.parse(known.openedAt) >= at) return;
        // Oldest first, so the cap drops the least recently opened.
        const next = [...data.viewers.filter((v) => !same(v)), { teamId, userId, openedAt }]
          .map((v) => ({ stored: v, viewer: parse(v) }))
          .sort((a, b) => byRecency(b.viewer, a.viewer))
          .map((e) => e.stored);
        data.viewers = next.length > max ? next.slice(-max) : next;
      });
    },
    async recent(limit) {
      checkLimit(limit);
      const { viewers } = await stored();
      return viewers
        .map((v) => parse(v))
        .sort(byRecency)
        .slice(0, limit);
    },
  };
}
