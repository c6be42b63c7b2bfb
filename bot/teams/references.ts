/**
 * Where the Teams adapter keeps one conversation reference per conversation, so alerts can be
 * sent later (proactive messages). In memory here; the service backs it by the store
 * (`conversations.json` or PostgreSQL), so references outlive a restart.
 */

/** A reference as the Teams SDK adapter writes it: what a proactive post needs, nothing per message. */
export interface TeamsReference {
  /** Marks the Teams SDK adapter's format; references without it are the Bot Framework adapter's. */
  format: 2;
  /** Without a trailing slash. */
  serviceUrl: string;
  channelId: string;
  conversation: {
    id: string;
    conversationType?: string;
    tenantId?: string;
    isGroup?: boolean;
    name?: string;
  };
  bot: { id: string; name?: string };
}

/**
 * A reference as the Bot Framework adapter (botbuilder's `TurnContext.getConversationReference`)
 * saved it before the move to the Teams SDK: every field optional, the service URL with its
 * trailing slash, and the message and sender it was taken from.
 */
export interface LegacyReference {
  format?: undefined;
  activityId?: string;
  user?: { id?: string; name?: string; aadObjectId?: string; role?: string };
  bot?: { id?: string; name?: string; role?: string };
  conversation?: {
    id?: string;
    conversationType?: string;
    tenantId?: string;
    isGroup?: boolean;
    name?: string;
  };
  channelId?: string;
  locale?: string;
  serviceUrl?: string;
}

/** What the store may hold under a conversation key: either adapter's references. */
export type StoredReference = TeamsReference | LegacyReference;

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
