/**
 * Proactive alert cards for the playground page, which polls for them (it has no push channel).
 */
import type { View } from '../cards/views.js';

/** Alert cards queued for the playground page; each gets a sequence number to poll after. */
export interface PlaygroundFeed {
  push(view: View): void;
  /** Entries with a sequence number above `after`, oldest first. */
  since(after: number): { seq: number; view: View }[];
}

/** Keeps the newest `limit` views in memory. */
export function createPlaygroundFeed(limit = 50): PlaygroundFeed {
  const entries: { seq: number; view: View }[] = [];
  let seq = 0;
  return {
    push(view) {
      entries.push({ seq: ++seq, view });
      if (entries.length > limit) entries.splice(0, entries.length - limit);
    },
    since(after) {
      return entries.filter((e) => e.seq > after);
    },
  };
}
