/**
 * Inventory + rules + frameworks + now + organisation parameters → `certify.scan/v1`
 * (contract.md). Pure: the caller supplies the scan id, the time and the parameters, so the same
 * input always gives the same result.
 */
import type { CitationSubset, Coverage, Framework, FrameworkId } from './frameworks/types.js';
import type { Inventory } from './inventory/types.js';
import { splitByVault } from './rules/facts.js';
import { DEFAULT_PARAMETERS, type OrgParameters } from './rules/parameters.js';
import type { Metric, Rule, RuleClass, RuleOutcome, RuleStatus, Severity } from './rules/types.js';
import { ratingOf, scoreOf, type Rating } from './score.js';

export const SCAN_SCHEMA = 'certify.scan/v1';

export interface RuleResult {
  id: string;
  name: string;
  severity: Severity;
  weight: number;
  class: RuleClass;
  status: RuleStatus;
  evaluated: number;
  failing: string[];
  metric: Metric | null;
}

export type ControlStatus = RuleStatus | 'customer';

export interface ControlResult {
  id: string;
  title: string;
  coverage: Coverage;
  status: ControlStatus;
  rules: string[];
  /** The score formula over the control's cited rules (subset-aware); null when none applies. */
  score: number | null;
}

export interface FrameworkResult {
  id: FrameworkId;
  name: string;
  score: number | null;
  rating: Rating | null;
  controls: ControlResult[];
}

export interface ScanResult {
  schema: typeof SCAN_SCHEMA;
  scanId: string;
  now: string;
  source: string;
  /**
   * The organisation parameters every rule was evaluated with (rules.md, "Organisation
   * parameters"). Absent only in scans saved before Certify recorded them: those used the
   * defaults ({@link parametersOf}).
   */
  parameters?: OrgParameters;
  score: number | null;
  rating: Rating | null;
  rules: RuleResult[];
  frameworks: FrameworkResult[];
  tenantId: string;
  collectedAt: string;
  assets: AssetCounts;
  /** What the source could not collect, and why (e.g. Graph without permission). */
  notices?: string[];
}

export interface AssetCounts {
  vaults: number;
  secrets: number;
  keys: number;
  certificates: number;
  resources: number | null;
  appRegistrations: number | null;
}

export interface ScanInput {
  inventory: Inventory;
  /** Built-in rules and the enabled custom rules. */
  rules: readonly Rule[];
  frameworks: readonly Framework[];
  now: number;
  source: string;
  scanId: string;
  /** The organisation parameters to evaluate with (default: DEFAULT_PARAMETERS). */
  parameters?: OrgParameters;
}

/** The parameters a result was computed with (the defaults for a scan saved before they were recorded). */
export function parametersOf(result: Pick<ScanResult, 'parameters'>): OrgParameters {
  return result.parameters ?? DEFAULT_PARAMETERS;
}

export function countAssets(inv: Inventory): AssetCounts {
  return {
    vaults: inv.vaults.length,
    secrets: inv.secrets.length,
    keys: inv.keys.length,
    certificates: inv.certificates.length,
    resources: inv.resources?.length ?? null,
    appRegistrations: inv.appRegistrations?.length ?? null,
  };
}

function toResult(rule: Rule, outcome: RuleOutcome): RuleResult {
  const m = rule.meta;
  return {
    id: m.id,
    name: m.name,
    severity: m.severity,
    weight: m.weight,
    class: m.class,
    status: outcome.status,
    evaluated: outcome.evaluated,
    failing: outcome.failing,
    metric: outcome.metric,
  };
}

const narrowedCache = new WeakMap<Inventory, Map<string, Inventory>>();

/**
 * The inventory narrowed to the assets of vaults with (or without) RBAC, for CIS 8.1–8.4; the
 * one narrowing, so the control matrix re-runs a subset citation on what the scan judged.
 * Partitioned once per inventory, both halves of a section in one pass: four controls need them,
 * the sections can hold a million assets, and the control matrix narrows the scan's inventory
 * again (inventories are read-only, so the halves can be shared).
 */
