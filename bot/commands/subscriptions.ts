/**
 * Proactive alerts in a channel: `/certify subscribe [filters]`, `unsubscribe`, `alerts`, and the
 * Acknowledge / Snooze buttons of an alert card.
 */
import type { MessageView, View } from '../../cards/views.js';
import { CertifyError, isCertifyError } from '../../base/errors.js';
import { SEVERITY_ORDER } from '../../base/severity.js';
import { findFramework } from '../../scanner/frameworks/index.js';
import { parametersOf } from '../../scanner/scan.js';
import type { AlertStore, AlertSubscriptionFilters } from '../../store/alerts.js';
import { digestOrSingle } from '../alerts/diff.js';
import { alertView, eventsFromKeys, SNOOZE_DAYS } from '../alerts/view.js';
import { actorOf, type CommandContext } from './context.js';

const DAY_MS = 86_400_000;
const SUBSCRIBE_EXAMPLE = 'e.g. /certify subscribe vault=kv-prod severity=High framework=pci';

/** A configuration change, recorded in the operator audit log beside the command itself. */
async function audited(
  ctx: CommandContext,
  action: string,
  subject: string,
  details: Record<string, string | number | boolean | null>,
): Promise<void> {
  await ctx.audit?.append({ action, actor: actorOf(ctx), subject, details }, ctx.now);
}

export function alertStore(ctx: CommandContext): AlertStore {
  if (ctx.alerts === undefined) {
    throw new CertifyError(
      'BAD_USAGE',
      'alerts are not set up in this service',
      [],
      'the bot service keeps alert state in its data directory; start it with npm start',
    );
  }
  return ctx.alerts;
}

/** `vault=kv-prod severity=high framework=pci` → validated filters (every problem at once). */
export function parseAlertFilters(args: string): AlertSubscriptionFilters {
  const filters: AlertSubscriptionFilters = {};
  const problems: string[] = [];
  for (const word of args.split(/\s+/).filter((w) => w !== '')) {
    const m = /^([a-z]+)[=:](.+)$/i.exec(word);
    const name = m?.[1]?.toLowerCase();
    const value = m?.[2]?.trim() ?? '';
    if (name === 'vault') {
      if (!/^[a-z0-9-]{1,64}$/i.test(value)) problems.push(`vault "${value}" is not a Key Vault name`);
      else filters.vault = value.toLowerCase();
    } else if (name === 'severity') {
      const found = SEVERITY_ORDER.find((s) => s.toLowerCase() === value.toLowerCase());
      if (found === undefined)
        problems.push(`severity "${value}" is not one of ${SEVERITY_ORDER.join(', ')}`);
      else filters.severity = found;
    } else if (name === 'framework') {
      try {
        filters.framework = findFramework(value).id;
      } catch (e) {
        problems.push(isCertifyError(e) ? e.message : `unknown framework "${value}"`);
      }
    } else {
      problems.push(`"${word}" is not a filter (use vault=, severity= or framework=)`);
    }
  }
  if (problems.length > 0) {
    throw new CertifyError('BAD_USAGE', 'the subscription was not saved', problems, SUBSCRIBE_EXAMPLE);
  }
  return filters;
}

function describeFilters(filters: AlertSubscriptionFilters): string {
  const parts: string[] = [];
  if (filters.vault) parts.push(`vault ${filters.vault} only`);
  if (filters.severity) parts.push(`${filters.severity} severity or above`);
  if (filters.framework) parts.push(`rules cited by ${findFramework(filters.framework).shortName}`);
  return parts.length === 0 ? 'no filters' : parts.join(', ');
}

const WHAT_IS_POSTED =
  'After each scheduled scan this channel gets a card when a secret, key or certificate crosses 30 days, 7 days or expiry, when a Critical rule starts failing, or when the score drops; many changes at once come as one digest. Each asset alerts once per threshold.';

export async function subscribeCommand(args: string, ctx: CommandContext): Promise<MessageView> {
  const store = alertStore(ctx);
  const filters = parseAlertFilters(args);
  await store.subscribe({
    channel: { kind: ctx.channel.kind, id: ctx.channel.id },
    filters,
    createdBy: ctx.user.name || ctx.user.id,
    createdAt: new Date(ctx.now).toISOString(),
  });
  await audited(ctx, 'config.alerts-subscribed', `${ctx.channel.kind}:${ctx.channel.id}`, {
    filters: describeFilters(filters),
  });
  return {
    kind: 'message',
    tone: 'good',
    title: 'Alerts on for this channel',
    text: `${WHAT_IS_POSTED}\nFilters: ${describeFilters(filters)}.`,
    hint: '/certify unsubscribe stops them; /certify alerts shows the subscription.',
    actions: [{ verb: 'score.show', title: 'Score', data: {} }],
  };
}

