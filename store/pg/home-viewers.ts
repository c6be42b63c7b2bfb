/**
 * App Home viewers in PostgreSQL (the HomeViewers of store/home-viewers.ts), shared by every
 * replica: whichever replica runs the scheduled scan republishes every remembered home.
 */
import type pg from 'pg';
import { checkLimit, type HomeViewers } from '../home-viewers.js';
import { isoParam, rows } from './sql.js';

export function createPgHomeViewers(pool: pg.Pool): HomeViewers {
  return {
    async opened(teamId, userId, at) {
      // An older opening handled late leaves the newer one in place.
      await rows(
        pool,
        'record an App Home viewer',
        `INSERT INTO slack_home_viewers (team_id, user_id, opened_at) VALUES ($1, $2, $3)
         ON CONFLICT (team_id, user_id) DO UPDATE SET opened_at = EXCLUDED.opened_at
         WHERE slack_home_viewers.opened_at < EXCLUDED.opened_at`,
        [teamId, userId, isoParam(at, 'opened_at')],
      );
    },
    async recent(limit) {
      checkLimit(limit);
      const found = await rows<{ team_id: string; user_id: string; opened_at: Date }>(
        pool,
        'list the App Home viewers',
        `SELECT team_id, user_id, opened_at FROM slack_home_viewers
         ORDER BY opened_at DESC, team_id COLLATE "C", user_id COLLATE "C" LIMIT $1`,
        [limit],
      );
      return found.map((r) => ({ teamId: r.team_id, userId: r.user_id, openedAt: r.opened_at.getTime() }));
    },
  };
}
