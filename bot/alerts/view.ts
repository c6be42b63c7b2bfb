/**
 * An alert (one event, or a digest of many from one scan) → the AlertView the renderers draw.
 * Pure: the scan it came from, the dedup keys it stands for, and its acknowledgement state are
 * passed in. Also the way back, from dedup keys to events, so a card re-renders after a button.
 */
import type { ActionView, AlertView, Tone } from '../../cards/views.js';
import { shortId } from '../../base/present.js';
import type { ScanSummary } from '../../scanner/summary.js';
import type { ScanResult } from '../../scanner/scan.js';
import { DEFAULT_PARAMETERS, type OrgParameters } from '../../scanner/rules/parameters.js';
import { THRESHOLD_RULES, vaultOf, type AlertEvent, type AlertMessage, type Threshold } from './diff.js';

/** Lines a digest lists before "and N more". */
export const MAX_ALERT_ITEMS = 8;
export const SNOOZE_DAYS = 7;

export interface AlertViewContext {
  scan: { id: string; at: string; source: string };
  /** The dedup keys this alert stands for (echoed by its buttons). */
  keys: readonly string[];
  /** Set when the keys were saved as a group (AlertStore.saveGroup): the buttons carry its id. */
  group?: string;
  state: AlertView['state'];
  /** The scan's organisation parameters (default DEFAULT_PARAMETERS), for the thresholds' wording. */
  parameters?: OrgParameters;
}

/** The threshold in words, with the organisation's days (the keys keep the default names). */
function thresholdText(threshold: Threshold, parameters: OrgParameters): string {
  switch (threshold) {
    case 'expired':
      return 'has expired';
    case '7d':
      return `expires within ${parameters.expiringCriticalDays} days`;
    case '30d':
      return `expires within ${parameters.expiringSoonDays} days`;
  }
}

function assetNoun(assetId: string): string {
  if (/\/certificates\//i.test(assetId)) return 'Certificate';
  if (/\/keys\//i.test(assetId)) return 'Key';
  if (/\/secrets\//i.test(assetId)) return 'Secret';
  return 'Asset';
}

function itemOf(event: AlertEvent, parameters: OrgParameters): AlertView['items'][number] {
  switch (event.kind) {
    case 'threshold':
      return {
        kind: event.threshold,
        text: `${assetNoun(event.assetId)} ${thresholdText(event.threshold, parameters)}`,
        subject: shortId(event.assetId),
        ruleId: event.ruleId,
      };
    case 'critical-rule':
      return {
        kind: 'critical-rule',
        text: `Critical rule now failing: ${event.name} (${event.failing} affected)`,
        subject: event.ruleId,
        ruleId: event.ruleId,
      };
    case 'score-drop':
      return {
        kind: 'score-drop',
        text: `Evidence score fell ${round1(event.delta)} points, from ${round1(event.from)} to ${round1(event.to)}`,
        subject: null,
        ruleId: null,
      };
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function isUrgent(event: AlertEvent): boolean {
  return (event.kind === 'threshold' && event.threshold === 'expired') || event.kind === 'critical-rule';
}

function titleOf(event: AlertEvent, parameters: OrgParameters): string {
  switch (event.kind) {
    case 'threshold':
      return `${assetNoun(event.assetId)} ${thresholdText(event.threshold, parameters)}`;
    case 'critical-rule':
      return 'A Critical rule started failing';
    case 'score-drop':
      return 'Evidence score dropped';
  }
}

export function alertView(message: AlertMessage, ctx: AlertViewContext): AlertView {
  const events = message.kind === 'digest' ? message.events : [message];
  const tone: Tone = events.some(isUrgent) ? 'attention' : 'warning';
  const parameters = ctx.parameters ?? DEFAULT_PARAMETERS;
  const title =
    message.kind === 'digest' ? `${events.length} changes since the last scan` : titleOf(message, parameters);
  const items = events.map((e) => itemOf(e, parameters));
  const shown = items.slice(0, MAX_ALERT_ITEMS);
  // A digest's keys can outgrow what a button may carry; then the buttons name the saved group.
  const data: Record<string, string> = ctx.group ? { group: ctx.group } : { keys: ctx.keys.join(',') };
  const actions: ActionView[] = [
    { verb: 'alert.ack', title: 'Acknowledge', data, style: 'positive' },
    { verb: 'alert.snooze', title: `Snooze ${SNOOZE_DAYS} days`, data: { ...data } },
    { verb: 'score.show', title: 'Score', data: {} },
  ];
  return {
    kind: 'alert',
    tone,
    title,
    scan: { ...ctx.scan },
    items: shown,
    moreItems: items.length - shown.length,
    state: ctx.state === null ? null : { ...ctx.state },
    actions,
  };
}

function thresholdRuleFor(threshold: Threshold, assetId: string, scan: ScanResult | null): string {
  const candidates = THRESHOLD_RULES[threshold];
  const failing = scan?.rules.find((r) => candidates.includes(r.id) && r.failing.includes(assetId));
  if (failing) return failing.id;
  const noun = assetNoun(assetId);
  const prefix = noun === 'Certificate' ? 'C' : noun === 'Key' ? 'K' : 'P';
  return candidates.find((id) => id.startsWith(prefix)) ?? (candidates[0] as string);
}

/**
 * The events behind dedup keys, as well as the latest scan and history still tell: used to
 * re-render an alert card after Acknowledge or Snooze. Unknown keys are skipped.
 */
export function eventsFromKeys(
  keys: readonly string[],
  scan: ScanResult | null,
  history: readonly ScanSummary[],
): AlertEvent[] {
  const events: AlertEvent[] = [];
  for (const key of keys) {
    const threshold = /^threshold:(expired|7d|30d):(.+)$/s.exec(key);
    if (threshold) {
      const t = threshold[1] as Threshold;
      const assetId = threshold[2] as string;
      events.push({
        kind: 'threshold',
        threshold: t,
        assetId,
        ruleId: thresholdRuleFor(t, assetId, scan),
        vault: vaultOf(assetId),
      });
      continue;
    }
    const critical = /^critical:(.+)$/s.exec(key);
    if (critical) {
      const ruleId = critical[1] as string;
      const rule = scan?.rules.find((r) => r.id === ruleId);
      events.push({
        kind: 'critical-rule',
        ruleId,
        name: rule?.name ?? ruleId,
        failing: rule?.failing.length ?? 0,
      });
      continue;
    }
    const drop = /^score-drop:(.+)$/s.exec(key);
    if (drop) {
      const scanId = drop[1] as string;
      const index = history.findIndex((s) => s.scanId === scanId);
      const to = history[index]?.score ?? null;
      const from = index === -1 ? null : (history[index + 1]?.score ?? null);
      if (to !== null && from !== null) {
        events.push({ kind: 'score-drop', from, to, delta: from - to, scanId });
      }
    }
  }
  return events;
}

/**
 * The card of an alert that resolved (a new version of its asset), to replace the posted one in
 * place: the same title and item, a good tone, what resolved it, and no buttons (there is nothing
 * left to acknowledge or snooze).
 */
export function resolvedAlertView(
  event: AlertEvent,
  ctx: Omit<AlertViewContext, 'state' | 'keys' | 'group'> & { resolvedAt: string; by: string },
): AlertView {
  const view = alertView(event, {
    scan: ctx.scan,
    keys: [],
    state: null,
    ...(ctx.parameters ? { parameters: ctx.parameters } : {}),
  });
  return {
    ...view,
    tone: 'good',
    title: `Resolved: ${view.title}`,
    state: { kind: 'resolved', by: ctx.by, at: ctx.resolvedAt, until: null },
    actions: [],
  };
}
