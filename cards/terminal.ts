/**
 * View → text for a terminal: the CLI prints the same views the bot renders as cards, as aligned
 * tables with colour only where the caller's {@link Paint} adds it. Nothing is cut (a terminal has
 * no card budget) and buttons are left out (a terminal cannot press them). Pure: no I/O, no SDK.
 */
import { formatScore } from '../base/present.js';
import {
  alertKind,
  alertScanText,
  alertStateText,
  countsText,
  EVIDENCE_STATUS,
  formatWhen,
  linkText,
  moreText,
  plural,
  samplesText,
  trendText,
  unknownText,
  type Status,
} from './text.js';
import type {
  AlertView,
  ControlView,
  EvidenceView,
  HelpView,
  MessageView,
  ParametersView,
  RulesView,
  ScoreView,
  Tone,
  TrendView,
  View,
  WelcomeView,
} from './views.js';
import {
  changeText,
  latestChangeText,
  NO_RULE_CHANGE,
  ruleIdsText,
  sparklineCaption,
  trendScopeText,
} from './trend-text.js';

/** The styles the renderer uses; the CLI passes terminal colours, or none ({@link PLAIN}). */
export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const same = (s: string) => s;
export const PLAIN: Paint = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/** Columns padded to their widest cell (colour codes not counted); the header dimmed. */
export function table(rows: readonly (readonly string[])[], header: readonly string[], paint: Paint): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => visibleLength(r[i] ?? ''))));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [paint.dim(line(header)), ...rows.map(line)].join('\n');
}

function toned(tone: Tone, paint: Paint): (s: string) => string {
  if (tone === 'good') return paint.green;
  if (tone === 'warning') return paint.yellow;
  if (tone === 'attention') return paint.red;
  return same;
}

function severityPaint(severity: string, paint: Paint): (s: string) => string {
  if (severity === 'Critical') return paint.red;
  if (severity === 'High') return paint.yellow;
  if (severity === 'Medium') return paint.cyan;
  return paint.dim;
}

const CONTROL_STATUSES: ReadonlySet<string> = new Set<Status>(['pass', 'fail', 'not_applicable', 'customer']);

function statusText(status: string, paint: Paint): string {
  if (status === 'pass') return paint.green('pass');
  if (status === 'fail') return paint.red('FAIL');
  if (status === 'customer') return paint.dim('customer');
  return paint.dim('n/a');
}

function ratingPaint(rating: string, paint: Paint): (s: string) => string {
  if (rating === 'Strong') return paint.green;
  if (rating === 'Healthy') return paint.cyan;
  if (rating === 'Significant gaps') return paint.yellow;
  if (rating === 'Weak') return paint.red;
  return paint.dim;
}

function scoreText(view: ScoreView, paint: Paint): string {
  const color = toned(view.tone, paint);
  const { scope } = view;
  const lines = [
    `${paint.bold(view.title)}  ${color(paint.bold(`${formatScore(view.score)} / 100`))}  ${color(view.rating ?? 'nothing to judge')}`,
    paint.dim(
      `${scope.source} · ${formatWhen(scope.at)} · ${plural(scope.vaults, 'vault', 'vaults')}, ${plural(scope.assets, 'asset', 'assets')}`,
    ),
  ];
  const trend = trendText(view.trend);
  if (trend) lines.push(paint.dim(trend));
  if (view.parameters) lines.push(paint.yellow(view.parameters));
  lines.push(countsText(view.counts), '');

  const failing = view.failing.length + view.moreFailing;
  if (failing === 0) lines.push(paint.green('No rule fails.'));
  else {
    const rows = view.failing.map((r) => [
      severityPaint(r.severity, paint)(r.severity),
      r.id,
      r.name,
      r.failing,
      paint.dim(samplesText(r.samples, r.moreSamples) ?? ''),
    ]);
    lines.push(
      paint.bold(`Failing rules (${failing})`),
      table(rows, ['SEVERITY', 'RULE', 'NAME', 'FAILING', 'E.G.'], paint),
    );
    if (view.moreFailing > 0)
      lines.push(paint.dim(moreText(view.moreFailing, 'failing rule', 'failing rules')));
  }

  if (view.breakdown.length > 0) {
    // A framework's score breaks down by control (control statuses), the overall one by framework (ratings).
    const byControl = view.breakdown.every((b) => CONTROL_STATUSES.has(b.status));
    const rows = view.breakdown.map((b) => [
      b.id,
      b.label,
      formatScore(b.score),
      byControl ? statusText(b.status, paint) : ratingPaint(b.status, paint)(b.status),
    ]);
    const header = byControl
      ? ['CONTROL', 'TITLE', 'SCORE', 'STATUS']
      : ['FRAMEWORK', 'NAME', 'SCORE', 'RATING'];
    lines.push('', table(rows, header, paint));
  }
  lines.push('', paint.dim(view.disclaimer));
  return lines.join('\n');
}

