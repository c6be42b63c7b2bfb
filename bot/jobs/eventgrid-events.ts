/**
 * Key Vault's own events as a job: what the `POST /api/eventgrid` route accepted (one job per
 * delivery, event ids already deduplicated) becomes alerts through the same ledger as the
 * scheduled scans. Whichever path claims an (asset, threshold, channel) first sends it; the other
 * finds it claimed. A new version clears the asset's alerts (so it alerts again if it comes
 * back); a vault's changed access policy runs the scheduled scan now.
 *
 * At least once: a retried job finds its alerts claimed and sends nothing twice; it clears before
 * it records a resolution, so a retry after a crash between the two still clears. The decisions
 * themselves are pure (bot/alerts/events.ts); this file reads and writes the store around them.
 */
import { NO_TELEMETRY, type Telemetry } from '../../base/telemetry.js';
import { parametersOf, type ScanResult } from '../../scanner/scan.js';
import type { CertifyPorts } from '../../services/scan.js';
import { channelKey, type AlertChannel, type AlertStore } from '../../store/alerts.js';
import { RetryableError, type JobDefinition, type JobQueue } from '../../store/jobs/types.js';
import type { AlertDelivery, AlertNotifiers } from '../alerts/deliver.js';
import { DEFAULT_DIGEST_MAX, digestOrSingle, filterFor, keyOf, type AlertEvent } from '../alerts/diff.js';
import { decideEvents, keysToClear, thresholdKeysOf, type EventDecisions } from '../alerts/events.js';
import { alertView, eventsFromKeys, resolvedAlertView } from '../alerts/view.js';
import { EVENTGRID_EVENTS_JOB, type EventGridEventsJobData } from '../eventgrid/types.js';
import type { Log } from '../types.js';

/**
 * Three retries from 2 s, doubling: the store or the queue briefly unreachable. Only claims and
 * clears are written, each safe to repeat, so a retry never sends an alert twice.
 */
export const EVENTGRID_EVENTS_OPTIONS: JobDefinition = {
  retryLimit: 3,
  retryDelaySeconds: 2,
  retryBackoff: true,
  expireInSeconds: 120,
};

/** What the alert cards of events say they come from, in place of a scan. */
export const EVENT_SOURCE = 'Key Vault event (Event Grid)';

/** Without a saved scan the filters know no rule: a severity or framework filter lets nothing through. */
const NO_SCAN: Pick<ScanResult, 'rules' | 'frameworks'> = { rules: [], frameworks: [] };

/** More than this many character of keys go into a saved group (Slack caps a button's value). */
const BUTTON_DATA_LIMIT = 1500;

export interface EventGridEventsDeps {
  /** The latest scan: the rules' severities and framework citations for the filters, and the parameters. */
  ports: Pick<CertifyPorts, 'scans'>;
  alerts: AlertStore;
  /** Asked at each attempt: a channel whose adapter is not running is not claimed. */
  notifiers: () => AlertNotifiers;
  /** The alert-delivery job's sender (defineAlertDelivery): posts with retries, releases on failure. */
  enqueue: (delivery: AlertDelivery) => Promise<void>;
  /**
   * Runs the scheduled scan now (a singleton: nothing when one is queued or running), for
   * `VaultAccessPolicyChanged`. The Azure source collects the whole tenant in one pass and a scan
   * is saved whole, so there is no honest way to re-evaluate one vault alone.
   */
  rescan: () => Promise<unknown>;
  clock: () => number;
  log: Log;
  /** More alerts than this for one channel in one job become one digest. Default DEFAULT_DIGEST_MAX. */
  digestMax?: number;
  options?: JobDefinition;
  /** A span `certify.job.eventgrid_events` per attempt. */
  telemetry?: Telemetry;
  /**
   * After a channel gets a card from an event, further event alerts for it within this many ms
   * are held and go out together at the window's end (one digest past `digestMax`). 0 sends each
   * job's alerts at once. Default DEFAULT_BURST_WINDOW_MS.
   */
  burstWindowMs?: number;
}

