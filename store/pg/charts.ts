/**
 * Trend charts in PostgreSQL (the ChartStore of store/charts.ts), table `charts` (migration 4):
 * any replica serves a chart another one drew. Expired rows are deleted when a chart is saved.
 */
import type pg from 'pg';
import { checkChart, checkTokenSha256, type ChartStore } from '../charts.js';
import { isoParam, rows } from './sql.js';

export function createPgChartStore(pool: pg.Pool): ChartStore {
  return {
    async save(tokenSha256, chart) {
      checkTokenSha256(tokenSha256);
      checkChart(chart);
      const createdAt = isoParam(chart.createdAt, 'created_at');
      await rows(pool, 'remove expired charts', 'DELETE FROM charts WHERE expires_at <= $1', [createdAt]);
      await rows(
        pool,
        'save a chart',
        `INSERT INTO charts (token_sha256, png, alt, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (token_sha256) DO UPDATE
         SET png = EXCLUDED.png, alt = EXCLUDED.alt, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`,
        [tokenSha256, chart.png, chart.alt, createdAt, isoParam(chart.expiresAt, 'expires_at')],
      );
    },
    async get(tokenSha256, now) {
      checkTokenSha256(tokenSha256);
      const [row] = await rows<{ png: Buffer; alt: string; created_at: Date; expires_at: Date }>(
        pool,
        'read a chart',
        'SELECT png, alt, created_at, expires_at FROM charts WHERE token_sha256 = $1 AND expires_at > $2',
        [tokenSha256, isoParam(now, 'now')],
      );
      if (row === undefined) return null;
      return {
        png: row.png,
        alt: row.alt,
        createdAt: row.created_at.getTime(),
        expiresAt: row.expires_at.getTime(),
      };
    },
  };
}
