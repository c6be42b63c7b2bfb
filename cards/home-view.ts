/**
 * Certify's Slack App Home: the view model (what the home shows, from the latest saved scan, the
 * trend and the alert subscriptions) and its Block Kit `home` view. Pure: the caller reads the
 * stores and passes in what they hold; Slack's views.publish is the caller's.
 */
import { DISCLAIMER, shortId } from '../base/present.js';
import type { ScanResult } from '../scanner/scan.js';
import { parametersOf } from '../scanner/scan.js';
import type { Trend } from '../scanner/trend.js';
import { trendView } from './history-views.js';
import { clip, formatScore, formatWhen, moreText, plural, trendText } from './text.js';
import { sparklineCaption } from './trend-text.js';
import type { ActionView, Tone, TrendView } from './views.js';

export type ExpiryThreshold = 'expired' | 'critical' | 'soon';

/** Assets listed per expiry group, Critical rules and subscriptions shown; the rest are counted. */
export const HOME_MAX_ASSETS = 8;
export const HOME_MAX_CRITICAL = 5;
export const HOME_MAX_SUBSCRIPTIONS = 10;
/** Slack's limits for a home view and an image block. */
export const HOME_LIMITS = { blocks: 100, altText: 2000, imageUrl: 3000, sectionText: 3000 } as const;

export interface HomeChart {
  url: string;
  alt: string;
}

export interface HomeSubscription {
  channelId: string;
  /** The filters, worded, e.g. "vault kv-prod · High or above"; "all alerts" without filters. */
  filters: string;
  createdBy: string;
  /** ISO 8601. */
  createdAt: string;
  /** Set up by the viewer. */
  yours: boolean;
}

export interface HomeInput {
  /** The score over the saved scans, newest first. */
  trend: Trend;
  /** The latest saved scan, or null before the first one. */
  latest: ScanResult | null;
  /** A rule's name for its id (built-in or custom). */
  ruleName: (id: string) => string | undefined;
  /**
   * The rules whose failing assets are past each expiry threshold (the alerts' own table):
   * `expired`, within the critical window (7 days by default), within the soon window (30).
   */
  thresholdRules: Readonly<Record<ExpiryThreshold, readonly string[]>>;
  /** Alert subscriptions of Slack channels. */
  subscriptions: readonly HomeSubscription[];
  /** The newest evidence bundle, for a button that shows its card. */
  evidence: { id: string; title: string } | null;
  /** A picture of the trend; the sparkline stays as its text. */
  chart?: HomeChart | null;
}

export interface HomeView {
  title: string;
  /** Null before the first saved scan. */
  trend: TrendView | null;
  chart: HomeChart | null;
  /** Most urgent first; an asset is listed in its most urgent group only. */
  expiring: { threshold: ExpiryThreshold; label: string; tone: Tone; assets: string[]; more: number }[];
  /** Failing Critical rules of the latest scan, most failing assets first. */
  critical: { id: string; name: string; failing: string; samples: string[] }[];
  moreCritical: number;
  subscriptions: HomeSubscription[];
  moreSubscriptions: number;
  /** Buttons, with the verbs the action listener hands to the core. */
  actions: ActionView[];
  disclaimer: string;
}

const GROUP_TONE: Record<ExpiryThreshold, Tone> = {
  expired: 'attention',
  critical: 'attention',
  soon: 'warning',
};

function expiringGroups(input: HomeInput): HomeView['expiring'] {
  const { latest } = input;
  if (latest === null) return [];
  const params = parametersOf(latest);
  const labels: Record<ExpiryThreshold, string> = {
    expired: 'Expired',
    critical: `Within ${plural(params.expiringCriticalDays, 'day', 'days')}`,
    soon: `Within ${plural(params.expiringSoonDays, 'day', 'days')}`,
  };
  const failing = new Map(latest.rules.filter((r) => r.status === 'fail').map((r) => [r.id, r.failing]));
  const listed = new Set<string>();
  const groups: HomeView['expiring'] = [];
  for (const threshold of ['expired', 'critical', 'soon'] as const) {
    const assets = [...new Set(input.thresholdRules[threshold].flatMap((id) => failing.get(id) ?? []))]
      .filter((a) => !listed.has(a))
      .sort();
    for (const a of assets) listed.add(a);
    if (assets.length === 0) continue;
    const shown = assets.slice(0, HOME_MAX_ASSETS);
    groups.push({
      threshold,
      label: labels[threshold],
      tone: GROUP_TONE[threshold],
      assets: shown.map(shortId),
      more: assets.length - shown.length,
    });
  }
  return groups;
}

