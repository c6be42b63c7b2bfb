/**
 * Conversation references (where a proactive message can be delivered), one per conversation,
 * kept in the data dir so alerts still reach Teams conversations after a restart.
 */
import { join } from 'node:path';
import { createDocument, isPlainObject } from './json-file.js';

export const CONVERSATIONS_FILE = 'conversations.json';

export interface ConversationStore<T extends object> {
  save(key: string, reference: T): Promise<void>;
  get(key: string): Promise<T | undefined>;
  list(): Promise<{ key: string; reference: T }[]>;
}

interface ConversationsData {
  references: Record<string, object>;
}

export function createConversationStore<T extends object>(dir: string): ConversationStore<T> {
  const doc = createDocument<ConversationsData>({
    path: join(dir, CONVERSATIONS_FILE),
    kind: 'certify.conversations',
    version: 1,
    empty: () => ({ references: {} }),
    check: (data) =>
      isPlainObject(data) && isPlainObject(data.references) ? [] : ['"data.references" must be an object'],
  });
  const current = async () => {
    await doc.reload();
    return doc.read().references as Readonly<Record<string, T>>;
  };
  return {
    async save(key, reference) {
      // Every incoming activity saves its reference; most are unchanged, and those cost no write.
      const known = (await current())[key];
      if (known !== undefined && JSON.stringify(known) === JSON.stringify(reference)) return;
      await doc.update((data) => {
        data.references[key] = structuredClone(reference);
      });
    },
    async get(key) {
      const found = (await current())[key];
      return found === undefined ? undefined : (structuredClone(found) as T);
    },
    async list() {
      return Object.entries(await current()).map(([key, reference]) => ({
        key,
        reference: structuredClone(reference) as T,
      }));
    },
  };
}
