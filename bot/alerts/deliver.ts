/**
 * One alert run after a scheduled scan: diff the latest scan against the one before it, forget
 * alerts whose condition cleared, pick what was not sent (nor acknowledged / snoozed), and post
 * it to every subscribed channel through its filters, one card per event or one digest.
 */
import type { View } from '../../cards/views.js';
import type { CertifyPorts } from '../../services/scan.js';
import { parametersOf, type ScanResult } from '../../scanner/scan.js';
import type { AlertStore, AlertSubscription } from '../../store/alerts.js';
import type { ScanSummary } from '../../scanner/summary.js';
import type { Log } from '../types.js';
import {
  clearedKeys,
  diffScans,
  digestOrSingle,
  filterFor,
  keyOf,
  selectNew,
  type AlertEvent,
  type AlertMessage,
  type DiffOptions,
} from './diff.js';
import { alertView } from './view.js';

export interface AlertNotifiers {
  slack?: { post(channelId: string, view: View): Promise<unknown> };
  teams?: { send(conversationKey: string, view: View): Promise<unknown> };
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
}

export interface RunAlertsResult {
  /** Events the diff found. */
  events: number;
  /** Events not sent before (nor suppressed). */
  fresh: number;
  /** Cards posted, over all channels. */
  delivered: number;
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

async function deliverTo(sub: AlertSubscription, view: View, notifiers: AlertNotifiers): Promise<boolean> {
  const { kind, id } = sub.channel;
  if (kind === 'slack' && notifiers.slack) await notifiers.slack.post(id, view);
  else if (kind === 'teams' && notifiers.teams) await notifiers.teams.send(id, view);
  else if (kind === 'playground' && notifiers.playground) await notifiers.playground.push(view);
  else return false;
  return true;
}

/** Keys beyond this many characters go into a saved group (Slack caps a button's value at 2,000). */
const BUTTON_DATA_LIMIT = 1500;

export async function runAlerts(deps: RunAlertsDeps): Promise<RunAlertsResult> {
  const { ports, alerts, notifiers, now, log } = deps;
  const result: RunAlertsResult = { events: 0, fresh: 0, delivered: 0, failed: 0 };
  const current = await ports.scans.latest();
  if (current === null) {
    log('alerts.no_scan', {});
    return result;
  }
  const summary = ports.scans.previous();
  const previous = summary === null ? null : previousAsResult(summary, current);
  const events = diffScans(previous, current, deps.diff);
  result.events = events.length;

  await alerts.clear(clearedKeys(current, alerts.sentKeys()));

  const sent = alerts.sentKeys();
  for (const event of events) {
    const key = keyOf(event);
    if (alerts.isSuppressed(key, now)) sent.add(key);
  }
  const { fresh, keys } = selectNew(events, sent);
  result.fresh = fresh.length;
  if (fresh.length === 0) {
    log('alerts.run', { scanId: current.scanId, ...result });
    return result;
  }

  const scanRef = { id: current.scanId, at: current.now, source: current.source };
  for (const sub of alerts.subscriptions()) {
    const mine: AlertEvent[] = filterFor(fresh, sub.filters, current);
    for (const message of digestOrSingle(mine, deps.digestMax)) {
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
      try {
        if (await deliverTo(sub, view, notifiers)) result.delivered++;
        else log('alerts.no_notifier', { level: 'warn', channel: sub.channel.kind });
      } catch (error) {
        result.failed++;
        log('alerts.delivery_failed', {
          level: 'error',
          channel: sub.channel.kind,
          error: (error as Error).message ?? String(error),
        });
      }
    }
  }
  // One alert per asset per threshold: sent once, whatever the channels did with it.
  await alerts.markSent(keys, now);
  log('alerts.run', { scanId: current.scanId, ...result });
  return result;
}