/** A burst of Key Vault events (1,000 in a minute) is one card, then one digest per channel per minute. */
export const DEFAULT_BURST_WINDOW_MS = 60_000;

export interface EventGridEventsResult {
  alerts: number;
  queued: number;
  cleared: number;
  /** Posted cards queued for an update in place (resolved). */
  updated: number;
  /** Alerts held for the channel's digest at the end of its burst window. */
  held: number;
  rescans: number;
  ignored: number;
}

export function defineEventGridEvents(jobs: JobQueue, deps: EventGridEventsDeps): BurstWindow | null {
  const telemetry = deps.telemetry ?? NO_TELEMETRY;
  const windowMs = deps.burstWindowMs ?? DEFAULT_BURST_WINDOW_MS;
  const window = windowMs > 0 ? createBurstWindow(windowMs, deps) : null;
  jobs.define<EventGridEventsJobData>(
    EVENTGRID_EVENTS_JOB,
    (job) =>
      telemetry.span(
        'certify.job.eventgrid_events',
        { 'certify.job.attempt': job.attempt, 'certify.events': job.data.events.length },
        async () => {
          const result = await processEvents(job.data, deps, window ?? undefined);
          deps.log('eventgrid.processed', { job: job.id, attempt: job.attempt, ...result });
        },
      ),
    deps.options ?? EVENTGRID_EVENTS_OPTIONS,
  );
  return window;
}

/** One delivery's events: clear what new versions resolved, claim and queue the alerts, rescan. */
export async function processEvents(
  data: EventGridEventsJobData,
  deps: EventGridEventsDeps,
  window?: BurstWindow,
): Promise<EventGridEventsResult> {
  const { alerts, log } = deps;
  const now = deps.clock();
  const events = Array.isArray(data.events) ? data.events : [];
  const result: EventGridEventsResult = {
    alerts: 0,
    queued: 0,
    cleared: 0,
    updated: 0,
    held: 0,
    rescans: 0,
    ignored: 0,
  };
  const scan = await deps.ports.scans.latest();
  const assetIds = [...new Set(events.flatMap((e) => (e.assetId === null ? [] : [e.assetId])))];
  const decisions = decideEvents(events, {
    now,
    ...(scan ? { parameters: parametersOf(scan) } : {}),
    resolutions: await alerts.resolutions(assetIds),
  });
  result.ignored = decisions.ignored.length;
  for (const skipped of decisions.ignored)
    log('eventgrid.event_ignored', { id: skipped.id, reason: skipped.reason });

  // Resolve: the posted cards' updates queued first, the keys cleared second, the resolution
  // recorded last, so a retry after a crash anywhere in between still does every step (an
  // update sent twice shows the same card).
  if (decisions.resolves.length > 0) {
    const claimTimes = await alerts.claimTimes(decisions.resolves.flatMap((r) => thresholdKeysOf(r.assetId)));
    const cleared = keysToClear(decisions.resolves, claimTimes);
    result.updated = await queueResolvedCards(cleared, decisions.resolves, scan, deps);
    await alerts.clear(cleared);
    for (const r of decisions.resolves) await alerts.resolve(r.assetId, r.version, r.at);
    result.cleared = cleared.length;
  }

  // Alerts: the same suppression, filters, claims and digest as after a scan.
  const flags = await Promise.all(decisions.alerts.map((e) => alerts.isSuppressed(keyOf(e), now)));
  const open: AlertEvent[] = decisions.alerts.filter((_, i) => !flags[i]);
  result.alerts = open.length;
  if (open.length > 0) {
    const notifiers = deps.notifiers();
    const at = decisions.raisedAt ?? now;
    for (const sub of await alerts.subscriptions()) {
      const mine = filterFor(open, sub.filters, scan ?? NO_SCAN);
      if (mine.length === 0) continue;
      if (notifiers[sub.channel.kind] === undefined) {
        // Not claimed: the next scan sends it once the service can reach the channel.
        log('eventgrid.no_notifier', { level: 'warn', channel: sub.channel.kind });
        continue;
      }
      if (window?.hold(sub.channel, mine, at)) {
        result.held += mine.length;
        continue;
      }
      const queued = await sendTo(sub.channel, mine, at, scan, deps);
      result.queued += queued;
      if (queued > 0) window?.open(sub.channel);
    }
  }

  if (decisions.vaults.length > 0) {
    await deps.rescan();
    result.rescans = 1;
    log('eventgrid.rescan', { vaults: decisions.vaults });
  }
  return result;
}

