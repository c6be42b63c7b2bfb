/**
 * Shared wording and cutting for the renderers. Both cards/adaptive.ts and cards/blockkit.ts cut
 * a view with the same {@link Caps} and word it with the same helpers, so Teams and Slack show
 * the same facts and the same "and N more" counts. Pure functions only: no I/O, no SDKs.
 */
import { formatScore } from '../base/present.js';
import type {
  ActionView,
  AlertView,
  ControlView,
  EvidenceView,
  HelpView,
  InputView,
  MessageView,
  ParametersView,
  RuleLine,
  RulesView,
  ScoreView,
  Tone,
  View,
} from './views.js';

/** How much of each list and string a rendering shows. */
export interface Caps {
  failing: number;
  samples: number;
  breakdown: number;
  controls: number;
  controlRules: number;
  builtIn: number;
  custom: number;
  commands: number;
  /** Alert lines (a digest's changes). */
  alerts: number;
  /** Longest paragraph (summary, note, disclaimer, message text). */
  text: number;
  /** Longest name, label or sample id. */
  name: number;
}

/**
 * Cut steps, loosest first. A renderer tries each in turn and keeps the first that fits its
 * channel's limits; the first step fits both channels for every realistic view.
 */
export const CAP_STEPS: readonly Caps[] = [
  {
    failing: 10,
    samples: 3,
    breakdown: 30,
    controls: 8,
    controlRules: 10,
    builtIn: 60,
    custom: 25,
    commands: 30,
    alerts: 20,
    text: 1500,
    name: 120,
  },
  {
    failing: 10,
    samples: 1,
    breakdown: 20,
    controls: 5,
    controlRules: 6,
    builtIn: 40,
    custom: 15,
    commands: 20,
    alerts: 15,
    text: 600,
    name: 90,
  },
  {
    failing: 5,
    samples: 0,
    breakdown: 10,
    controls: 3,
    controlRules: 3,
    builtIn: 20,
    custom: 8,
    commands: 12,
    alerts: 10,
    text: 300,
    name: 70,
  },
  {
    failing: 3,
    samples: 0,
    breakdown: 5,
    controls: 1,
    controlRules: 2,
    builtIn: 8,
    custom: 4,
    commands: 8,
    alerts: 5,
    text: 150,
    name: 50,
  },
];

/** Buttons shown at most (Teams shows few actions well; Slack allows 25). */
export const MAX_ACTIONS = 6;
/** Slack: header plain_text, button text and action value limits (applied to both channels). */
export const MAX_TITLE = 150;
export const MAX_BUTTON = 75;
export const MAX_ACTION_VALUE = 2000;

/** Cuts `s` to at most `max` characters (code points), ending in "…" when cut. */
export function clip(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  if (max <= 1) return '…'.slice(0, max);
  return chars.slice(0, max - 1).join('') + '…';
}

/** Like {@link clip} but keeps both ends: ids tell most at their start and end. */
export function clipMiddle(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  if (max <= 3) return clip(s, max);
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return chars.slice(0, head).join('') + '…' + chars.slice(chars.length - tail).join('');
}

/** UTF-8 size of a string, in bytes. */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

function fmtNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

// One formatting of scores for the CLI and both card renderers (core/present.ts is pure: no I/O).
export { formatScore };

