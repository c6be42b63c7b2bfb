/**
 * The channel-neutral command layer: a Command and its context → a View. Teams, Slack, the
 * playground and the CLI all call it; renderers (cards/) turn the View into a card. Reports
 * evidence, never a verdict.
 */
import type {
  ActionView,
  ControlView,
  HelpView,
  MessageView,
  RuleLine,
  RulesView,
  ScoreView,
  Tone,
  View,
} from '../../cards/views.js';
import { DISCLAIMER, shortId } from '../../base/present.js';
import { scan, type ScanAudit } from '../../services/scan.js';
import { CertifyError, isCertifyError } from '../../base/errors.js';
import { findFramework, lookupControl } from '../../scanner/frameworks/index.js';
import type { Control, Framework } from '../../scanner/frameworks/types.js';
import { BUILTIN_RULES } from '../../scanner/rules/builtin/index.js';
import { describeCondition } from '../../scanner/rules/custom.js';
import type { CustomRuleDef } from '../../scanner/rules/custom-types.js';
import type { RuleResult, ScanResult } from '../../scanner/scan.js';
import type { AlertStore, AlertSubscriptionFilters } from '../../store/alerts.js';
import { digestOrSingle } from '../alerts/diff.js';
import { alertView, eventsFromKeys, SNOOZE_DAYS } from '../alerts/view.js';
import { evidenceAction, evidenceCommand } from './evidence.js';
import { certCommand, presetsView, rotateCommand, rotationAction } from './provenance.js';
import type { Command, RuleCommand } from './parse.js';
import type { CommandContext } from './context.js';

export type { CommandContext } from './context.js';

/** Failing rules shown on a score card; the rest are counted in `moreFailing`. */
export const MAX_FAILING = 5;
/** Affected assets named per rule. */
export const MAX_SAMPLES = 3;

const SEVERITY_ORDER: Readonly<Record<string, number>> = { Critical: 0, High: 1, Medium: 2, Low: 3 };

export const HELP_COMMANDS: HelpView['commands'] = [
  { usage: '/certify score [framework]', description: 'Evidence score, rating and failing rules.' },
  {
    usage: '/certify control <framework> <control>',
    description: 'A control: what it asks, its coverage, and the status of the rules it cites.',
  },
  { usage: '/certify scan', description: 'Scan the vaults now and save the result.' },
  { usage: '/certify rules', description: 'The rule catalogue, built-in and custom.' },
  {
    usage: '/certify rule add|update|remove|enable|disable …',
    description: 'Manage custom rules (add takes the rule as JSON).',
  },
  {
    usage: '/certify subscribe [vault=kv-x] [severity=High] [framework=pci]',
    description: 'Alerts in this channel after each scheduled scan: expiries, Critical rules, score drops.',
  },
  { usage: '/certify unsubscribe', description: 'Stop the alerts in this channel.' },
  { usage: '/certify alerts', description: "This channel's subscription and the alert state." },
  {
    usage: '/certify evidence <framework> [period]',
    description:
      'A signed, timestamped evidence bundle for an audit period (e.g. last-quarter, 2026-Q3, 2026-07-01..2026-09-30), released once an approver signs the management assertion.',
  },
  { usage: '/certify presets', description: 'The credential presets: length, classes, entropy, lifetime.' },
  {
    usage: '/certify rotate <vault>/<secret> --preset P',
    description:
      'After an approver agrees: a fresh credential written to Key Vault as a new version, with a signed provenance certificate (never shown).',
  },
  { usage: '/certify cert <id>', description: 'A provenance certificate and whether it verifies.' },
  { usage: '/certify help', description: 'This list.' },
];

export async function handleCommand(cmd: Command, ctx: CommandContext): Promise<View> {
  try {
    return await dispatch(cmd, ctx);
  } catch (error) {
    return errorView(error, ctx);
  }
}

