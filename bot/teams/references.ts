/**
 * Where the Teams adapter keeps one conversation reference per conversation, so alerts can be
 * sent later (proactive messages). In memory here; the server may back it by a file store.
 */
import type { ConversationReference } from 'botbuilder';

export type StoredReference = Partial<ConversationReference>;

export interface ConversationReferenceStore {
  save(key: string, reference: StoredReference): Promise<void>;
  get(key: string): Promise<StoredReference | undefined>;
  list(): Promise<{ key: string; reference: StoredReference }[]>;
}

/** A Map-backed store; copies on the way in and out so callers cannot mutate what is stored. */
export function createMemoryReferenceStore(): ConversationReferenceStore {
  const map = new Map<string, StoredReference>();
  const copy = (r: StoredReference): StoredReference => structuredClone(r);
  return {
    save(key, reference) {
      map.set(key, copy(reference));
      return Promise.resolve();
    },
    get(key) {
      const r = map.get(key);
      return Promise.resolve(r === undefined ? undefined : copy(r));
    },
    list() {
      return Promise.resolve([...map].map(([key, reference]) => ({ key, reference: copy(reference) })));
    },
  };
}