export async function unsubscribeCommand(ctx: CommandContext): Promise<MessageView> {
  const removed = await alertStore(ctx).unsubscribe({ kind: ctx.channel.kind, id: ctx.channel.id });
  if (removed) await audited(ctx, 'config.alerts-unsubscribed', `${ctx.channel.kind}:${ctx.channel.id}`, {});
  return {
    kind: 'message',
    tone: removed ? 'good' : 'neutral',
    title: removed ? 'Alerts off for this channel' : 'No alerts to stop',
    text: removed
      ? 'This channel no longer receives alerts after scheduled scans.'
      : 'This channel had no alert subscription.',
    hint: '/certify subscribe turns them on.',
    actions: [],
  };
}

export async function alertsCommand(ctx: CommandContext): Promise<MessageView> {
  const store = alertStore(ctx);
  const sub = (await store.subscriptions()).find(
    (s) => s.channel.kind === ctx.channel.kind && s.channel.id === ctx.channel.id,
  );
  const sent = await store.sentKeys();
  const flags = await Promise.all([...sent].map((k) => store.isSuppressed(k, ctx.now)));
  const suppressed = flags.filter(Boolean).length;
  const counts = { expired: 0, '7d': 0, '30d': 0, critical: 0 };
  for (const key of sent) {
    const m = /^threshold:(expired|7d|30d):/.exec(key);
    if (m) counts[m[1] as 'expired' | '7d' | '30d']++;
    else if (key.startsWith('critical:')) counts.critical++;
  }
  const state =
    sent.size === 0
      ? 'No alerts are open.'
      : `Open alerts: ${counts.expired} expired, ${counts['7d']} within 7 days, ${counts['30d']} within 30 days, ${counts.critical} Critical rules; ${suppressed} acknowledged or snoozed.`;
  return {
    kind: 'message',
    tone: 'neutral',
    title: sub ? 'Alerts for this channel' : 'No alerts in this channel',
    text: sub
      ? `Subscribed by ${sub.createdBy} on ${sub.createdAt.slice(0, 10)} (${describeFilters(sub.filters)}).\n${state}`
      : `This channel has no subscription.\n${state}`,
    hint: sub
      ? '/certify unsubscribe stops them.'
      : `/certify subscribe turns them on (${SUBSCRIBE_EXAMPLE}).`,
    actions: [{ verb: 'score.show', title: 'Score', data: {} }],
  };
}

export async function alertActionCommand(
  action: 'ack' | 'snooze',
  keys: string[],
  ctx: CommandContext,
): Promise<View> {
  const store = alertStore(ctx);
  if (keys.length === 0) {
    throw new CertifyError('BAD_INPUT', 'this button names no alert', [], 'run /certify alerts');
  }
  const by = ctx.user.name || ctx.user.id;
  const until = ctx.now + SNOOZE_DAYS * DAY_MS;
  for (const key of keys) {
    if (action === 'ack') await store.acknowledge(key, by, ctx.now);
    else await store.snooze(key, by, until);
  }
  const latest = await ctx.ports.scans.latest();
  const events = eventsFromKeys(keys, latest, await ctx.ports.scans.history(50));
  const messages = digestOrSingle(events);
  const state = {
    kind: action === 'ack' ? ('acknowledged' as const) : ('snoozed' as const),
    by,
    at: new Date(ctx.now).toISOString(),
    until: action === 'ack' ? null : new Date(until).toISOString(),
  };
  const first = messages[0];
  const scanRef = latest
    ? { id: latest.scanId, at: latest.now, source: latest.source }
    : { id: '', at: state.at, source: '' };
  if (first === undefined) {
    return {
      kind: 'message',
      tone: 'good',
      title: action === 'ack' ? 'Alert acknowledged' : `Alert snoozed for ${SNOOZE_DAYS} days`,
      text: `${keys.length} alert(s) ${state.kind} by ${by}.`,
      hint: null,
      actions: [{ verb: 'score.show', title: 'Score', data: {} }],
    };
  }
  return alertView(first, {
    scan: scanRef,
    keys,
    state,
    ...(latest ? { parameters: parametersOf(latest) } : {}),
  });
}
