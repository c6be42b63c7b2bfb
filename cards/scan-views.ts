/**
 * The views of a scan — the score, a control, the rule catalogue, the organisation parameters —
 * built from data. The chat
 * handlers render them as cards and the CLI as terminal text (terminal.ts), so both edges show
 * the same facts worded the same way. Pure functions: the caller reads the stores and passes in
 * what they hold.
 */
import { DISCLAIMER, shortId } from '../base/present.js';
import { severityRank } from '../base/severity.js';
import type { ControlLookup } from '../scanner/frameworks/index.js';
import type { Control, Framework } from '../scanner/frameworks/types.js';
import { describeCondition } from '../scanner/rules/custom.js';
import type { CustomRuleDef } from '../scanner/rules/custom-types.js';
import { DEFAULT_PARAMETERS, PARAMETER_NAMES, type OrgParameters } from '../scanner/rules/parameters.js';
import { nonDefaultLine, PARAMETER_SPECS, parameterValueText } from '../scanner/rules/parameters-check.js';
import type { Rule } from '../scanner/rules/types.js';
import { parametersOf, type RuleResult, type ScanResult } from '../scanner/scan.js';
import type { ScanSummary } from '../scanner/summary.js';
import { CertifyError } from '../base/errors.js';
import type {
  ActionView,
  ControlView,
  ParametersView,
  RuleLine,
  RulesView,
  ScoreView,
  Tone,
} from './views.js';

/** Failing rules shown on a score card; the rest are counted in `moreFailing`. */
export const MAX_FAILING = 5;
/** Affected assets named per rule. */
export const MAX_SAMPLES = 3;

/** The colour of a rating, shared by every view that shows one. */
export function toneOf(rating: string | null): Tone {
  if (rating === 'Strong' || rating === 'Healthy') return 'good';
  if (rating === 'Significant gaps') return 'warning';
  if (rating === 'Weak') return 'attention';
  return 'neutral';
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Most severe first, then heaviest, then by id. */
function bySeverity(a: RuleResult, b: RuleResult): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) || b.weight - a.weight || a.id.localeCompare(b.id)
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

/**
 * The score of a scan, overall or for one framework. `previous` is the saved scan to show the
 * trend against (none: no trend). `maxFailing` cuts the failing rules (a card's MAX_FAILING by
 * default; a terminal lists them all).
 */
export function scoreView(
  result: ScanResult,
  opts: {
    framework: Framework | null;
    previous: ScanSummary | null;
    /** Replaces "Certify score" or the framework's name, e.g. "Scan finished". */
    title?: string | null;
    maxFailing?: number;
  },
): ScoreView {
  const fw = opts.framework;
  const maxFailing = opts.maxFailing ?? MAX_FAILING;
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

  const previous = opts.previous;
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

  const parameters = nonDefaultLine(parametersOf(result));
  return {
    kind: 'score',
    title: opts.title ?? fw?.name ?? 'Certify score',
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
    failing: failing.slice(0, maxFailing).map(ruleLine),
    moreFailing: Math.max(0, failing.length - maxFailing),
    breakdown,
    // Only when a value differs: a result on the defaults shows no line.
    ...(parameters === null ? {} : { parameters }),
    disclaimer: DISCLAIMER,
    actions,
  };
}

/**
 * The controls a lookup found (one, a prefix's several, or where a seed id's evidence lives now),
 * with the status of the rules they cite in `result`.
 */
export function controlView(
  fw: Framework,
  query: string,
  found: ControlLookup,
  result: ScanResult,
): ControlView {
  const fwResult = result.frameworks.find((f) => f.id === fw.id);
  const rulesById = new Map(result.rules.map((r) => [r.id, r]));
  const controls: Control[] = found.kind === 'control' ? [found.control] : found.controls;
  const parameters = nonDefaultLine(parametersOf(result));

  return {
    kind: 'control',
    framework: { id: fw.id, name: fw.name, shortName: fw.shortName },
    query,
    redirectNote: found.kind === 'redirect' ? found.redirect.note : null,
    ...(parameters === null ? {} : { parameters }),
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

/** The rule catalogue: the built-in rules and the custom ones. */
export function rulesView(builtIn: readonly Rule[], custom: readonly CustomRuleDef[]): RulesView {
  return {
    kind: 'rules',
    builtIn: builtIn.map(({ meta }) => ({
      id: meta.id,
      name: meta.name,
      severity: meta.severity,
      weight: meta.weight,
      class: meta.class,
    })),
    custom: custom.map((d) => ({
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

/**
 * The organisation parameters in effect, each with its default, what it allows and the rules
 * that read it. `text` says what changed (or how many differ); `note` who may change them and how.
 */
export function parametersView(
  effective: OrgParameters,
  opts: { title?: string; text?: string; tone?: Tone; note: string | null; actions?: ActionView[] },
): ParametersView {
  const changed = PARAMETER_NAMES.filter((n) => effective[n] !== DEFAULT_PARAMETERS[n]).length;
  return {
    kind: 'parameters',
    tone: opts.tone ?? 'neutral',
    title: opts.title ?? 'Organisation parameters',
    text:
      opts.text ??
      (changed === 0
        ? 'Every scan uses these thresholds; all are the defaults.'
        : `Every scan uses these thresholds; ${changed} of ${PARAMETER_NAMES.length} differ from the defaults.`),
    rows: PARAMETER_NAMES.map((name) => {
      const spec = PARAMETER_SPECS[name];
      return {
        name,
        value: parameterValueText(name, effective[name]),
        defaultValue: parameterValueText(name, DEFAULT_PARAMETERS[name]),
        isDefault: effective[name] === DEFAULT_PARAMETERS[name],
        allowed: `${spec.min}–${spec.max} ${spec.unit}`,
        rules: spec.rules.join(', '),
      };
    }),
    note: opts.note,
    actions: opts.actions ?? [{ verb: 'score.show', title: 'Score', data: {} }],
  };
}

/**
 * The parameters after `parameters set` or `reset`: what changed (old → new), or that nothing
 * did, above the values now in effect.
 */
export function parameterChangeView(
  action: 'set' | 'reset',
  outcome: {
    effective: OrgParameters;
    changed: readonly { name: keyof OrgParameters; from: number; to: number }[];
  },
  note: string | null,
): ParametersView {
  const { changed } = outcome;
  if (changed.length === 0) {
    return parametersView(outcome.effective, {
      title: 'Nothing changed',
      text:
        action === 'set'
          ? 'The parameters already have these values.'
          : 'These parameters already have their default values.',
      note,
    });
  }
  const what = changed.map((c) => `${c.name} ${c.from} → ${parameterValueText(c.name, c.to)}`).join('; ');
  return parametersView(outcome.effective, {
    title: action === 'set' ? 'Parameters changed' : 'Parameters reset',
    tone: 'good',
    text: `${what}. Scans from now on use them; saved scans keep the values they were computed with.`,
    note,
    actions: [
      { verb: 'scan.run', title: 'Scan now', data: {} },
      { verb: 'score.show', title: 'Score', data: {} },
    ],
  });
}