/** "2026-11-22 14:03 UTC" for a full ISO timestamp; other strings unchanged. */
export function formatWhen(at: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(at)) return at;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "▲ 2.5 since 2026-11-22", "▼ 1 since …", "No change since …", or null without a previous scan. */
export function trendText(trend: ScoreView['trend']): string | null {
  if (!trend) return null;
  const since = formatWhen(trend.previousAt);
  if (trend.delta === null || trend.previous === null) return `No score to compare with from ${since}`;
  const delta = Math.round(trend.delta * 10) / 10;
  if (delta > 0) return `▲ ${fmtNumber(delta)} since ${since}`;
  if (delta < 0) return `▼ ${fmtNumber(-delta)} since ${since}`;
  return `No change since ${since}`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "and 3 more failing rules". */
export function moreText(n: number, one: string, many: string): string {
  return `and ${n} more ${n === 1 ? one : many}`;
}

/** The score view's scope as facts (label, value), its trend last when there is one. */
export function scopeFacts(view: ScoreView): [string, string][] {
  const facts: [string, string][] = [
    ['Source', view.scope.source],
    ['Scanned', formatWhen(view.scope.at)],
    ['Vaults', String(view.scope.vaults)],
    ['Assets', String(view.scope.assets)],
  ];
  const trend = trendText(view.trend);
  if (trend) facts.push(['Trend', trend]);
  return facts;
}

export function countsText(counts: ScoreView['counts']): string {
  return `${counts.pass} passing · ${counts.fail} failing · ${counts.notApplicable} not applicable`;
}

export function scopeText(scope: ScoreView['scope']): string {
  return `${plural(scope.vaults, 'vault', 'vaults')} · ${plural(scope.assets, 'asset', 'assets')}`;
}

export const COVERAGE_LABEL: Record<ControlView['controls'][number]['coverage'], string> = {
  direct: 'Direct evidence',
  supporting: 'Supporting evidence',
  customer: 'Your responsibility',
};

export type Status = ControlView['controls'][number]['status'];

export const STATUS_LABEL: Record<Status, string> = {
  pass: 'Passing',
  fail: 'Failing',
  not_applicable: 'Not applicable',
  customer: 'Your part',
};

export const STATUS_TONE: Record<Status, Tone> = {
  pass: 'good',
  fail: 'attention',
  not_applicable: 'neutral',
  customer: 'warning',
};

/** Severity → tone, most severe loudest. Unknown severities (custom rules) are neutral. */
export function severityTone(severity: string): Tone {
  switch (severity) {
    case 'Critical':
      return 'attention';
    case 'High':
      return 'warning';
    default:
      return 'neutral';
  }
}

/** "kv-prod/secrets/a, kv-prod/keys/b, and 4 more" — or null when there is nothing to list. */
export function samplesText(samples: string[], more: number): string | null {
  if (samples.length === 0 && more === 0) return null;
  if (samples.length === 0) return plural(more, 'affected asset', 'affected assets');
  const list = samples.join(', ');
  return more > 0 ? `${list}, ${moreText(more, 'asset', 'assets')}` : list;
}

// ── Cutting ────────────────────────────────────────────────────────────────────────────────

export interface CutSamples {
  samples: string[];
  moreSamples: number;
}

function cutSamples(samples: string[], moreSamples: number, caps: Caps): CutSamples {
  const shown = samples.slice(0, caps.samples).map((s) => clipMiddle(s, caps.name));
  return { samples: shown, moreSamples: moreSamples + (samples.length - shown.length) };
}

export type CutRule = Omit<RuleLine, 'samples' | 'moreSamples'> & CutSamples;

export interface CutScore {
  title: string;
  failing: CutRule[];
  moreFailing: number;
  breakdown: ScoreView['breakdown'];
  moreBreakdown: number;
  /** The non-default organisation parameters the result used, or null. */
  parameters: string | null;
  disclaimer: string;
  actions: ActionView[];
}

export function cutScore(view: ScoreView, caps: Caps): CutScore {
  const failing = view.failing.slice(0, caps.failing).map((r) => ({
    id: clip(r.id, caps.name),
    name: clip(r.name, caps.name),
    severity: r.severity,
    failing: clip(r.failing, caps.name),
    ...cutSamples(r.samples, r.moreSamples, caps),
  }));
  const breakdown = view.breakdown.slice(0, caps.breakdown).map((b) => ({
    id: clip(b.id, caps.name),
    label: clip(b.label, caps.name),
    score: b.score,
    status: clip(b.status, caps.name),
  }));
  return {
    title: clip(view.title, MAX_TITLE),
    failing,
    moreFailing: view.moreFailing + (view.failing.length - failing.length),
    breakdown,
    moreBreakdown: view.breakdown.length - breakdown.length,
    parameters: view.parameters ? clip(view.parameters, caps.text) : null,
    disclaimer: clip(view.disclaimer, caps.text),
    actions: cutActions(view.actions),
  };
}

export interface CutControlRule extends CutSamples {
  id: string;
  name: string;
  status: 'pass' | 'fail' | 'not_applicable';
}

export interface CutControl {
  id: string;
  title: string;
  coverage: ControlView['controls'][number]['coverage'];
  status: Status;
  score: number | null;
  summary: string;
  customerNote: string | null;
  rules: CutControlRule[];
  moreRules: number;
}

export interface CutControlView {
  title: string;
  frameworkName: string;
  redirectNote: string | null;
  /** The non-default organisation parameters the result used, or null. */
  parameters: string | null;
  controls: CutControl[];
  moreControls: number;
  disclaimer: string;
  actions: ActionView[];
}

export function cutControl(view: ControlView, caps: Caps): CutControlView {
  const controls = view.controls.slice(0, caps.controls).map((c) => {
    const rules = c.rules.slice(0, caps.controlRules).map((r) => ({
      id: clip(r.id, caps.name),
      name: clip(r.name, caps.name),
      status: r.status,
      ...cutSamples(r.samples, r.moreSamples, caps),
    }));
    return {
      id: clip(c.id, caps.name),
      title: clip(c.title, caps.name * 2),
      coverage: c.coverage,
      status: c.status,
      score: c.score,
      summary: clip(c.summary, caps.text),
      customerNote: c.customerNote === null ? null : clip(c.customerNote, caps.text),
      rules,
      moreRules: c.rules.length - rules.length,
    };
  });
  const only = view.controls.length === 1 ? view.controls[0] : undefined;
  const title = only
    ? `${view.framework.shortName} ${only.id} · ${only.title}`
    : `${view.framework.shortName} · ${view.query}`;
  return {
    title: clip(title, MAX_TITLE),
    frameworkName: clip(view.framework.name, caps.name * 2),
    redirectNote: view.redirectNote === null ? null : clip(view.redirectNote, caps.text),
    parameters: view.parameters ? clip(view.parameters, caps.text) : null,
    controls,
    moreControls: view.controls.length - controls.length,
    disclaimer: clip(view.disclaimer, caps.text),
    actions: cutActions(view.actions),
  };
}

export interface CutRules {
  builtIn: RulesView['builtIn'];
  moreBuiltIn: number;
  custom: RulesView['custom'];
  moreCustom: number;
  actions: ActionView[];
}

export function cutRules(view: RulesView, caps: Caps): CutRules {
  const builtIn = view.builtIn.slice(0, caps.builtIn).map((r) => ({
    ...r,
    id: clip(r.id, caps.name),
    name: clip(r.name, caps.name),
    severity: clip(r.severity, 20),
    class: clip(r.class, caps.name),
  }));
  const custom = view.custom.slice(0, caps.custom).map((r) => ({
    ...r,
    id: clip(r.id, caps.name),
    name: clip(r.name, caps.name),
    severity: clip(r.severity, 20),
    condition: clip(r.condition, caps.name * 2),
  }));
  return {
    builtIn,
    moreBuiltIn: view.builtIn.length - builtIn.length,
    custom,
    moreCustom: view.custom.length - custom.length,
    actions: cutActions(view.actions),
  };
}

export function cutParameters(view: ParametersView, caps: Caps): ParametersView {
  return {
    ...view,
    title: clip(view.title, MAX_TITLE),
    text: clip(view.text, caps.text * 2),
    rows: view.rows.map((r) => ({
      ...r,
      name: clip(r.name, caps.name),
      value: clip(r.value, caps.name),
      defaultValue: clip(r.defaultValue, caps.name),
      allowed: clip(r.allowed, caps.name),
      rules: clip(r.rules, caps.name),
    })),
    note: view.note === null ? null : clip(view.note, caps.text),
    actions: cutActions(view.actions),
  };
}

/** "45 days (default 30 days)" or "30 days (default)". */
export function parameterValueLine(row: ParametersView['rows'][number]): string {
  return row.isDefault ? `${row.value} (default)` : `${row.value} (default ${row.defaultValue})`;
}

export interface CutHelp {
  title: string;
  unknown: HelpView['unknown'];
  commands: HelpView['commands'];
  moreCommands: number;
}

export function cutHelp(view: HelpView, caps: Caps): CutHelp {
  const commands = view.commands.slice(0, caps.commands).map((c) => ({
    usage: clip(c.usage, caps.name),
    description: clip(c.description, caps.text),
  }));
  return {
    title: view.unknown ? 'Unknown command' : 'Certify commands',
    unknown: view.unknown && {
      input: clip(view.unknown.input, caps.name),
      suggestion: view.unknown.suggestion === null ? null : clip(view.unknown.suggestion, caps.name),
    },
    commands,
    moreCommands: view.commands.length - commands.length,
  };
}

/** "I don't know "foo"." and "Did you mean `score`?" lines for the help view. */
export function unknownText(unknown: NonNullable<HelpView['unknown']>): {
  line: string;
  suggestion: string | null;
} {
  return {
    line: `I don't know “${unknown.input}”.`,
    suggestion: unknown.suggestion === null ? null : `Did you mean “${unknown.suggestion}”?`,
  };
}

export function cutMessage(view: MessageView, caps: Caps): MessageView {
  return {
    ...view,
    title: clip(view.title, MAX_TITLE),
    text: clip(view.text, caps.text * 2),
    hint: view.hint === null ? null : clip(view.hint, caps.text),
    actions: cutActions(view.actions),
  };
}

// ── Alerts ─────────────────────────────────────────────────────────────────────────────────

/** Marks a proactive alert's title in both channels. */
export const ALERT_MARKER = '🔔';

const ALERT_KINDS: Record<string, { label: string; tone: Tone }> = {
  expired: { label: 'EXPIRED', tone: 'attention' },
  '7d': { label: '7 DAYS', tone: 'warning' },
  '30d': { label: '30 DAYS', tone: 'neutral' },
  'critical-rule': { label: 'CRITICAL RULE', tone: 'attention' },
  'score-drop': { label: 'SCORE DROP', tone: 'warning' },
};

/** Badge label and tone of an alert line's kind; unknown kinds show upper-cased and neutral. */
export function alertKind(kind: string): { label: string; tone: Tone } {
  return ALERT_KINDS[kind] ?? { label: clip(kind.toUpperCase(), 20), tone: 'neutral' };
}

/** "Scanned 2026-11-29 09:14 UTC · azure (3 subscriptions)". */
export function alertScanText(scan: AlertView['scan']): string {
  return `Scanned ${formatWhen(scan.at)} · ${scan.source}`;
}

/** "Acknowledged by Ana at …", "Snoozed by Ana until …", "Resolved at …: a new version", or null when nobody acted on it yet. */
export function alertStateText(state: AlertView['state']): string | null {
  if (!state) return null;
  if (state.kind === 'acknowledged') return `Acknowledged by ${state.by} at ${formatWhen(state.at)}`;
  if (state.kind === 'resolved') return `Resolved at ${formatWhen(state.at)}: ${state.by}`;
  return state.until === null
    ? `Snoozed by ${state.by} at ${formatWhen(state.at)}`
    : `Snoozed by ${state.by} until ${formatWhen(state.until)}`;
}

export interface CutAlertItem {
  kind: string;
  label: string;
  tone: Tone;
  text: string;
  /** Subject and rule id for the subtle line under the text, or null when there is neither. */
  detail: string | null;
}

export interface CutAlert {
  /** Title with the {@link ALERT_MARKER}. */
  title: string;
  scanLine: string;
  items: CutAlertItem[];
  moreItems: number;
  state: string | null;
  actions: ActionView[];
}

export function cutAlert(view: AlertView, caps: Caps): CutAlert {
  const items = view.items.slice(0, caps.alerts).map((item) => {
    const { label, tone } = alertKind(item.kind);
    const parts: string[] = [];
    if (item.subject) parts.push(clipMiddle(item.subject, caps.name));
    if (item.ruleId && item.ruleId !== item.subject) parts.push(clip(item.ruleId, caps.name));
    return {
      kind: item.kind,
      label,
      tone,
      text: clip(item.text, caps.name * 2),
      detail: parts.length > 0 ? parts.join(' · ') : null,
    };
  });
  const state = alertStateText(view.state);
  return {
    title: `${ALERT_MARKER} ${clip(view.title, MAX_TITLE - 3)}`,
    scanLine: clip(alertScanText(view.scan), caps.text),
    items,
    moreItems: view.moreItems + (view.items.length - items.length),
    state: state === null ? null : clip(state, caps.text),
    actions: cutActions(view.actions),
  };
}

// ── Evidence ───────────────────────────────────────────────────────────────────────────────

export const EVIDENCE_STATUS: Record<EvidenceView['status'], string> = {
  pending: 'AWAITING SIGNATURE',
  signing: 'SIGNING',
  rejecting: 'REJECTING',
  signed: 'SIGNED',
  rejected: 'REJECTED',
  failed: 'FAILED',
};

/** Slack: input label, placeholder and text length limits (applied to both channels). */
export const MAX_INPUT_LABEL = 2000;
export const MAX_PLACEHOLDER = 150;
export const MAX_INPUT_LENGTH = 3000;
/** Slack: an action_id, and so an input id, is at most 255 characters. */
export const MAX_INPUT_ID = 255;
/** Slack: a button url is at most 3000 characters. */
export const MAX_URL = 3000;
/** Facts shown at most: Slack's section fields limit. */
export const MAX_FACTS = 10;
/**
 * The assertion is what the approver signs, so no cap step shortens it; this only guards against
 * a runaway string (the card would not fit Teams' budget anyway).
 */
export const MAX_STATEMENT = 12_000;

/** "Single-use link · expires 2026-10-09 09:14 UTC". */
export function linkText(link: NonNullable<EvidenceView['link']>): string {
  if (link.caption !== undefined) return link.caption;
  return link.expiresAt === null
    ? 'Single-use link'
    : `Single-use link · expires ${formatWhen(link.expiresAt)}`;
}

export interface CutEvidence {
  title: string;
  status: string;
  text: string;
  facts: { label: string; value: string }[];
  moreFacts: number;
  statement: string | null;
  note: string | null;
  inputs: InputView[];
  /** Null also when the url is too long for a Slack button: a cut url would not download. */
  link: { url: string; title: string; expiry: string } | null;
  actions: ActionView[];
}

export function cutEvidence(view: EvidenceView, caps: Caps): CutEvidence {
  const facts = view.facts.slice(0, MAX_FACTS).map((f) => ({
    label: clip(f.label, caps.name),
    // Values are hashes, ids and periods: their ends tell them apart.
    value: clipMiddle(f.value, caps.name * 2),
  }));
  const maxLength = (n: number) => Math.max(1, Math.min(Math.floor(n), MAX_INPUT_LENGTH));
  const inputs = view.inputs.map((i) => ({
    ...i,
    id: clip(i.id, MAX_INPUT_ID),
    label: clip(i.label, Math.min(caps.text, MAX_INPUT_LABEL)),
    placeholder: clip(i.placeholder, MAX_PLACEHOLDER),
    maxLength: maxLength(i.maxLength),
    value: clip(i.value, maxLength(i.maxLength)),
  }));
  const link =
    view.link && view.link.url.length <= MAX_URL
      ? { url: view.link.url, title: clip(view.link.title, MAX_BUTTON), expiry: linkText(view.link) }
      : null;
  return {
    title: clip(view.title, MAX_TITLE),
    status: view.badge === undefined ? EVIDENCE_STATUS[view.status] : clip(view.badge, 40),
    text: clip(view.text, caps.text),
    facts,
    moreFacts: view.facts.length - facts.length,
    statement: view.statement === null ? null : clip(view.statement, MAX_STATEMENT),
    note: view.note === null ? null : clip(view.note, caps.text),
    inputs,
    link,
    actions: cutActions(view.actions),
  };
}

/**
 * Buttons both channels can carry: at most {@link MAX_ACTIONS}, titles clipped, and none whose
 * data could not be echoed back by Slack (value over 2000 characters).
 */
export function cutActions(actions: ActionView[]): ActionView[] {
  return actions
    .filter((a) => JSON.stringify(a.data).length <= MAX_ACTION_VALUE)
    .slice(0, MAX_ACTIONS)
    .map((a) => ({ ...a, title: clip(a.title, MAX_BUTTON) }));
}

/** Plain one-line summary of a view: the notification / fallback text. */
export function fallbackText(view: View): string {
  switch (view.kind) {
    case 'score': {
      const rating = view.rating ? ` (${view.rating})` : '';
      return clip(
        `${view.title}: ${formatScore(view.score)}${rating} — ${plural(view.counts.fail, 'failing rule', 'failing rules')}`,
        300,
      );
    }
    case 'trend': {
      const rating = view.rating ? ` (${view.rating})` : '';
      const change = trendText(view.trend) ?? 'first saved scan';
      return clip(`${view.title}: ${formatScore(view.score)}${rating} · ${change}`, 300);
    }
    case 'control':
      return clip(
        `${view.framework.shortName} ${view.query}: ${plural(view.controls.length, 'control', 'controls')}`,
        300,
      );
    case 'rules':
      return `Certify rules: ${view.builtIn.length} built-in, ${view.custom.length} custom`;
    case 'parameters':
      return clip(`${view.title}: ${view.text}`, 300);
    case 'help':
      return view.unknown
        ? clip(
            `${unknownText(view.unknown).line}${view.unknown.suggestion ? ` ${unknownText(view.unknown).suggestion}` : ''}`,
            300,
          )
        : 'Certify commands';
    case 'message':
      return clip(`${view.title}: ${view.text}`, 300);
    case 'alert': {
      const only = view.items.length === 1 && view.moreItems === 0 ? view.items[0] : undefined;
      const what = only ? `${view.title}: ${only.text}` : view.title;
      const state = alertStateText(view.state);
      return clip(`${ALERT_MARKER} ${what}${state ? ` (${state})` : ''}`, 300);
    }
    case 'evidence':
      // Never the download url: a single-use link in notification text invites link previews
      // (unfurling) to spend it before a person clicks. It lives on the card's button only.
      return clip(`${view.title}: ${view.text}`, 300);
    case 'welcome':
      return clip(`${view.title}: ${view.text}`, 300);
  }
}