function changePaint(change: number | null, paint: Paint): (s: string) => string {
  if (change === null || Math.round(change * 10) === 0) return paint.dim;
  return change > 0 ? paint.green : paint.red;
}

function trendViewText(view: TrendView, paint: Paint): string {
  const color = toned(view.tone, paint);
  const lines = [
    `${paint.bold(view.title)}  ${color(paint.bold(`${formatScore(view.score)} / 100`))}  ${color(view.rating ?? 'nothing to judge')}`,
    paint.dim(trendScopeText(view)),
    paint.dim(latestChangeText(view)),
    `${view.sparkline.bars}  ${paint.dim(sparklineCaption(view.sparkline))}`,
  ];
  const ruleList = (title: string, list: TrendView['startedFailing'], tone: (s: string) => string) => {
    if (list.length === 0) return;
    lines.push('', paint.bold(`${title} (${list.length})`));
    for (const r of list) lines.push(`  ${tone(r.id)}  ${r.name}`);
  };
  ruleList('Started failing at the latest scan', view.startedFailing, paint.red);
  ruleList('Stopped failing at the latest scan', view.stoppedFailing, paint.green);
  if (view.trend !== null && view.startedFailing.length + view.stoppedFailing.length === 0) {
    lines.push('', paint.dim(NO_RULE_CHANGE));
  }
  if (view.rows.length > 0) {
    const rows = view.rows.map((r) => [
      formatWhen(r.at),
      formatScore(r.score),
      r.rating === null ? paint.dim('—') : ratingPaint(r.rating, paint)(r.rating),
      changePaint(r.change, paint)(changeText(r.change)),
      ruleIdsText(r.startedFailing),
      ruleIdsText(r.stoppedFailing),
    ]);
    lines.push(
      '',
      table(rows, ['TIME', 'SCORE', 'RATING', 'CHANGE', 'STARTED FAILING', 'STOPPED FAILING'], paint),
    );
  }
  if (view.moreRows > 0) lines.push(paint.dim(moreText(view.moreRows, 'scan', 'scans')));
  lines.push('', paint.dim(view.disclaimer));
  return lines.join('\n');
}

function controlText(view: ControlView, paint: Paint): string {
  const parts: string[] = [];
  if (view.parameters) parts.push(paint.yellow(view.parameters), '');
  if (view.redirectNote !== null) parts.push(paint.yellow(`${view.query}: ${view.redirectNote}`), '');
  else if (view.controls.length > 1)
    parts.push(paint.dim(`${view.controls.length} controls match "${view.query}":`), '');
  const blocks = view.controls.map((control) => {
    const lines = [
      `${paint.bold(`${view.framework.shortName} ${control.id}`)} — ${control.title}`,
      paint.dim(view.framework.name),
      '',
      `Coverage: ${paint.bold(control.coverage)}   Status: ${statusText(control.status, paint)}   Score: ${formatScore(control.score)}`,
    ];
    if (control.summary) lines.push('', control.summary);
    if (control.customerNote) lines.push('', `${paint.bold('Your part:')} ${control.customerNote}`);
    if (control.rules.length > 0) {
      const rows = control.rules.map((r) => [
        r.id,
        statusText(r.status, paint),
        r.name,
        r.status === 'fail' ? (samplesText(r.samples, r.moreSamples) ?? '') : '',
      ]);
      lines.push('', table(rows, ['RULE', 'STATUS', 'NAME', 'FAILING'], paint));
    }
    return lines.join('\n');
  });
  parts.push(blocks.join('\n\n'), '', paint.dim(view.disclaimer));
  return parts.join('\n');
}

function rulesText(view: RulesView, paint: Paint): string {
  const sections: string[] = [];
  if (view.builtIn.length > 0) {
    const rows = view.builtIn.map((r) => [
      r.id,
      severityPaint(r.severity, paint)(r.severity),
      String(r.weight),
      r.class,
      r.name,
    ]);
    sections.push(
      `${paint.bold(`Built-in rules (${view.builtIn.length})`)}\n${table(rows, ['ID', 'SEVERITY', 'WEIGHT', 'CLASS', 'NAME'], paint)}`,
    );
  }
  if (view.custom.length === 0) sections.push(paint.dim('No custom rules.'));
  else {
    const rows = view.custom.map((r) => [
      r.id,
      severityPaint(r.severity, paint)(r.severity),
      String(r.weight),
      r.enabled ? paint.green('enabled') : paint.dim('disabled'),
      `${r.name} — ${paint.dim(r.condition)}`,
    ]);
    sections.push(
      `${paint.bold(`Custom rules (${view.custom.length})`)}\n${table(rows, ['ID', 'SEVERITY', 'WEIGHT', 'STATUS', 'NAME'], paint)}`,
    );
  }
  return sections.join('\n\n');
}