export function homeView(input: HomeInput): HomeView {
  const trend = trendView(input.trend, { ruleName: input.ruleName, maxRows: 0, emptyHint: '' });
  const critical = (input.latest?.rules ?? [])
    .filter((r) => r.severity === 'Critical' && r.status === 'fail')
    .sort((a, b) => b.failing.length - a.failing.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const shownCritical = critical.slice(0, HOME_MAX_CRITICAL);
  const subscriptions = [...input.subscriptions].sort((a, b) => Number(b.yours) - Number(a.yours));
  const shownSubs = subscriptions.slice(0, HOME_MAX_SUBSCRIPTIONS);
  const actions: ActionView[] = [
    { verb: 'score.show', title: 'Score', data: {} },
    { verb: 'trend.show', title: 'Trend', data: {} },
    { verb: 'scan.run', title: 'Scan now', data: {} },
  ];
  if (input.evidence) {
    actions.push({ verb: 'evidence.show', title: 'Latest evidence', data: { id: input.evidence.id } });
  }
  return {
    title: 'Certify',
    trend: trend.kind === 'trend' ? trend : null,
    chart: input.chart ?? null,
    expiring: expiringGroups(input),
    critical: shownCritical.map((r) => ({
      id: r.id,
      name: input.ruleName(r.id) ?? r.name,
      failing: `${r.failing.length} of ${r.evaluated}`,
      samples: r.failing.slice(0, 3).map(shortId),
    })),
    moreCritical: critical.length - shownCritical.length,
    subscriptions: shownSubs,
    moreSubscriptions: subscriptions.length - shownSubs.length,
    actions,
    disclaimer: DISCLAIMER,
  };
}

// ── Block Kit ───────────────────────────────────────────────────────────────────────────────

/** The blocks a home view uses; `image` is the trend chart. */
export type HomeBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'divider' }
  | { type: 'image'; image_url: string; alt_text: string; title?: { type: 'plain_text'; text: string } }
  | {
      type: 'actions';
      elements: {
        type: 'button';
        text: { type: 'plain_text'; text: string };
        action_id: string;
        value: string;
      }[];
    };

export interface HomeTab {
  type: 'home';
  blocks: HomeBlock[];
}

const TONE_EMOJI: Record<Tone, string> = { good: '🟢', warning: '🟠', attention: '🔴', neutral: '⚪' };

/** Slack mrkdwn needs &, < and > escaped; nothing else is touched. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const section = (text: string): HomeBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, HOME_LIMITS.sectionText) },
});
const context = (text: string): HomeBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, HOME_LIMITS.sectionText) }],
});
const divider: HomeBlock = { type: 'divider' };

/** A channel id becomes a link Slack names for each viewer; anything else is shown as text. */
function channelRef(id: string): string {
  return /^[CG][A-Z0-9]{2,}$/.test(id) ? `<#${id}>` : esc(id);
}

function scoreBlocks(view: HomeView): HomeBlock[] {
  const t = view.trend;
  if (t === null) {
    return [
      section('⚪ *No saved scan yet.* Press *Scan now* to run and save one; scheduled scans are saved too.'),
    ];
  }
  const rating = t.rating ? ` · *${esc(t.rating)}*` : '';
  const change = trendText(t.trend) ?? 'First saved scan';
  const blocks: HomeBlock[] = [
    section(
      `${TONE_EMOJI[t.tone]} *Score ${formatScore(t.score)}*${rating}\n${esc(change)}\n` +
        `_Latest scan ${esc(formatWhen(t.latest.at))} · ${esc(t.latest.source)}_`,
    ),
    section(`*Trend*  \`${t.sparkline.bars}\`\n_${esc(sparklineCaption(t.sparkline))}_`),
  ];
  if (view.chart !== null) {
    blocks.push({
      type: 'image',
      image_url: clip(view.chart.url, HOME_LIMITS.imageUrl),
      alt_text: clip(view.chart.alt, HOME_LIMITS.altText),
    });
  }
  return blocks;
}

