/**
 * Proactive-alert state over `alerts.json`: channel subscriptions, the ledger of alerts claimed
 * per (key, channel), and acknowledgements / snoozes per key. Times are passed in (epoch ms) and
 * stored as ISO text.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SEVERITY_ORDER } from '../base/severity.js';
import type { SeverityName } from '../base/severity.js';
import { withNewest } from './capped-list.js';
import { createDocument, freshReader, isPlainObject } from './json-file.js';
import type { JsonDocument } from './json-file.js';

export const ALERTS_FILE = 'alerts.json';
/** The most ledger entries (key, channel) kept; the oldest are dropped beyond it. */
export const MAX_SENT_KEYS = 100_000;

export type AlertChannelKind = 'teams' | 'slack' | 'playground';

export interface AlertChannel {
  kind: AlertChannelKind;
  id: string;
}

/** Per-channel filters; the same shape as `AlertFilters` in bot/alerts (store/ does not import bot/). */
export interface AlertSubscriptionFilters {
  vault?: string;
  severity?: SeverityName;
  framework?: string;
}

/** The ledger's name for a channel, e.g. `slack:C123`. */
export function channelKey(channel: AlertChannel): string {
  return `${channel.kind}:${channel.id}`;
}

/** One alert to one channel: `channel` is a `channelKey`. */
export interface AlertClaim {
  key: string;
  channel: string;
}

export interface AlertSubscription {
  channel: AlertChannel;
  filters: AlertSubscriptionFilters;
  createdBy: string;
  /** ISO 8601. */
  createdAt: string;
}

export interface AlertStoreOptions {
  /** Default MAX_SENT_KEYS. */
  maxSentKeys?: number;
}

export interface AlertStore {
  readonly path: string;
  /** Adds the subscription, replacing the same channel's. */
  subscribe(sub: AlertSubscription): Promise<void>;
  /** True when the channel had a subscription. */
  unsubscribe(channel: AlertChannel): Promise<boolean>;
  /** In subscription order; copies. */
  subscriptions(): Promise<AlertSubscription[]>;
  /**
   * Claims alerts before they are sent: records each (key, channel) not recorded yet, at `at`
   * (epoch ms), and returns exactly those, in order. Checking and recording are one step under
   * the store's cross-process lock, so of two processes claiming the same pair only one gets it.
   * Keeps the newest `maxSentKeys` entries; a claim cut by that cap is not returned.
   */
  claim(entries: readonly AlertClaim[], at: number): Promise<AlertClaim[]>;
  /** Forgets claims whose delivery failed, so the next run tries them again. */
  release(entries: readonly AlertClaim[]): Promise<void>;
  /** The keys claimed for any channel. */
  sentKeys(): Promise<Set<string>>;
  /**
   * Forgets keys for every channel (claims, acknowledgements, snoozes): the problem alerts again
   * if it comes back.
   */
  clear(keys: readonly string[]): Promise<void>;
  /** Suppresses the key until it is cleared. */
  acknowledge(key: string, by: string, at: number): Promise<void>;
  /** Suppresses the key until `until` (epoch ms), or until it is cleared. */
  snooze(key: string, by: string, until: number): Promise<void>;
  isSuppressed(key: string, now: number): Promise<boolean>;
  /**
   * Keeps a list of keys under a short id, for a digest's buttons: chat platforms cap what a
   * button may carry (Slack: 2,000 characters), and a digest can stand for hundreds of keys.
   */
  saveGroup(keys: readonly string[], at: number): Promise<string>;
  /** The keys saved under a group id, or null when unknown (or dropped as too old). */
  group(id: string): Promise<string[] | null>;
  /**
   * The latest time (epoch ms) each of these keys was claimed, over every channel; a key never
   * claimed (or cleared since) is absent. Real-time events compare it with their own time, so a
   * new version raised before an alert was claimed does not resolve that alert.
   */
  claimTimes(keys: readonly string[]): Promise<Map<string, number>>;
  /**
   * Records that the asset got a new version (`version`, raised at `at` epoch ms), unless a
   * resolution at the same time or later is recorded already; true when it was recorded. Kept
   * apart from the claims (a clear does not forget it), so an expiry event about an older
   * version that arrives late does not reopen the alert.
   */
  resolve(assetId: string, version: string | null, at: number): Promise<boolean>;
  /** The recorded resolution of each of these assets; assets without one are absent. */
  resolutions(assetIds: readonly string[]): Promise<Map<string, AlertResolution>>;
  /**
   * Records the message a card was posted as (`ref`: Slack `ts`, Teams activity id) for each of
   * these (key, channel) pairs, replacing an earlier one, so any replica can update that card in
   * place later. Keeps the newest `maxSentKeys`.
   */
  recordPost(entries: readonly AlertClaim[], ref: string, at: number): Promise<void>;
  /** The posted messages recorded for these keys, on every channel. */
  posts(keys: readonly string[]): Promise<AlertPost[]>;
  /** Re-reads the file if another process changed it (reads do so themselves). */
  reload(): Promise<void>;
}