export function subsetNarrower(inv: Inventory): (subset: CitationSubset) => Inventory {
  let parts = narrowedCache.get(inv);
  if (!parts) {
    parts = new Map();
    narrowedCache.set(inv, parts);
  }
  const cache = parts;
  let isRbac: ((vault: string) => boolean) | undefined;
  const rbacOf = () => {
    if (!isRbac) {
      const rbacByVault = new Map(inv.vaults.map((v) => [v.name, v.rbacAuthorization]));
      isRbac = (vault) => rbacByVault.get(vault) ?? rbacByVault.get(vault.toLowerCase()) ?? false;
    }
    return isRbac;
  };
  return (subset) => {
    const key = `${subset.section}:${subset.vaultRbac}`;
    let narrowed = cache.get(key);
    if (!narrowed) {
      if (subset.section === 'keys') {
        const [rbac, other] = splitByVault(inv.keys, rbacOf());
        cache.set('keys:true', { ...inv, keys: rbac });
        cache.set('keys:false', { ...inv, keys: other });
      } else {
        const [rbac, other] = splitByVault(inv.secrets, rbacOf());
        cache.set('secrets:true', { ...inv, secrets: rbac });
        cache.set('secrets:false', { ...inv, secrets: other });
      }
      narrowed = cache.get(key)!;
    }
    return narrowed;
  };
}

function controlStatus(statuses: readonly RuleStatus[]): RuleStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('pass')) return 'pass';
  return 'not_applicable';
}

function evaluateFramework(
  fw: Framework,
  byId: ReadonlyMap<string, { rule: Rule; result: RuleResult }>,
  narrow: (subset: CitationSubset) => Inventory,
  now: number,
  parameters: OrgParameters,
): FrameworkResult {
  const cited = new Map<string, RuleResult>();
  const controls = fw.controls.map((control): ControlResult => {
    const results: RuleResult[] = [];
    for (const c of control.citations) {
      const entry = byId.get(c.rule);
      if (!entry) throw new Error(`framework ${fw.id} control ${control.id} cites unknown rule ${c.rule}`);
      cited.set(c.rule, entry.result);
      results.push(
        c.subset
          ? toResult(entry.rule, entry.rule.evaluate(narrow(c.subset), now, parameters))
          : entry.result,
      );
    }
    return {
      id: control.id,
      title: control.title,
      coverage: control.coverage,
      status: control.coverage === 'customer' ? 'customer' : controlStatus(results.map((r) => r.status)),
      rules: [...new Set(control.citations.map((c) => c.rule))],
      score: scoreOf(results),
    };
  });
  const score = scoreOf(cited.values());
  return { id: fw.id, name: fw.name, score, rating: ratingOf(score), controls };
}

export function runScan(input: ScanInput): ScanResult {
  const { inventory, now } = input;
  // A copy of plain numbers, so the result never shares (or freezes) the caller's object.
  const parameters: OrgParameters = { ...(input.parameters ?? DEFAULT_PARAMETERS) };
  const byId = new Map<string, { rule: Rule; result: RuleResult }>();
  const rules: RuleResult[] = [];
  for (const rule of input.rules) {
    const result = toResult(rule, rule.evaluate(inventory, now, parameters));
    byId.set(rule.meta.id, { rule, result });
    rules.push(result);
  }
  const score = scoreOf(rules);
  const narrow = subsetNarrower(inventory);
  return {
    schema: SCAN_SCHEMA,
    scanId: input.scanId,
    now: new Date(now).toISOString(),
    source: input.source,
    parameters,
    score,
    rating: ratingOf(score),
    rules,
    frameworks: input.frameworks.map((fw) => evaluateFramework(fw, byId, narrow, now, parameters)),
    tenantId: inventory.tenantId,
    collectedAt: inventory.collectedAt,
    assets: countAssets(inventory),
  };
}
