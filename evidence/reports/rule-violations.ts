/**
 * Report 7: the framework-mapped rules this framework cites, with samples of the assets that
 * fail them. Operational hygiene rules stay out: no framework asks for them, so they would only
 * widen the auditor's sample without evidencing a control.
 */
import type { Framework } from '../../scanner/frameworks/types.js';
import type { RuleResult } from '../../scanner/scan.js';
import type { Cell } from '../types.js';
import { col, count, type ReportSpec } from './common.js';

/** Most affected assets listed per rule: enough for an auditor's sample, bounded on huge tenants. */
export const SAMPLE_CAP = 25;

/** Rule id → the controls citing it, in catalogue order, with a subset hint where CIS narrows it. */
export function citingControls(fw: Framework): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of fw.controls) {
    for (const ci of c.citations) {
      const label = ci.subset
        ? `${c.id} (${ci.subset.section} in ${ci.subset.vaultRbac ? 'RBAC' : 'non-RBAC'} vaults)`
        : c.id;
      const list = out.get(ci.rule);
      if (!list) out.set(ci.rule, [label]);
      else if (!list.includes(label)) list.push(label);
    }
  }
  return out;
}

export const ruleViolations: ReportSpec = {
  id: 'rule-violations',
  title: 'Rule violations with affected-asset samples',
  basis: 'snapshot',
  describe: (ctx) =>
    `The outcome of every rule that a ${ctx.framework} control cites, from ${ctx.scan}, with up to ` +
    `${SAMPLE_CAP} failing assets per rule (one row each, the rule's columns repeated). A rule ` +
    'without failing assets has a single row with an empty sample.',
  columns: [
    col('rule_id', 'Id of the rule (see docs/rules.md for its exact semantics).'),
    col('rule_name', 'Name of the rule.'),
    col('severity', 'Critical, High, Medium or Low.'),
    col('status', 'pass, fail or not_applicable (nothing to evaluate, or the input was not collected).'),
    col('evaluated', 'Size of the population the rule judged (integer).'),
    col('failing_count', 'Number of assets that fail the rule (integer).'),
    col('metric_value', 'For ratio rules, the passing ratio (0–1); empty otherwise.'),
    col('metric_threshold', 'For ratio rules, the ratio needed to pass (0–1); empty otherwise.'),
    col('controls', 'The controls of this framework that cite the rule, separated by "; ".'),
    col('sample_index', 'Position of the sample among the failing assets, from 1; empty when there is none.'),
    col('affected_asset', 'Id of a failing asset (inventory asset identifier); empty when there is none.'),
  ],
  build(input) {
    const fw = input.framework;
    const citing = citingControls(fw);
    const rows: Cell[][] = [];
    const notes: string[] = [];
    const present = new Set<string>();
    const capped: string[] = [];
    let operational = 0;
    for (const r of input.snapshot.result.rules) {
      const controls = citing.get(r.id);
      if (!controls) {
        if (r.class === 'operational') operational++;
        continue;
      }
      present.add(r.id);
      const head = ruleHead(r, controls.join('; '));
      const n = Math.min(r.failing.length, SAMPLE_CAP);
      if (n === 0) rows.push([...head, null, null]);
      for (let i = 0; i < n; i++) rows.push([...head, i + 1, r.failing[i]!]);
      if (r.failing.length > SAMPLE_CAP) capped.push(`${r.id} (${r.failing.length})`);
    }
    const absent = [...citing.keys()].filter((id) => !present.has(id));
    notes.push(
      `${count(present.size, 'rule')} cited by ${fw.name}. Operational hygiene rules (${operational} in this scan) ` +
        'and rules cited only by other frameworks are deliberately left out of framework evidence: ' +
        'they count in the overall score, but no control of this framework asks for them.',
    );
    if (capped.length > 0)
      notes.push(`Samples cut to the first ${SAMPLE_CAP} failing assets for: ${capped.join(', ')}.`);
    if (absent.length > 0)
      notes.push(`Cited by the framework but missing from the scan result: ${absent.join(', ')}.`);
    return { rows, notes };
  },
};

function ruleHead(r: RuleResult, controls: string): Cell[] {
  return [
    r.id,
    r.name,
    r.severity,
    r.status,
    r.evaluated,
    r.failing.length,
    r.metric?.value ?? null,
    r.metric?.threshold ?? null,
    controls,
  ];
}