/** Where the card of one alert was posted in one channel. */
export interface AlertPost extends AlertClaim {
  ref: string;
}

/** The newest version an asset is known to have got, and when (epoch ms). */
export interface AlertResolution {
  version: string | null;
  at: number;
}

interface SentEntry {
  key: string;
  /**
   * A `channelKey`. Absent in files written before claims were per channel, when a key was sent
   * once for all channels: such an entry counts as claimed for every channel.
   */
  channel?: string;
  at: string;
}
interface AckEntry {
  key: string;
  by: string;
  at: string;
}
interface SnoozeEntry {
  key: string;
  by: string;
  until: string;
}

/** Most key groups kept; the oldest go first. */
export const MAX_GROUPS = 1000;

/** A group's id: the same keys, in the same order, are the same group on every store. */
export function alertGroupId(keys: readonly string[]): string {
  return `g-${createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 16)}`;
}

interface GroupEntry {
  id: string;
  keys: string[];
  at: string;
}

interface ResolutionEntry {
  assetId: string;
  version: string | null;
  at: string;
}

interface PostEntry {
  key: string;
  channel: string;
  ref: string;
  at: string;
}

interface AlertsData {
  /** Absent in files written before cards were updated in place; oldest first. */
  posted?: PostEntry[];
  /** Absent in files written before real-time events resolved alerts; oldest first. */
  resolved?: ResolutionEntry[];
  /** Absent in files written before groups existed. */
  groups?: GroupEntry[];
  subscriptions: AlertSubscription[];
  /** The ledger of claims, oldest first. */
  sent: SentEntry[];
  acknowledged: AckEntry[];
  snoozed: SnoozeEntry[];
}

const CHANNEL_KINDS: ReadonlySet<string> = new Set(['teams', 'slack', 'playground']);
const SEVERITIES: ReadonlySet<string> = new Set(SEVERITY_ORDER);