async function dispatch(cmd: Command, ctx: CommandContext): Promise<View> {
  switch (cmd.name) {
    case 'help':
      return helpView(null);
    case 'unknown':
      return helpView({ input: cmd.input, suggestion: cmd.suggestion });
    case 'score':
      return scoreCommand(cmd.framework, ctx);
    case 'scan': {
      const { result } = await scan(ctx.ports, ctx.source, {
        now: ctx.now,
        save: true,
        audit: scanAudit(ctx),
      });
      return scoreView(result, null, ctx, 'Scan finished');
    }
    case 'control':
      return controlCommand(cmd.framework, cmd.control, ctx);
    case 'rules':
      return rulesView(ctx);
    case 'rule':
      return ruleCommand(cmd, ctx);
    case 'subscribe':
      return subscribeCommand(cmd.args, ctx);
    case 'unsubscribe':
      return unsubscribeCommand(ctx);
    case 'alerts':
      return alertsCommand(ctx);
    case 'alert':
      return alertActionCommand(
        cmd.action,
        cmd.group ? (alertStore(ctx).group(cmd.group) ?? []) : cmd.keys,
        ctx,
      );
    case 'evidence':
      return evidenceCommand(cmd.args, ctx);
    case 'evidence-action':
      return evidenceAction(cmd.verb, cmd.data, ctx);
    case 'presets':
      return presetsView();
    case 'rotate':
      return rotateCommand(cmd.args, ctx);
    case 'cert':
      return certCommand(cmd.args, ctx);
    case 'rotation-action':
      return rotationAction(cmd.verb, cmd.data, ctx);
  }
}

// ---------------------------------------------------------------------------------------------
// Scans

/** The latest saved scan; when there is none yet, a scan run and saved now. */
async function latestOrFresh(ctx: CommandContext): Promise<ScanResult> {
  const latest = await ctx.ports.scans.latest();
  if (latest !== null) return latest;
  const { result } = await scan(ctx.ports, ctx.source, { now: ctx.now, save: true, audit: scanAudit(ctx) });
  return result;
}

/** A scan saved by a command is recorded for the user who typed it. */
function scanAudit(ctx: CommandContext): ScanAudit | null {
  if (!ctx.audit) return null;
  const actor = { id: ctx.user.id, name: ctx.user.name, channel: ctx.channel.kind };
  return { log: ctx.audit, actor, clock: () => ctx.now };
}