function expiringBlocks(view: HomeView): HomeBlock[] {
  if (view.trend === null) return [];
  if (view.expiring.length === 0) return [section('*Expiring soon*\n🟢 Nothing expired or expiring soon.')];
  const blocks: HomeBlock[] = [section('*Expiring soon*')];
  for (const g of view.expiring) {
    const more = g.more > 0 ? `\n_${moreText(g.more, 'asset', 'assets')}_` : '';
    const count = g.assets.length + g.more;
    blocks.push(
      section(
        `${TONE_EMOJI[g.tone]} *${esc(g.label)}* (${count})\n${g.assets.map((a) => `• ${esc(a)}`).join('\n')}${more}`,
      ),
    );
  }
  return blocks;
}

function criticalBlocks(view: HomeView): HomeBlock[] {
  if (view.trend === null) return [];
  if (view.critical.length === 0) return [section('*Failing Critical rules*\n🟢 None.')];
  const lines = view.critical.map(
    (r) =>
      `🔴 *${esc(r.id)}* ${esc(r.name)} — ${esc(r.failing)}` +
      (r.samples.length > 0 ? `\n_${esc(r.samples.join(', '))}_` : ''),
  );
  const blocks = [
    section(`*Failing Critical rules (${view.critical.length + view.moreCritical})*\n${lines.join('\n')}`),
  ];
  if (view.moreCritical > 0) blocks.push(context(`_${moreText(view.moreCritical, 'rule', 'rules')}_`));
  return blocks;
}

function subscriptionBlocks(view: HomeView): HomeBlock[] {
  if (view.subscriptions.length === 0) {
    return [
      section('*Alert subscriptions*\nNo channel gets alerts yet: type `/certify subscribe` in a channel.'),
    ];
  }
  const lines = view.subscriptions.map(
    (s) =>
      `• ${channelRef(s.channelId)} — ${esc(s.filters)} · ${s.yours ? 'set up by you' : `by ${esc(s.createdBy)}`} on ${esc(s.createdAt.slice(0, 10))}`,
  );
  const more =
    view.moreSubscriptions > 0
      ? `\n_${moreText(view.moreSubscriptions, 'subscription', 'subscriptions')}_`
      : '';
  return [section(`*Alert subscriptions*\n${lines.join('\n')}${more}`)];
}

/** The home as Slack's `home` view (views.publish). */
export function homeBlocks(view: HomeView): HomeTab {
  const blocks: HomeBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: view.title, emoji: true } },
    ...scoreBlocks(view),
    divider,
    ...expiringBlocks(view),
    ...criticalBlocks(view),
    divider,
    ...subscriptionBlocks(view),
    {
      type: 'actions',
      elements: view.actions.map((a) => ({
        type: 'button',
        text: { type: 'plain_text', text: clip(a.title, 75) },
        action_id: a.verb,
        value: JSON.stringify(a.data),
      })),
    },
    context(esc(view.disclaimer)),
  ];
  return { type: 'home', blocks: blocks.slice(0, HOME_LIMITS.blocks) };
}

/** One line for logs and tests: the score and how many things need attention. */
export function homeSummary(view: HomeView): string {
  if (view.trend === null) return 'no saved scan';
  const expiring = view.expiring.reduce((n, g) => n + g.assets.length + g.more, 0);
  return `score ${formatScore(view.trend.score)} · ${plural(expiring, 'asset', 'assets')} expiring · ${plural(view.critical.length + view.moreCritical, 'Critical rule', 'Critical rules')} failing`;
}