/** Builds the store without touching the disk; the file is read on first use. */
export function createAlertStore(dir: string, options: AlertStoreOptions = {}): AlertStore {
  const cap = options.maxSentKeys ?? MAX_SENT_KEYS;
  if (!Number.isInteger(cap) || cap < 1)
    throw new RangeError(`maxSentKeys must be a positive integer, got ${cap}`);

  const doc: JsonDocument<AlertsData> = createDocument({
    path: join(dir, ALERTS_FILE),
    kind: 'certify.alerts',
    version: 1,
    empty: () => ({ subscriptions: [], sent: [], acknowledged: [], snoozed: [] }),
    check: storedProblems,
  });

  const same = (a: AlertChannel, b: AlertChannel) => a.kind === b.kind && a.id === b.id;
  const current = freshReader(doc);

  /** The claims among `entries` not in the ledger `sent` (each once), in order. */
  function unclaimed(sent: readonly Readonly<SentEntry>[], entries: readonly AlertClaim[]): AlertClaim[] {
    const everywhere = new Set<string>();
    const taken = new Set<string>();
    for (const e of sent) {
      if (e.channel === undefined) everywhere.add(e.key);
      else taken.add(pairId(e.key, e.channel));
    }
    const out: AlertClaim[] = [];
    for (const { key, channel } of entries) {
      const id = pairId(key, channel);
      if (everywhere.has(key) || taken.has(id)) continue;
      taken.add(id);
      out.push({ key, channel });
    }
    return out;
  }

  return {
    path: doc.path,

    async subscribe(sub) {
      const problems = subscriptionProblems(sub, 'subscription');
      if (problems.length > 0) throw new TypeError(`invalid alert subscription: ${problems.join('; ')}`);
      const copy = structuredClone(sub);
      await doc.update((data) => {
        const index = data.subscriptions.findIndex((s) => same(s.channel, copy.channel));
        if (index === -1) data.subscriptions.push(copy);
        else data.subscriptions[index] = copy;
      });
    },

    async unsubscribe(channel) {
      let removed = false;
      await doc.update((data) => {
        const index = data.subscriptions.findIndex((s) => same(s.channel, channel));
        if (index !== -1) {
          data.subscriptions.splice(index, 1);
          removed = true;
        }
      });
      return removed;
    },

    async subscriptions() {
      return structuredClone((await current()).subscriptions) as AlertSubscription[];
    },

    async claim(entries, at) {
      const stamp = iso(at);
      if (entries.length === 0) return [];
      // Most runs claim nothing new: answering from a fresh read spares them a locked write. A
      // pair released meanwhile by another process waits for the next run, which is no harm.
      if (unclaimed((await current()).sent, entries).length === 0) return [];
      let claimed: AlertClaim[] = [];
      await doc.update((data) => {
        const added = unclaimed(data.sent, entries);
        const sent = [...data.sent, ...added.map(({ key, channel }) => ({ key, channel, at: stamp }))];
        data.sent = sent.length > cap ? sent.slice(sent.length - cap) : sent;
        claimed = added.slice(Math.max(0, added.length - cap));
        // Acknowledgements and snoozes only matter for keys that can still be sent.
        if (data.acknowledged.length + data.snoozed.length > cap) {
          data.acknowledged = data.acknowledged.slice(-cap);
          data.snoozed = data.snoozed.slice(-cap);
        }
      });
      return claimed;
    },

    async release(entries) {
      if (entries.length === 0) return;
      const gone = new Set(entries.map((e) => pairId(e.key, e.channel)));
      await doc.update((data) => {
        data.sent = data.sent.filter((e) => e.channel === undefined || !gone.has(pairId(e.key, e.channel)));
      });
    },

    async sentKeys() {
      return new Set((await current()).sent.map((e) => e.key));
    },

    async clear(keys) {
      if (keys.length === 0) return;
      const gone = new Set(keys);
      await doc.update((data) => {
        data.sent = data.sent.filter((e) => !gone.has(e.key));
        data.acknowledged = data.acknowledged.filter((e) => !gone.has(e.key));
        data.snoozed = data.snoozed.filter((e) => !gone.has(e.key));
      });
    },

    async acknowledge(key, by, at) {
      const stamp = iso(at);
      await doc.update((data) => {
        data.acknowledged = withNewest(data.acknowledged, { key, by, at: stamp }, cap, (e) => e.key === key);
      });
    },

    async snooze(key, by, until) {
      const stamp = iso(until);
      await doc.update((data) => {
        data.snoozed = withNewest(data.snoozed, { key, by, until: stamp }, cap, (e) => e.key === key);
      });
    },

    async saveGroup(keys, at) {
      const id = alertGroupId(keys);
      await doc.update((data) => {
        const group = { id, keys: [...keys], at: new Date(at).toISOString() };
        data.groups = withNewest(data.groups ?? [], group, MAX_GROUPS, (g) => g.id === id);
      });
      return id;
    },

    async group(id) {
      const found = ((await current()).groups ?? []).find((g) => g.id === id);
      return found ? [...found.keys] : null;
    },

    async claimTimes(keys) {
      const wanted = new Set(keys);
      const out = new Map<string, number>();
      for (const e of (await current()).sent) {
        if (!wanted.has(e.key)) continue;
        const at = Date.parse(e.at);
        if (at > (out.get(e.key) ?? -Infinity)) out.set(e.key, at);
      }
      return out;
    },

    async resolve(assetId, version, at) {
      const stamp = iso(at);
      let recorded = false;
      await doc.update((data) => {
        const list = data.resolved ?? [];
        const known = list.find((e) => e.assetId === assetId);
        if (known !== undefined && Date.parse(known.at) >= at) return;
        data.resolved = withNewest(list, { assetId, version, at: stamp }, cap, (e) => e.assetId === assetId);
        recorded = true;
      });
      return recorded;
    },

    async resolutions(assetIds) {
      const wanted = new Set(assetIds);
      const out = new Map<string, AlertResolution>();
      for (const e of (await current()).resolved ?? []) {
        if (wanted.has(e.assetId)) out.set(e.assetId, { version: e.version, at: Date.parse(e.at) });
      }
      return out;
    },

    async recordPost(entries, ref, at) {
      if (entries.length === 0) return;
      if (ref === '')
        throw new RangeError('a posted alert card needs its message reference, got an empty one');
      const stamp = iso(at);
      const pairs = new Set(entries.map((e) => pairId(e.key, e.channel)));
      await doc.update((data) => {
        const kept = (data.posted ?? []).filter((e) => !pairs.has(pairId(e.key, e.channel)));
        const next = [...kept, ...entries.map(({ key, channel }) => ({ key, channel, ref, at: stamp }))];
        data.posted = next.length > cap ? next.slice(next.length - cap) : next;
      });
    },

    async posts(keys) {
      const wanted = new Set(keys);
      return ((await current()).posted ?? [])
        .filter((e) => wanted.has(e.key))
        .map(({ key, channel, ref }) => ({ key, channel, ref }));
    },

    async isSuppressed(key, now) {
      const data = await current();
      if (data.acknowledged.some((e) => e.key === key)) return true;
      const snooze = data.snoozed.find((e) => e.key === key);
      return snooze !== undefined && now < Date.parse(snooze.until);
    },

    reload() {
      return doc.reload();
    },
  };
}