/** `slack:C123` → the channel; null for a ledger name this build does not know. */
function channelOf(key: string): AlertChannel | null {
  const at = key.indexOf(':');
  const kind = key.slice(0, at);
  const id = key.slice(at + 1);
  if (at <= 0 || id === '' || !(kind === 'slack' || kind === 'teams' || kind === 'playground')) return null;
  return { kind, id };
}

/**
 * Queues, for each single-alert card posted for these keys, an update that shows it resolved
 * (the alert-delivery job calls chat.update / the Teams update). A digest's card is not
 * remembered (see alert-delivery.ts) and so stays as it was.
 */
async function queueResolvedCards(
  cleared: readonly string[],
  resolves: EventDecisions['resolves'],
  scan: ScanResult | null,
  deps: EventGridEventsDeps,
): Promise<number> {
  if (cleared.length === 0) return 0;
  const byAsset = new Map(resolves.map((r) => [r.assetId, r]));
  let queued = 0;
  for (const post of await deps.alerts.posts(cleared)) {
    const channel = channelOf(post.channel);
    const [event] = eventsFromKeys([post.key], scan, []);
    const resolve = event?.kind === 'threshold' ? byAsset.get(event.assetId) : undefined;
    if (channel === null || event === undefined || resolve === undefined) continue;
    const at = new Date(resolve.at).toISOString();
    const view = resolvedAlertView(event, {
      scan: { id: 'eventgrid', at, source: EVENT_SOURCE },
      resolvedAt: at,
      by:
        resolve.version === null
          ? 'a new version was created'
          : `a new version (${resolve.version}) was created`,
      ...(scan ? { parameters: parametersOf(scan) } : {}),
    });
    await deps.enqueue({ channel, view, claims: [], replaces: post.ref });
    queued++;
  }
  return queued;
}

/** Claims `events` for the channel and queues what it got: one card per alert, or one digest. */
async function sendTo(
  channel: AlertChannel,
  events: readonly AlertEvent[],
  at: number,
  scan: ScanResult | null,
  deps: EventGridEventsDeps,
): Promise<number> {
  const { alerts } = deps;
  const key = channelKey(channel);
  const origin = { id: 'eventgrid', at: new Date(at).toISOString(), source: EVENT_SOURCE };
  const parameters = scan ? parametersOf(scan) : undefined;
  // Stamped with when Key Vault raised the events (see EventDecisions.raisedAt).
  const claimed = new Set(
    (
      await alerts.claim(
        events.map((e) => ({ key: keyOf(e), channel: key })),
        at,
      )
    ).map((c) => c.key),
  );
  const fresh = events.filter((e) => claimed.has(keyOf(e)));
  let queued = 0;
  for (const message of digestOrSingle(fresh, deps.digestMax ?? DEFAULT_DIGEST_MAX)) {
    const keys = (message.kind === 'digest' ? message.events : [message]).map(keyOf);
    const claims = keys.map((k) => ({ key: k, channel: key }));
    try {
      const group =
        keys.join(',').length > BUTTON_DATA_LIMIT ? await alerts.saveGroup(keys, deps.clock()) : undefined;
      const view = alertView(message, {
        scan: origin,
        keys,
        state: null,
        ...(parameters ? { parameters } : {}),
        ...(group ? { group } : {}),
      });
      await deps.enqueue({ channel, view, claims });
      queued++;
    } catch (error) {
      // Released, and the job tried again: the retry claims and queues them afresh.
      await alerts.release(claims);
      throw new RetryableError(
        `could not queue the alert card for ${key}: ${(error as Error).message ?? String(error)}`,
        { cause: error },
      );
    }
  }
  return queued;
}

