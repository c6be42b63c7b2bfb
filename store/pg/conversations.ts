/**
 * Conversation references in PostgreSQL (the ConversationStore of store/conversations.ts), shared
 * by every replica: an alert reaches a Teams conversation whichever replica saw it last.
 */
import type pg from 'pg';
import type { ConversationStore } from '../conversations.js';
import { jsonParam, rows } from './sql.js';

export function createPgConversationStore<T extends object>(pool: pg.Pool): ConversationStore<T> {
  return {
    async save(key, reference) {
      // Every incoming activity saves its reference; an unchanged one writes nothing.
      await rows(
        pool,
        `save the conversation reference ${key}`,
        `INSERT INTO conversations (key, reference) VALUES ($1, $2::jsonb)
         ON CONFLICT (key) DO UPDATE SET reference = EXCLUDED.reference, updated_at = now()
         WHERE conversations.reference IS DISTINCT FROM EXCLUDED.reference`,
        [key, jsonParam(reference)],
      );
    },
    async get(key) {
      const found = await rows<{ reference: T }>(
        pool,
        `read the conversation reference ${key}`,
        'SELECT reference FROM conversations WHERE key = $1',
        [key],
      );
      return found[0]?.reference;
    },
    async list() {
      return rows<{ key: string; reference: T }>(
        pool,
        'list the conversation references',
        'SELECT key, reference FROM conversations ORDER BY key',
      );
    },
  };
}