function pairId(key: string, channel: string): string {
  return `${channel}\u0000${key}`;
}

function iso(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`expected a time in epoch milliseconds, got ${ms}`);
  return new Date(ms).toISOString();
}

function isTime(value: unknown): boolean {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

/** Problems with a subscription (empty when it is fine), each naming its place under `at`. */
export function subscriptionProblems(sub: unknown, at: string): string[] {
  if (!isPlainObject(sub)) return [`${at}: must be an object`];
  const problems: string[] = [];
  const ch = sub.channel;
  if (!isPlainObject(ch) || typeof ch.kind !== 'string' || !CHANNEL_KINDS.has(ch.kind)) {
    problems.push(`${at}.channel.kind: must be teams, slack or playground`);
  }
  if (!isPlainObject(ch) || typeof ch.id !== 'string' || ch.id === '') {
    problems.push(`${at}.channel.id: must be a non-empty string`);
  }
  const f = sub.filters;
  if (!isPlainObject(f)) problems.push(`${at}.filters: must be an object`);
  else {
    if (f.vault !== undefined && typeof f.vault !== 'string')
      problems.push(`${at}.filters.vault: must be a string`);
    if (f.severity !== undefined && !(typeof f.severity === 'string' && SEVERITIES.has(f.severity))) {
      problems.push(`${at}.filters.severity: must be Critical, High, Medium or Low`);
    }
    if (f.framework !== undefined && typeof f.framework !== 'string') {
      problems.push(`${at}.filters.framework: must be a string`);
    }
  }
  if (typeof sub.createdBy !== 'string') problems.push(`${at}.createdBy: must be a string`);
  if (!isTime(sub.createdAt)) problems.push(`${at}.createdAt: must be an ISO date`);
  return problems;
}

function storedProblems(data: unknown): string[] {
  if (!isPlainObject(data)) return ['"data" must be an object'];
  const problems: string[] = [];
  const list = (name: string): unknown[] => {
    const value = data[name];
    if (Array.isArray(value)) return value;
    problems.push(`"data.${name}" must be an array`);
    return [];
  };
  list('subscriptions').forEach((s, i) =>
    problems.push(...subscriptionProblems(s, `data.subscriptions[${i}]`)),
  );
  const entries = (name: string, time: string) =>
    list(name).forEach((e, i) => {
      if (!isPlainObject(e) || typeof e.key !== 'string' || !isTime(e[time])) {
        problems.push(`data.${name}[${i}]: must be { key, ${time} } with an ISO ${time}`);
      } else if (name === 'sent') {
        if (e.channel !== undefined && typeof e.channel !== 'string')
          problems.push(`data.sent[${i}].channel: must be a string`);
      } else if (typeof e.by !== 'string') {
        problems.push(`data.${name}[${i}].by: must be a string`);
      }
    });
  entries('sent', 'at');
  const resolved = data.resolved;
  if (resolved !== undefined) {
    if (!Array.isArray(resolved)) problems.push('"data.resolved" must be an array');
    else
      resolved.forEach((e, i) => {
        if (
          !isPlainObject(e) ||
          typeof e.assetId !== 'string' ||
          !(e.version === null || typeof e.version === 'string') ||
          !isTime(e.at)
        )
          problems.push(
            `data.resolved[${i}]: must be { assetId, version (string or null), at } with an ISO at`,
          );
      });
  }
  const posted = data.posted;
  if (posted !== undefined) {
    if (!Array.isArray(posted)) problems.push('"data.posted" must be an array');
    else
      posted.forEach((e, i) => {
        if (
          !isPlainObject(e) ||
          typeof e.key !== 'string' ||
          typeof e.channel !== 'string' ||
          typeof e.ref !== 'string' ||
          !isTime(e.at)
        )
          problems.push(`data.posted[${i}]: must be { key, channel, ref, at } with an ISO at`);
      });
  }
  entries('acknowledged', 'at');
  entries('snoozed', 'until');
  return problems;
}
