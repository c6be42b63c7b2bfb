import { SEVERITY_ORDER } from '../../base/severity.js';
import type { SeverityName } from '../../base/severity.js';
import type { Inventory, OptionalSection } from '../inventory/types.js';
import { DEFAULT_PARAMETERS, type OrgParameters } from './parameters.js';

export type Severity = SeverityName;
export const SEVERITIES: readonly Severity[] = SEVERITY_ORDER;

/** Default weight by severity (rules.md, "Weights and score"). */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = {
  Critical: 25,
  High: 15,
  Medium: 8,
  Low: 3,
};

/** framework: cited by at least one framework control; operational: counts in the score only. */
export type RuleClass = 'framework' | 'operational' | 'custom';

export type RuleCategory =
  'secrets' | 'certificates' | 'keys' | 'vaults' | 'rotation' | 'dependencies' | 'sync' | 'custom';

export interface RuleMeta {
  id: string;
  name: string;
  /** What the rule checks and why it matters, in our own words. */
  description: string;
  severity: Severity;
  /** 1–30; the weight, not the severity, governs the score. */
  weight: number;
  class: RuleClass;
  category: RuleCategory;
  /** What an operator does to make a failing asset pass. */
  remediation: string;
  /** Optional inventory sections the rule reads; when one is missing the rule is not_applicable. */
  needs: readonly OptionalSection[];
}

export type RuleStatus = 'pass' | 'fail' | 'not_applicable';

export interface Metric {
  value: number;
  threshold: number;
}

export interface RuleOutcome {
  status: RuleStatus;
  /** Size of the rule's population. */
  evaluated: number;
  /** Ids of the failing assets (inventory.md, "Asset identifiers"), in inventory order. */
  failing: string[];
  /** Ratio rules only. */
  metric: Metric | null;
}

export interface Rule {
  readonly meta: RuleMeta;
  /**
   * Pure: the same inventory, `now` (epoch ms) and parameters always give the same outcome.
   * `parameters` defaults to DEFAULT_PARAMETERS.
   */
  evaluate(inventory: Inventory, now: number, parameters?: OrgParameters): RuleOutcome;
}

export const NOT_APPLICABLE: RuleOutcome = Object.freeze({
  status: 'not_applicable',
  evaluated: 0,
  failing: [],
  metric: null,
}) as RuleOutcome;

/** A list rule: fails when any asset of a non-empty population fails. */
export function listOutcome(evaluated: number, failing: string[]): RuleOutcome {
  if (evaluated === 0) return { ...NOT_APPLICABLE, failing: [] };
  return { status: failing.length > 0 ? 'fail' : 'pass', evaluated, failing, metric: null };
}

/** A ratio rule: passes when `passing / evaluated ≥ threshold`, whatever `failing` holds. */
export function ratioOutcome(
  evaluated: number,
  passing: number,
  threshold: number,
  failing: string[],
): RuleOutcome {
  if (evaluated === 0) return { ...NOT_APPLICABLE, failing: [] };
  const value = passing / evaluated;
  return { status: value >= threshold ? 'pass' : 'fail', evaluated, failing, metric: { value, threshold } };
}

type MetaInput = Omit<RuleMeta, 'weight' | 'needs'> & { weight?: number; needs?: readonly OptionalSection[] };

/** A rule's evaluation as `defineRule` calls it: the parameters are always given. */
export type Evaluate = (inventory: Inventory, now: number, parameters: OrgParameters) => RuleOutcome;

/**
 * Builds a rule from its metadata and its pure evaluation; fills the weight from the severity,
 * answers not_applicable when a needed section was not collected, and hands the evaluation the
 * organisation's parameters (DEFAULT_PARAMETERS when none are given).
 */
export function defineRule(meta: MetaInput, evaluate: Evaluate): Rule {
  const full: RuleMeta = Object.freeze({
    ...meta,
    weight: meta.weight ?? SEVERITY_WEIGHT[meta.severity],
    needs: meta.needs ?? [],
  });
  return Object.freeze({
    meta: full,
    evaluate(inventory: Inventory, now: number, parameters?: OrgParameters): RuleOutcome {
      for (const section of full.needs) {
        if (inventory[section] === undefined) return { ...NOT_APPLICABLE, failing: [] };
      }
      return evaluate(inventory, now, parameters ?? DEFAULT_PARAMETERS);
    },
  });
}