function parametersText(view: ParametersView, paint: Paint): string {
  const rows = view.rows.map((r) => [
    r.name,
    r.isDefault ? r.value : paint.yellow(`${r.value} *`),
    r.defaultValue,
    r.allowed,
    r.rules,
  ]);
  const lines = [
    toned(view.tone, paint)(paint.bold(view.title)),
    view.text,
    '',
    table(rows, ['PARAMETER', 'VALUE', 'DEFAULT', 'ALLOWED', 'RULES'], paint),
  ];
  if (view.rows.some((r) => !r.isDefault))
    lines.push(paint.dim('* set by the organisation: not the default'));
  if (view.note) lines.push('', paint.dim(view.note));
  return lines.join('\n');
}

function helpText(view: HelpView, paint: Paint): string {
  const lines: string[] = [];
  if (view.unknown) {
    const { line, suggestion } = unknownText(view.unknown);
    lines.push(paint.yellow(suggestion ? `${line} ${suggestion}` : line), '');
  }
  lines.push(paint.bold('Certify commands'));
  for (const c of view.commands) lines.push(`  ${c.usage}`, paint.dim(`      ${c.description}`));
  return lines.join('\n');
}

function messageText(view: MessageView, paint: Paint): string {
  const lines = [toned(view.tone, paint)(paint.bold(view.title)), view.text];
  if (view.hint) lines.push(paint.dim(`hint: ${view.hint}`));
  return lines.join('\n');
}

function alertText(view: AlertView, paint: Paint): string {
  const lines = [toned(view.tone, paint)(paint.bold(view.title)), paint.dim(alertScanText(view.scan)), ''];
  for (const item of view.items) {
    const { label, tone } = alertKind(item.kind);
    const detail = [item.subject, item.ruleId !== item.subject ? item.ruleId : null].filter(
      (d) => d !== null,
    );
    lines.push(
      `${toned(tone, paint)(label)}  ${item.text}${detail.length > 0 ? paint.dim(`  ${detail.join(' · ')}`) : ''}`,
    );
  }
  if (view.moreItems > 0) lines.push(paint.dim(moreText(view.moreItems, 'change', 'changes')));
  const state = alertStateText(view.state);
  if (state) lines.push('', paint.dim(state));
  return lines.join('\n');
}

function evidenceText(view: EvidenceView, paint: Paint): string {
  const status = view.badge ?? EVIDENCE_STATUS[view.status];
  const lines = [`${toned(view.tone, paint)(paint.bold(view.title))}  ${paint.bold(status)}`, view.text];
  if (view.facts.length > 0) {
    lines.push(
      '',
      table(
        view.facts.map((f) => [f.label, f.value]),
        ['FACT', 'VALUE'],
        paint,
      ),
    );
  }
  if (view.statement !== null) lines.push('', view.statement);
  if (view.link) lines.push('', `${view.link.title}: ${view.link.url}`, paint.dim(linkText(view.link)));
  if (view.note !== null) lines.push('', paint.yellow(view.note));
  return lines.join('\n');
}

function welcomeText(view: WelcomeView, paint: Paint): string {
  const lines = [paint.bold(view.title), view.text, '', paint.bold('Try')];
  for (const c of view.commands) lines.push(`  ${c.usage}`, paint.dim(`      ${c.description}`));
  if (view.hint) lines.push(paint.dim(view.hint));
  lines.push('', paint.bold('Who can approve'), view.approvers, '', paint.dim(view.disclaimer));
  return lines.join('\n');
}

/** The view as terminal text (no trailing newline). */
export function toTerminalText(view: View, paint: Paint = PLAIN): string {
  switch (view.kind) {
    case 'score':
      return scoreText(view, paint);
    case 'trend':
      return trendViewText(view, paint);
    case 'control':
      return controlText(view, paint);
    case 'rules':
      return rulesText(view, paint);
    case 'parameters':
      return parametersText(view, paint);
    case 'help':
      return helpText(view, paint);
    case 'message':
      return messageText(view, paint);
    case 'alert':
      return alertText(view, paint);
    case 'evidence':
      return evidenceText(view, paint);
    case 'welcome':
      return welcomeText(view, paint);
  }
}
