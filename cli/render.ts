/** Plain-text views of scan results for people: aligned tables, colour only on a terminal. */
import { createColors } from 'picocolors';
import type { Control, Framework } from '../scanner/frameworks/types.js';
import type { Rule } from '../scanner/rules/types.js';
import { DISCLAIMER, formatScore, shortId } from '../base/present.js';
import type { ControlResult, FrameworkResult, RuleResult, ScanResult } from '../scanner/scan.js';

export { DISCLAIMER, formatScore, shortId };

export type Colors = ReturnType<typeof createColors>;
export const colors = (enabled: boolean): Colors => createColors(enabled);

/** How many failing assets a table row names before "and N more". */
const SAMPLE = 2;

export function table(rows: readonly (readonly string[])[], header: readonly string[], c: Colors): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => visibleLength(r[i] ?? ''))));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [c.dim(line(header)), ...rows.map(line)].join('\n');
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

export function ratingColor(rating: string | null, c: Colors): (s: string) => string {
  if (rating === 'Strong') return c.green;
  if (rating === 'Healthy') return c.cyan;
  if (rating === 'Significant gaps') return c.yellow;
  return c.red;
}

function severityColor(sev: string, c: Colors): (s: string) => string {
  return sev === 'Critical' ? c.red : sev === 'High' ? c.yellow : sev === 'Medium' ? c.cyan : c.dim;
}

function statusText(status: string, c: Colors): string {
  if (status === 'pass') return c.green('pass');
  if (status === 'fail') return c.red('FAIL');
  if (status === 'customer') return c.dim('customer');
  return c.dim('n/a');
}

function samples(r: RuleResult): string {
  const shown = r.failing.slice(0, SAMPLE).map(shortId).join(', ');
  const more = r.failing.length - SAMPLE;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

function failingCell(r: RuleResult): string {
  if (r.metric)
    return `${(r.metric.value * 100).toFixed(1)}% (needs ${(r.metric.threshold * 100).toFixed(0)}%)`;
  return `${r.failing.length} of ${r.evaluated}`;
}

const SEVERITY_ORDER: Record<string, number> = { Critical: 0, High: 1, Medium: 2, Low: 3 };

function failingRulesTable(rules: readonly RuleResult[], c: Colors): string {
  const failing = rules
    .filter((r) => r.status === 'fail')
    .sort((a, b) => SEVERITY_ORDER[a.severity]! - SEVERITY_ORDER[b.severity]! || b.weight - a.weight);
  if (failing.length === 0) return c.green('No rule fails.');
  const rows = failing.map((r) => [
    severityColor(r.severity, c)(r.severity),
    r.id,
    r.name,
    failingCell(r),
    c.dim(samples(r)),
  ]);
  return `${c.bold(`Failing rules (${failing.length})`)}\n${table(rows, ['SEVERITY', 'RULE', 'NAME', 'FAILING', 'E.G.'], c)}`;
}

function headline(label: string, score: number | null, rating: string | null, c: Colors): string {
  const paint = ratingColor(rating, c);
  return `${c.bold(label)}  ${paint(c.bold(`${formatScore(score)} / 100`))}  ${paint(rating ?? 'nothing to judge')}`;
}

function scope(result: ScanResult): string {
  const a = result.assets;
  const total = a.secrets + a.keys + a.certificates;
  return `${result.source} · ${result.now} · ${a.vaults} vaults, ${total} assets (${a.secrets} secrets, ${a.keys} keys, ${a.certificates} certificates)`;
}

export function renderScore(result: ScanResult, c: Colors): string {
  const counts = { pass: 0, fail: 0, not_applicable: 0 };
  for (const r of result.rules) counts[r.status]++;
  const frameworks = table(
    result.frameworks.map((f) => [
      f.id,
      f.name,
      formatScore(f.score),
      ratingColor(f.rating, c)(f.rating ?? '—'),
    ]),
    ['FRAMEWORK', 'NAME', 'SCORE', 'RATING'],
    c,
  );
  return [
    headline('Certify score', result.score, result.rating, c),
    c.dim(scope(result)),
    `${counts.pass} rules pass, ${counts.fail} fail, ${counts.not_applicable} not applicable`,
    '',
    failingRulesTable(result.rules, c),
    '',
    frameworks,
    '',
    c.dim(DISCLAIMER),
  ].join('\n');
}

function controlsTable(fw: FrameworkResult, c: Colors): string {
  const rows = fw.controls.map((ctl) => [
    ctl.id,
    statusText(ctl.status, c),
    ctl.coverage,
    formatScore(ctl.score),
    ctl.title,
  ]);
  return table(rows, ['CONTROL', 'STATUS', 'COVERAGE', 'SCORE', 'TITLE'], c);
}

export function renderFrameworkScore(
  result: ScanResult,
  fw: FrameworkResult,
  rules: readonly RuleResult[],
  c: Colors,
): string {
  return [
    headline(fw.name, fw.score, fw.rating, c),
    c.dim(scope(result)),
    '',
    controlsTable(fw, c),
    '',
    failingRulesTable(rules, c),
    '',
    c.dim(DISCLAIMER),
  ].join('\n');
}

export function renderControl(
  fw: Framework,
  control: Control,
  result: ControlResult,
  rules: readonly RuleResult[],
  c: Colors,
): string {
  const lines = [
    `${c.bold(`${fw.shortName} ${control.id}`)} — ${control.title}`,
    c.dim(fw.name),
    '',
    `Coverage: ${c.bold(control.coverage)}   Status: ${statusText(result.status, c)}   Score: ${formatScore(result.score)}`,
    '',
    control.summary,
  ];
  if (control.customerNote) lines.push('', `${c.bold('Your part:')} ${control.customerNote}`);
  if (rules.length > 0) {
    const rows = rules.map((r) => [
      r.id,
      statusText(r.status, c),
      r.name,
      r.status === 'fail' ? samples(r) : '',
    ]);
    lines.push('', table(rows, ['RULE', 'STATUS', 'NAME', 'FAILING'], c));
  }
  if (result.rules.length > 0 && control.citations.some((ci) => ci.subset)) {
    lines.push(
      '',
      c.dim('This control judges its rules over part of their population (see the control text).'),
    );
  }
  lines.push('', c.dim(DISCLAIMER));
  return lines.join('\n');
}

export function renderRules(rules: readonly Rule[], c: Colors): string {
  const rows = rules.map((r) => [
    r.meta.id,
    severityColor(r.meta.severity, c)(r.meta.severity),
    String(r.meta.weight),
    r.meta.class,
    r.meta.name,
  ]);
  return table(rows, ['ID', 'SEVERITY', 'WEIGHT', 'CLASS', 'NAME'], c);
}