function toneOf(rating: string | null): Tone {
  if (rating === 'Strong' || rating === 'Healthy') return 'good';
  if (rating === 'Significant gaps') return 'warning';
  if (rating === 'Weak') return 'attention';
  return 'neutral';
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function bySeverity(a: RuleResult, b: RuleResult): number {
  return (
    (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) ||
    b.weight - a.weight ||
    a.id.localeCompare(b.id)
  );
}

function failingText(r: RuleResult): string {
  if (r.metric) {
    return `${(r.metric.value * 100).toFixed(1)}% (needs ${(r.metric.threshold * 100).toFixed(0)}%)`;
  }
  return `${r.failing.length} of ${r.evaluated}`;
}

function samplesOf(failing: readonly string[]): { samples: string[]; moreSamples: number } {
  const samples = failing.slice(0, MAX_SAMPLES).map(shortId);
  return { samples, moreSamples: failing.length - samples.length };
}

function ruleLine(r: RuleResult): RuleLine {
  return { id: r.id, name: r.name, severity: r.severity, failing: failingText(r), ...samplesOf(r.failing) };
}

async function scoreCommand(framework: string | null, ctx: CommandContext): Promise<View> {
  // Resolved before any scan, so an unknown name costs nothing.
  const fw = framework === null ? null : findFramework(framework);
  const result = await latestOrFresh(ctx);
  return scoreView(result, fw, ctx, null);
}

function scoreView(
  result: ScanResult,
  fw: Framework | null,
  ctx: CommandContext,
  title: string | null,
): ScoreView {
  const fwResult = fw === null ? null : result.frameworks.find((f) => f.id === fw.id);
  if (fw !== null && fwResult === undefined) {
    throw new CertifyError(
      'STORE_CORRUPT',
      `the latest scan has no results for ${fw.name}`,
      [],
      'run /certify scan to evaluate the frameworks again',
    );
  }
  const cited = fwResult ? new Set(fwResult.controls.flatMap((c) => c.rules)) : null;
  const rules = cited === null ? result.rules : result.rules.filter((r) => cited.has(r.id));
  const score = fwResult ? fwResult.score : result.score;
  const rating = fwResult ? fwResult.rating : result.rating;

  const previous = ctx.ports.scans.previous();
  let trend: ScoreView['trend'] = null;
  if (previous !== null && previous.scanId !== result.scanId) {
    const before = fw === null ? previous.score : (previous.frameworkScores[fw.id] ?? null);
    trend = {
      previous: before,
      delta: before === null || score === null ? null : round1(score - before),
      previousAt: previous.now,
    };
  }

  const counts = { pass: 0, fail: 0, notApplicable: 0 };
  for (const r of rules) {
    if (r.status === 'pass') counts.pass++;
    else if (r.status === 'fail') counts.fail++;
    else counts.notApplicable++;
  }
  const failing = rules.filter((r) => r.status === 'fail').sort(bySeverity);
  const a = result.assets;

  const breakdown: ScoreView['breakdown'] = fwResult
    ? fwResult.controls.map((c) => ({ id: c.id, label: c.title, score: c.score, status: c.status }))
    : result.frameworks.map((f) => ({
        id: f.id,
        label: f.name,
        score: f.score,
        status: f.rating ?? 'nothing to judge',
      }));

  const actions: ActionView[] = [
    { verb: 'score.refresh', title: 'Refresh', data: fw ? { framework: fw.id } : {} },
  ];
  if (fw && fwResult) {
    const firstFailing = fwResult.controls.find((c) => c.status === 'fail');
    if (firstFailing) {
      actions.push({
        verb: 'control.show',
        title: `Control ${firstFailing.id}`,
        data: { framework: fw.id, control: firstFailing.id },
      });
    }
    actions.push({ verb: 'score.show', title: 'Overall score', data: {} });
  } else {
    actions.push({ verb: 'rules.show', title: 'Rules', data: {} });
  }

  return {
    kind: 'score',
    title: title ?? fw?.name ?? 'Certify score',
    score,
    rating,
    tone: toneOf(rating),
    trend,
    scope: {
      source: result.source,
      at: result.now,
      vaults: a.vaults,
      assets: a.secrets + a.keys + a.certificates,
    },
    counts,
    failing: failing.slice(0, MAX_FAILING).map(ruleLine),
    moreFailing: Math.max(0, failing.length - MAX_FAILING),
    breakdown,
    disclaimer: DISCLAIMER,
    actions,
  };
}

// ---------------------------------------------------------------------------------------------
// Controls

async function controlCommand(
  framework: string | null,
  query: string | null,
  ctx: CommandContext,
): Promise<ControlView> {
  if (framework === null) {
    throw new CertifyError(
      'BAD_USAGE',
      'which framework and control?',
      [],
      'e.g. /certify control pci 3.7 or /certify control iso A.8.24',
    );
  }
  const fw = findFramework(framework);
  if (query === null) {
    throw new CertifyError(
      'BAD_USAGE',
      `which ${fw.shortName} control?`,
      [],
      `${fw.shortName} controls: ${fw.controls.map((c) => c.id).join(', ')}`,
    );
  }
  const found = lookupControl(fw, query);
  const result = await latestOrFresh(ctx);
  const fwResult = result.frameworks.find((f) => f.id === fw.id);
  const rulesById = new Map(result.rules.map((r) => [r.id, r]));
  const controls: Control[] = found.kind === 'control' ? [found.control] : found.controls;

  return {
    kind: 'control',
    framework: { id: fw.id, name: fw.name, shortName: fw.shortName },
    query,
    redirectNote: found.kind === 'redirect' ? found.redirect.note : null,
    controls: controls.map((control) => {
      const cr = fwResult?.controls.find((c) => c.id === control.id);
      const ruleIds = [...new Set(control.citations.map((c) => c.rule))];
      return {
        id: control.id,
        title: control.title,
        coverage: control.coverage,
        status: cr?.status ?? (control.coverage === 'customer' ? 'customer' : 'not_applicable'),
        score: cr?.score ?? null,
        summary: control.summary,
        customerNote: control.customerNote,
        rules: ruleIds.map((id) => {
          const r = rulesById.get(id);
          return {
            id,
            name: r?.name ?? id,
            status: r?.status ?? 'not_applicable',
            ...samplesOf(r?.failing ?? []),
          };
        }),
      };
    }),
    disclaimer: DISCLAIMER,
    actions: [
      { verb: 'control.refresh', title: 'Refresh', data: { framework: fw.id, control: query } },
      { verb: 'score.show', title: `${fw.shortName} score`, data: { framework: fw.id } },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Rules

function rulesView(ctx: CommandContext): RulesView {
  return {
    kind: 'rules',
    builtIn: BUILTIN_RULES.map(({ meta }) => ({
      id: meta.id,
      name: meta.name,
      severity: meta.severity,
      weight: meta.weight,
      class: meta.class,
    })),
    custom: ctx.ports.customRules.list().map((d) => ({
      id: d.id,
      name: d.name,
      severity: d.severity,
      weight: d.weight,
      enabled: d.enabled,
      condition: describeCondition(d.condition),
    })),
    actions: [{ verb: 'score.show', title: 'Score', data: {} }],
  };
}

const RULE_EXAMPLE =
  'e.g. /certify rule add {"id":"PROD-TAG","name":"Production tag","severity":"Medium","condition":' +
  '{"asset_scope":"secrets","asset_field":"tag_present","operator":"not_exists","value":"env"}}';

function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') {
    throw new CertifyError('BAD_USAGE', `${what} needs the rule as JSON`, [], RULE_EXAMPLE);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CertifyError(
      'BAD_INPUT',
      `${what}: the text after the command is not valid JSON`,
      [(e as Error).message],
      RULE_EXAMPLE,
    );
  }
}

/** The id as stored when it differs only by case (`prod-tag` finds PROD-TAG). */
function storedId(ctx: CommandContext, id: string): string {
  if (ctx.ports.customRules.get(id) !== null) return id;
  const folded = id.toLowerCase();
  return ctx.ports.customRules.list().find((r) => r.id.toLowerCase() === folded)?.id ?? id;
}

function needId(id: string | null, action: string): string {
  if (id === null) {
    throw new CertifyError(
      'BAD_USAGE',
      `rule ${action} needs a rule id`,
      [],
      `e.g. /certify rule ${action} PROD-TAG; /certify rules lists the ids`,
    );
  }
  return id;
}

function ruleDone(title: string, rule: CustomRuleDef, extra: string): MessageView {
  return {
    kind: 'message',
    tone: 'good',
    title,
    text: `${rule.id} · ${rule.name} (${rule.severity}, weight ${rule.weight}, ${
      rule.enabled ? 'enabled' : 'disabled'
    }): flags ${describeCondition(rule.condition)}. ${extra}`,
    hint: null,
    actions: [
      { verb: 'scan.run', title: 'Scan now', data: {} },
      { verb: 'rules.show', title: 'Rules', data: {} },
    ],
  };
}

const COUNTS_NEXT = 'It counts from the next scan.';

/** A rule or configuration change, recorded in the operator audit log beside the command itself. */
async function audited(
  ctx: CommandContext,
  action: string,
  subject: string,
  details: Record<string, string | number | boolean | null>,
): Promise<void> {
  await ctx.audit?.append(
    { action, actor: { id: ctx.user.id, name: ctx.user.name, channel: ctx.channel.kind }, subject, details },
    ctx.now,
  );
}

async function ruleCommand(cmd: RuleCommand, ctx: CommandContext): Promise<View> {
  const store = ctx.ports.customRules;
  switch (cmd.action) {
    case 'list':
      return rulesView(ctx);
    case 'add': {
      const input = parseJson(cmd.json, 'rule add');
      if (
        input !== null &&
        typeof input === 'object' &&
        !Array.isArray(input) &&
        'condition' in input &&
        input.condition !== null &&
        typeof input.condition === 'object' &&
        !('value' in input.condition)
      ) {
        (input.condition as Record<string, unknown>).value = null;
      }
      const created = await store.create(input);
      await audited(ctx, 'rule.added', created.id, { condition: describeCondition(created.condition) });
      return ruleDone('Custom rule added', created, COUNTS_NEXT);
    }
    case 'update': {
      const id = storedId(ctx, needId(cmd.id, 'update'));
      const updated = await store.update(id, parseJson(cmd.json, 'rule update'));
      await audited(ctx, 'rule.updated', updated.id, { condition: describeCondition(updated.condition) });
      return ruleDone('Custom rule updated', updated, COUNTS_NEXT);
    }
    case 'remove': {
      const removed = await store.remove(storedId(ctx, needId(cmd.id, 'remove')));
      await audited(ctx, 'rule.removed', removed.id, {});
      return {
        kind: 'message',
        tone: 'good',
        title: 'Custom rule removed',
        text: `${removed.id} · ${removed.name} is removed; the next scan no longer evaluates it.`,
        hint: null,
        actions: [{ verb: 'rules.show', title: 'Rules', data: {} }],
      };
    }
    case 'enable':
    case 'disable': {
      const id = storedId(ctx, needId(cmd.id, cmd.action));
      const changed = await store.setEnabled(id, cmd.action === 'enable');
      await audited(ctx, `rule.${cmd.action}d`, changed.id, {});
      return ruleDone(`Custom rule ${cmd.action}d`, changed, COUNTS_NEXT);
    }
    case 'unknown':
      throw new CertifyError(
        'BAD_USAGE',
        `unknown rule command "${cmd.input}"`,
        [],
        (cmd.suggestion === null ? '' : `did you mean "rule ${cmd.suggestion}"? `) +
          'Use rule list | add | update | remove | enable | disable.',
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Alerts

const DAY_MS = 86_400_000;
const SEVERITY_NAMES = ['Critical', 'High', 'Medium', 'Low'] as const;
const SUBSCRIBE_EXAMPLE = 'e.g. /certify subscribe vault=kv-prod severity=High framework=pci';

function alertStore(ctx: CommandContext): AlertStore {
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
      const found = SEVERITY_NAMES.find((s) => s.toLowerCase() === value.toLowerCase());
      if (found === undefined)
        problems.push(`severity "${value}" is not one of ${SEVERITY_NAMES.join(', ')}`);
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

async function subscribeCommand(args: string, ctx: CommandContext): Promise<MessageView> {
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

async function unsubscribeCommand(ctx: CommandContext): Promise<MessageView> {
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

async function alertsCommand(ctx: CommandContext): Promise<MessageView> {
  const store = alertStore(ctx);
  await store.reload();
  const sub = store
    .subscriptions()
    .find((s) => s.channel.kind === ctx.channel.kind && s.channel.id === ctx.channel.id);
  const sent = store.sentKeys();
  const suppressed = [...sent].filter((k) => store.isSuppressed(k, ctx.now)).length;
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

async function alertActionCommand(
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
  const events = eventsFromKeys(keys, latest, ctx.ports.scans.history(50));
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
  return alertView(first, { scan: scanRef, keys, state });
}

// ---------------------------------------------------------------------------------------------
// Help, later commands, errors

function helpView(unknown: HelpView['unknown']): HelpView {
  return { kind: 'help', unknown, commands: HELP_COMMANDS };
}

const ERROR_TITLES: Partial<Record<string, string>> = {
  BAD_USAGE: 'Not quite',
  BAD_INPUT: 'Cannot read that',
  UNKNOWN_FRAMEWORK: 'Unknown framework',
  UNKNOWN_CONTROL: 'Unknown control',
  UNKNOWN_RULE: 'Unknown rule',
  INVALID_CUSTOM_RULE: 'Rule not saved',
  READ_ONLY_RULE: 'Built-in rule',
  DUPLICATE_RULE: 'Rule not saved',
  SOURCE_UNAVAILABLE: 'Source unavailable',
  SOURCE_FAILED: 'Scan failed',
  NOT_FOUND: 'Not found',
  FORBIDDEN: 'Not allowed',
  CONFLICT: 'Already decided',
  EXPIRED: 'Expired',
};

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function errorView(error: unknown, ctx: CommandContext): MessageView {
  if (isCertifyError(error)) {
    const message = upperFirst(error.message);
    const text =
      error.problems.length === 0
        ? /[.?!]$/.test(message)
          ? message
          : `${message}.`
        : `${message}:\n${error.problems.map((p) => `• ${p}`).join('\n')}`;
    return {
      kind: 'message',
      tone: 'attention',
      title: ERROR_TITLES[error.code] ?? 'Could not do that',
      text,
      hint: error.hint ?? null,
      actions: [],
    };
  }
  ctx.onError?.(error);
  return {
    kind: 'message',
    tone: 'attention',
    title: 'Something went wrong',
    text: 'Certify could not finish this command. Try again in a moment.',
    hint: null,
    actions: [],
  };
}
