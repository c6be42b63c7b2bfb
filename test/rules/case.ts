import type { Inventory } from '../../scanner/inventory/types.js';
import type { OrgParameters } from '../../scanner/rules/parameters.js';
import type { Metric, RuleStatus } from '../../scanner/rules/types.js';

/**
 * One row of a rule's table (ESLint-style valid/invalid tables): an inventory, an evaluation
 * time, and exactly what rules.md says the rule returns for it.
 */
export interface RuleCase {
  name: string;
  inventory: Inventory;
  /** Epoch ms; defaults to builders' NOW (2026-11-23T06:00:00Z). */
  now?: number;
  /**
   * The organisation's parameters (rules.md, "Organisation parameters"); the rule is then
   * evaluated with them. Without it the rule is evaluated without parameters, i.e. with
   * DEFAULT_PARAMETERS.
   */
  parameters?: OrgParameters;
  expect: {
    status: RuleStatus;
    /** Exact failing ids, in inventory order. Defaults to [] for pass / not_applicable. */
    failing?: string[];
    /** Population size, when the row pins it. */
    evaluated?: number;
    /** Ratio rules: the exact metric (value compared to 1e-9). */
    metric?: Metric | null;
  };
}
