/**
 * The per-framework control matrix: each control, its coverage and status in the scan, and the
 * rule results behind it.
 */
import type { CitationSubset, Control } from '../../scanner/frameworks/types.js';
import { BUILTIN_RULES } from '../../scanner/rules/builtin/index.js';
import type { Rule, RuleStatus } from '../../scanner/rules/types.js';
import { parametersOf, subsetNarrower, type ControlResult, type RuleResult } from '../../scanner/scan.js';
import type { Cell, EvidenceInput } from '../types.js';
import { col, count, scanTimeMs, type ReportSpec } from './common.js';

interface Outcome {
  status: RuleStatus;
  evaluated: number;
  failing: number;
}

const BUILTIN = new Map<string, Rule>(BUILTIN_RULES.map((r) => [r.meta.id, r]));

/**
 * Outcomes of subset citations (CIS 8.1–8.4 judge K001/P001 over RBAC or non-RBAC vaults only).
 * The scan keeps only the control's verdict, so the rule is re-run on the same narrowed
 * inventory, time and organisation parameters the scan used; the full-population figures would
 * misstate the control.
 */
function subsetEvaluator(input: EvidenceInput): (rule: string, subset: CitationSubset) => Outcome | null {
  const inv = input.snapshot.inventory;
  const now = scanTimeMs(input);
  const parameters = parametersOf(input.snapshot.result);
  // The scanner's own narrowing, so a vault name's case resolves the same way.
  const narrow = subsetNarrower(inv);
  const cache = new Map<string, Outcome>();
  return (ruleId, subset) => {
    const rule = BUILTIN.get(ruleId);
    if (!rule) return null;
    const key = `${ruleId}:${subset.section}:${subset.vaultRbac}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const o = rule.evaluate(narrow(subset), now, parameters);
    const out = { status: o.status, evaluated: o.evaluated, failing: o.failing.length };
    cache.set(key, out);
    return out;
  };
}

function describeOutcome(id: string, o: Outcome | null): string {
  if (o === null) return `${id}: not in scan`;
  if (o.status === 'not_applicable') return `${id}: not_applicable`;
  return `${id}: ${o.status} (${o.failing} of ${o.evaluated} failing)`;
}

function ruleTexts(
  control: Control,
  rules: ReadonlyMap<string, RuleResult>,
  subsetOf: (rule: string, subset: CitationSubset) => Outcome | null,
): string {
  const parts: string[] = [];
  for (const c of control.citations) {
    if (c.subset) {
      const label = `${c.rule} [${c.subset.section} in ${c.subset.vaultRbac ? 'RBAC' : 'non-RBAC'} vaults]`;
      parts.push(describeOutcome(label, subsetOf(c.rule, c.subset)));
      continue;
    }
    const r = rules.get(c.rule);
    parts.push(
      describeOutcome(
        c.rule,
        r ? { status: r.status, evaluated: r.evaluated, failing: r.failing.length } : null,
      ),
    );
  }
  return parts.join('; ');
}

export const controlMatrix: ReportSpec = {
  id: 'control-matrix',
  title: 'Control matrix',
  basis: 'snapshot',
  describe: (ctx) =>
    `Every control of ${ctx.framework} in Certify's catalogue, how far Certify's rules evidence it ` +
    `(coverage) and its status and score in ${ctx.scan}, with the outcome of each cited rule and what ` +
    'the customer must add.',
  columns: [
    col('control_id', 'Id of the control in the framework.'),
    col('title', "Certify's short paraphrase of the control's title."),
    col(
      'coverage',
      'direct (the rules demonstrate it within Certify scope), supporting (they contribute; more evidence needed) or customer (no Certify evidence).',
    ),
    col('status', 'pass, fail, not_applicable, or customer for customer-responsibility controls.'),
    col('score', 'Score (0–100, one decimal) over the cited rules; empty when none applies.'),
    col('cited_rules', 'Ids of the rules the control cites, separated by "; ".'),
    col(
      'rule_results',
      'Each cited rule as "<id>: <status> (<failing> of <evaluated> failing)", separated by "; "; a [bracket] marks a rule judged on part of its population.',
    ),
    col('customer_note', 'What the customer must add to this evidence; empty when nothing.'),
  ],
  build(input) {
    const fw = input.framework;
    const result = input.snapshot.result;
    const fr = result.frameworks.find((f) => f.id === fw.id);
    const notes: string[] = [];
    const byControl = new Map<string, ControlResult>();
    if (fr) for (const c of fr.controls) byControl.set(c.id, c);
    else notes.push(`The scan did not evaluate ${fw.name}; statuses and scores are left empty.`);
    const rules = new Map<string, RuleResult>(result.rules.map((r) => [r.id, r]));
    const subsetOf = subsetEvaluator(input);
    const rows: Cell[][] = [];
    const tally: Record<string, number> = {};
    for (const control of fw.controls) {
      const cr = byControl.get(control.id);
      const status = cr?.status ?? null;
      if (status !== null) tally[status] = (tally[status] ?? 0) + 1;
      rows.push([
        control.id,
        control.title,
        control.coverage,
        status,
        cr?.score ?? null,
        [...new Set(control.citations.map((c) => c.rule))].join('; '),
        ruleTexts(control, rules, subsetOf),
        control.customerNote,
      ]);
    }
    if (fr) {
      const parts = ['pass', 'fail', 'not_applicable', 'customer'].map((s) => `${tally[s] ?? 0} ${s}`);
      notes.push(
        `${count(rows.length, 'control')}: ${parts.join(', ')}. Framework score ${fr.score ?? 'n/a'}` +
          `${fr.rating ? ` (${fr.rating})` : ''}. A technical evidence score, not a compliance determination.`,
      );
    }
    notes.push(fw.scopeNote);
    return { rows, notes };
  },
};
