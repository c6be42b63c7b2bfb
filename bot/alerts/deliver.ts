/**
 * One alert run after a scheduled scan: take what is open in the latest scan (and a score drop
 * since the one before it), forget alerts whose condition cleared, leave out what is
 * acknowledged or snoozed, and post to every subscribed channel, through its filters, what that
 * channel was not sent yet: one card per event or one digest. An alert goes out once per asset,
 * threshold and channel, claimed in the store before it is sent and released if sending fails.
 */
import type { View } from '../../cards/views.js';
import { NO_TELEMETRY, type Telemetry } from '../../base/telemetry.js';
import type { CertifyPorts } from '../../services/scan.js';
import { parametersOf, type ScanResult } from '../../scanner/scan.js';
import { channelKey, type AlertClaim, type AlertStore, type AlertSubscription } from '../../store/alerts.js';
import type { ScanSummary } from '../../scanner/summary.js';
import type { Log } from '../types.js';
import {
  clearedKeys,
  digestOrSingle,
  filterFor,
  keyOf,
  openEvents,
  selectNew,
  type AlertEvent,
  type AlertMessage,
  type DiffOptions,
} from './diff.js';
import { alertView } from './view.js';

export interface AlertNotifiers {
  /** `post` answers the message's `ts`, which `update` (chat.update) needs to replace it. */
  slack?: {
    post(channelId: string, view: View): Promise<unknown>;
    update?(channelId: string, ts: string, view: View): Promise<void>;
  };
  /** `send` answers the activity's `id`, which `update` needs to replace it. */
  teams?: {
    send(conversationKey: string, view: View): Promise<unknown>;
    update?(conversationKey: string, activityId: string, view: View): Promise<void>;
  };
  playground?: { push(view: View): void | Promise<void> };
}

export interface RunAlertsDeps {
  ports: CertifyPorts;
  alerts: AlertStore;
  notifiers: AlertNotifiers;
  /** Epoch ms: decides which snoozes still hold and stamps what is sent. */
  now: number;
  log: Log;
  diff?: DiffOptions;
  digestMax?: number;
  /**
   * Hands each claimed card to a delivery job (retried with backoff on 429/5xx, on any replica)
   * instead of posting it here; the job releases the claims if it finally fails. Without it the
   * card is posted at once and a failure releases its claims for the next run.
   */
  enqueue?: (delivery: AlertDelivery) => Promise<void>;
  /** Cards posted here (without `enqueue`) and failures: certify.alerts.sent / certify.alerts.failed. */
  telemetry?: Telemetry;
}

/** One card for one channel, with the claims it stands for: what a delivery job carries. */
export interface AlertDelivery {
  channel: AlertSubscription['channel'];
  view: View;
  claims: AlertClaim[];
  /**
   * Set to replace a posted card in place (its Slack `ts` or Teams activity id) rather than post
   * a new one; such a delivery carries no claims.
   */
  replaces?: string;
}

export interface RunAlertsResult {
  /** Events open in the latest scan (and a score drop). */
  events: number;
  /** Events claimed for at least one channel in this run (not sent there before, nor suppressed). */
  fresh: number;
  /** Cards posted, over all channels. */
  delivered: number;
  /** Cards handed to delivery jobs (with `enqueue`). */
  queued: number;
  failed: number;
}

/**
 * The summary of the previous scan as the part of a ScanResult the diff reads: each rule of
 * `current` failing (with the summary's failing ids) or not, and the previous score.
 */
export function previousAsResult(summary: ScanSummary, current: ScanResult): ScanResult {
  const failing = new Set(summary.failingRules);
  return {
    ...current,
    scanId: summary.scanId,
    now: summary.now,
    source: summary.source,
    score: summary.score,
    rules: current.rules.map((r) => ({
      ...r,
      status: failing.has(r.id) ? 'fail' : r.status === 'fail' ? 'pass' : r.status,
      failing: [...(summary.failingAssets[r.id] ?? [])],
    })),
  };
}

function messageKeys(message: AlertMessage): string[] {
  return (message.kind === 'digest' ? message.events : [message]).map(keyOf);
}

function canDeliver(sub: AlertSubscription, notifiers: AlertNotifiers): boolean {
  return notifiers[sub.channel.kind] !== undefined;
}

function stringField(value: unknown, name: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const field = (value as Record<string, unknown>)[name];
  return typeof field === 'string' && field !== '' ? field : null;
}

/**
 * Posts one card through its channel's proactive sender; answers the posted message's reference
 * (Slack `ts`, Teams activity id) when the sender gives one, for a later update in place.
 */