/**
 * The burst window of each channel, in this process: once a channel got a card from an event,
 * the alerts that follow within the window are held (not claimed) and go out together when it
 * ends, then a new window opens if they did. Held alerts are not claimed, so a replica that dies
 * holding them loses nothing for good: the next scheduled scan claims and sends them. With
 * several replicas each keeps its own windows: at most one digest per channel per replica.
 */
export interface BurstWindow {
  /** True when the channel's window is open: `events` are held for its end. */
  hold(channel: AlertChannel, events: readonly AlertEvent[], at: number): boolean;
  /** Opens the channel's window (it just got a card). */
  open(channel: AlertChannel): void;
  /** Sends everything held now and closes every window (graceful stop; tests). */
  flush(): Promise<void>;
}

function createBurstWindow(windowMs: number, deps: EventGridEventsDeps): BurstWindow {
  /** Per channel: the held alerts by key, each with when Key Vault raised its delivery's events. */
  const windows = new Map<
    string,
    { channel: AlertChannel; held: Map<string, { event: AlertEvent; at: number }>; timer: NodeJS.Timeout }
  >();

  async function close(key: string): Promise<void> {
    const w = windows.get(key);
    if (w === undefined) return;
    clearTimeout(w.timer);
    windows.delete(key);
    if (w.held.size === 0) return;
    // Still subscribed, and still not suppressed (someone may have acknowledged meanwhile)?
    const subscribed = (await deps.alerts.subscriptions()).some((s) => channelKey(s.channel) === key);
    if (!subscribed) return;
    const now = deps.clock();
    const held = [...w.held.values()];
    // A new version recorded since an alert was held (raised at or after it) resolved it.
    const assets = held.flatMap(({ event }) => (event.kind === 'threshold' ? [event.assetId] : []));
    const resolutions = await deps.alerts.resolutions(assets);
    const current = held.filter(({ event, at }) => {
      const r = event.kind === 'threshold' ? resolutions.get(event.assetId) : undefined;
      return r === undefined || r.at < at;
    });
    const flags = await Promise.all(current.map(({ event }) => deps.alerts.isSuppressed(keyOf(event), now)));
    const open = current.filter((_, i) => !flags[i]);
    if (open.length === 0) return;
    const at = Math.min(...open.map((h) => h.at));
    const events = open.map((h) => h.event);
    const queued = await sendTo(w.channel, events, at, await deps.ports.scans.latest(), deps);
    deps.log('eventgrid.burst_sent', { channel: w.channel.kind, held: w.held.size, queued });
    if (queued > 0) start(w.channel);
  }

  function start(channel: AlertChannel): void {
    const key = channelKey(channel);
    const timer = setTimeout(() => {
      close(key).catch((error: unknown) =>
        deps.log('eventgrid.burst_failed', {
          level: 'error',
          channel: channel.kind,
          error: (error as Error).message ?? String(error),
        }),
      );
    }, windowMs);
    // A pending window does not keep the process alive: what it holds is not claimed (see above).
    timer.unref();
    windows.set(key, { channel, held: new Map(), timer });
  }

  return {
    hold(channel, events, at) {
      const w = windows.get(channelKey(channel));
      if (w === undefined) return false;
      for (const event of events) {
        const known = w.held.get(keyOf(event));
        w.held.set(keyOf(event), { event, at: known === undefined ? at : Math.min(known.at, at) });
      }
      return true;
    },
    open(channel) {
      if (!windows.has(channelKey(channel))) start(channel);
    },
    async flush() {
      for (const key of [...windows.keys()]) {
        const w = windows.get(key);
        await close(key);
        // A flush sends, it does not open new windows.
        if (w !== undefined) {
          const reopened = windows.get(key);
          if (reopened !== undefined) {
            clearTimeout(reopened.timer);
            windows.delete(key);
          }
        }
      }
    },
  };
}