export async function deliverTo(
  sub: Pick<AlertSubscription, 'channel'>,
  view: View,
  notifiers: AlertNotifiers,
): Promise<string | null> {
  const { kind, id } = sub.channel;
  if (kind === 'slack') return stringField(await notifiers.slack?.post(id, view), 'ts');
  if (kind === 'teams') return stringField(await notifiers.teams?.send(id, view), 'id');
  await notifiers.playground?.push(view);
  return null;
}

/**
 * Replaces a posted card (`ref`: its Slack `ts` or Teams activity id). False when the channel's
 * sender cannot update (the playground, or a notifier without `update`): nothing was sent.
 */
export async function updateIn(
  sub: Pick<AlertSubscription, 'channel'>,
  ref: string,
  view: View,
  notifiers: AlertNotifiers,
): Promise<boolean> {
  const { kind, id } = sub.channel;
  if (kind === 'slack' && notifiers.slack?.update) await notifiers.slack.update(id, ref, view);
  else if (kind === 'teams' && notifiers.teams?.update) await notifiers.teams.update(id, ref, view);
  else return false;
  return true;
}

/** Keys beyond this many characters go into a saved group (Slack caps a button's value at 2,000). */
const BUTTON_DATA_LIMIT = 1500;

export async function runAlerts(deps: RunAlertsDeps): Promise<RunAlertsResult> {
  const { ports, alerts, notifiers, now, log } = deps;
  const telemetry = deps.telemetry ?? NO_TELEMETRY;
  const result: RunAlertsResult = { events: 0, fresh: 0, delivered: 0, queued: 0, failed: 0 };
  const current = await ports.scans.latest();
  if (current === null) {
    log('alerts.no_scan', {});
    return result;
  }
  const summary = await ports.scans.previous();
  const previous = summary === null ? null : previousAsResult(summary, current);
  const events = openEvents(previous, current, deps.diff);
  result.events = events.length;

  await alerts.clear(clearedKeys(current, await alerts.sentKeys()));

  const suppressed = new Set<string>();
  const flags = await Promise.all(events.map((event) => alerts.isSuppressed(keyOf(event), now)));
  events.forEach((event, i) => {
    if (flags[i]) suppressed.add(keyOf(event));
  });
  const { fresh: open } = selectNew(events, suppressed);

  const scanRef = { id: current.scanId, at: current.now, source: current.source };
  const claimedKeys = new Set<string>();
  for (const sub of await alerts.subscriptions()) {
    const mine: AlertEvent[] = filterFor(open, sub.filters, current);
    if (mine.length === 0) continue;
    if (!canDeliver(sub, notifiers)) {
      // Not claimed: the channel gets its alerts once the service can reach it.
      log('alerts.no_notifier', { level: 'warn', channel: sub.channel.kind });
      continue;
    }
    const channel = channelKey(sub.channel);
    // Claimed before sending: another replica running at once sends each alert to this channel
    // only if its own claim got it, and a crash after the claim loses an alert rather than repeats it.
    const claimed = new Set(
      (
        await alerts.claim(
          mine.map((event) => ({ key: keyOf(event), channel })),
          now,
        )
      ).map((c) => c.key),
    );
    const mineNow = mine.filter((event) => claimed.has(keyOf(event)));
    for (const key of claimed) claimedKeys.add(key);
    for (const message of digestOrSingle(mineNow, deps.digestMax)) {
      const keys = messageKeys(message);
      const group =
        keys.join(',').length > BUTTON_DATA_LIMIT ? await deps.alerts.saveGroup(keys, deps.now) : undefined;
      const view = alertView(message, {
        scan: scanRef,
        keys,
        state: null,
        parameters: parametersOf(current),
        ...(group ? { group } : {}),
      });
      const claims = keys.map((key) => ({ key, channel }));
      try {
        if (deps.enqueue) {
          await deps.enqueue({ channel: sub.channel, view, claims });
          result.queued++;
        } else {
          await deliverTo(sub, view, notifiers);
          result.delivered++;
          telemetry.count('certify.alerts.sent', 1, { 'certify.channel': sub.channel.kind });
        }
      } catch (error) {
        result.failed++;
        telemetry.count('certify.alerts.failed', 1, { 'certify.channel': sub.channel.kind });
        log('alerts.delivery_failed', {
          level: 'error',
          channel: sub.channel.kind,
          error: (error as Error).message ?? String(error),
        });
        // Released, so the next run tries this channel again.
        await alerts.release(claims);
      }
    }
  }
  result.fresh = claimedKeys.size;
  log('alerts.run', { scanId: current.scanId, ...result });
  return result;
}
