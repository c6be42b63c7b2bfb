/**
 * What changed between two scans, or is still open, that is worth a proactive alert, and which
 * of those alerts were not sent yet. Pure: no clock, no I/O; the caller passes both scans and the
 * keys already sent.
 */
import { parseVaultAssetUrl } from '../../base/asset-url.js';
import { severityRank } from '../../base/severity.js';
import type { ScanResult } from '../../scanner/scan.js';
import type { Severity } from '../../scanner/rules/types.js';

export type Threshold = '30d' | '7d' | 'expired';

export type AlertEvent =
  | { kind: 'threshold'; threshold: Threshold; assetId: string; ruleId: string; vault: string | null }
  | { kind: 'critical-rule'; ruleId: string; name: string; failing: number }
  /** `scanId` is the scan that showed the drop: it makes the dedup key `score-drop:<scanId>`. */
  | { kind: 'score-drop'; from: number; to: number; delta: number; scanId: string };

export interface AlertDigest {
  kind: 'digest';
  /** Per threshold (`expired`, `7d`, `30d`) and per kind (`critical-rule`, `score-drop`). */
  counts: Record<string, number>;
  events: AlertEvent[];
}

export type AlertMessage = AlertEvent | AlertDigest;

export interface DiffOptions {
  /** A score drop of at least this many points alerts. Default 5. */
  scoreDropPoints?: number;
}

export interface AlertFilters {
  /** Key Vault name (the host's first label), matched case-insensitively. */
  vault?: string;
  /** Minimum severity: an event passes when its rule is at least this severe. */
  severity?: Severity;
  /** Framework id (e.g. `cis`): the event's rule must be cited by one of its controls. */
  framework?: string;
}

export const DEFAULT_SCORE_DROP_POINTS = 5;
export const DEFAULT_DIGEST_MAX = 5;

/** In alert order: the most urgent first. */
export const THRESHOLDS: readonly Threshold[] = ['expired', '7d', '30d'];

/** The rules (secrets, certificates, keys) whose failing assets have crossed each threshold. */
export const THRESHOLD_RULES: Readonly<Record<Threshold, readonly string[]>> = {
  expired: ['P007', 'C005', 'K005'],
  '7d': ['P002', 'C002', 'K002'],
  '30d': ['P003', 'C003', 'K003'],
};

type Rules = ScanResult['rules'];
type RuleResult = Rules[number];

function byId(rules: Rules): Map<string, RuleResult> {
  return new Map(rules.map((r) => [r.id, r]));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `kv-prod` for `https://kv-prod.vault.azure.net/secrets/db`; null when the id is not such a URL. */
export function vaultOf(assetId: string): string | null {
  return parseVaultAssetUrl(assetId)?.vault.toLowerCase() ?? null;
}

/**
 * The alerts between `previous` (null for a first scan: everything currently failing counts
 * once) and `current`, in order: expired, 7d, 30d (each by asset id), newly failing Critical
 * rules (by rule id), then a score drop.
 */
export function diffScans(
  previous: ScanResult | null,
  current: ScanResult,
  opts: DiffOptions = {},
): AlertEvent[] {
  const dropPoints = opts.scoreDropPoints ?? DEFAULT_SCORE_DROP_POINTS;
  const before = previous === null ? new Map<string, RuleResult>() : byId(previous.rules);
  const now = byId(current.rules);
  const events: AlertEvent[] = [];

  for (const threshold of THRESHOLDS) {
    const crossed: Extract<AlertEvent, { kind: 'threshold' }>[] = [];
    for (const ruleId of THRESHOLD_RULES[threshold]) {
      const rule = now.get(ruleId);
      if (rule === undefined || rule.status !== 'fail') continue;
      const was = new Set(before.get(ruleId)?.failing ?? []);
      for (const assetId of new Set(rule.failing)) {
        if (!was.has(assetId)) {
          crossed.push({ kind: 'threshold', threshold, assetId, ruleId, vault: vaultOf(assetId) });
        }
      }
    }
    crossed.sort((a, b) => compare(a.assetId, b.assetId) || compare(a.ruleId, b.ruleId));
    events.push(...crossed);
  }

  const critical = current.rules
    .filter((r) => r.severity === 'Critical' && r.status === 'fail' && before.get(r.id)?.status !== 'fail')
    .sort((a, b) => compare(a.id, b.id));
  for (const r of critical) {
    events.push({ kind: 'critical-rule', ruleId: r.id, name: r.name, failing: r.failing.length });
  }

  if (previous !== null && previous.score !== null && current.score !== null) {
    const delta = previous.score - current.score;
    if (delta >= dropPoints) {
      events.push({
        kind: 'score-drop',
        from: previous.score,
        to: current.score,
        delta,
        scanId: current.scanId,
      });
    }
  }
  return events;
}

/**
 * What the alert ledger decides on after a scan: every asset past a threshold and every failing
 * Critical rule in `current` (as for a first scan), then a score drop since `previous`. Open
 * problems rather than changes alone, so a channel subscribed later, or one a delivery failed
 * to, still gets a problem that is still there; the ledger keeps it to once per channel.
 */
export function openEvents(
  previous: ScanResult | null,
  current: ScanResult,
  opts: DiffOptions = {},
): AlertEvent[] {
  const drops =
    previous === null ? [] : diffScans(previous, current, opts).filter((e) => e.kind === 'score-drop');
  return [...diffScans(null, current, opts), ...drops];
}

/** The stable dedup key of an event: one alert per asset per threshold, per Critical rule, per scan drop. */
export function keyOf(event: AlertEvent): string {
  switch (event.kind) {
    case 'threshold':
      return `threshold:${event.threshold}:${event.assetId}`;
    case 'critical-rule':
      return `critical:${event.ruleId}`;
    case 'score-drop':
      return `score-drop:${event.scanId}`;
  }
}

/** The events whose key was not sent yet (each key once), and their keys in the same order. */
export function selectNew(
  events: readonly AlertEvent[],
  sent: ReadonlySet<string>,
): { fresh: AlertEvent[]; keys: string[] } {
  const fresh: AlertEvent[] = [];
  const keys: string[] = [];
  const taken = new Set<string>();
  for (const event of events) {
    const key = keyOf(event);
    if (sent.has(key) || taken.has(key)) continue;
    taken.add(key);
    fresh.push(event);
    keys.push(key);
  }
  return { fresh, keys };
}

/**
 * The sent keys whose condition no longer holds in `current`, so the problem alerts again if it
 * comes back: an asset no longer failing any of its threshold's rules, a Critical rule no longer
 * failing. A key about a rule the scan does not report is kept (nothing is known about it);
 * score-drop keys are per scan and never cleared; unknown keys are kept.
 */
export function clearedKeys(current: ScanResult, sent: Iterable<string>): string[] {
  const rules = byId(current.rules);
  const failingBy = new Map<Threshold, Set<string> | null>();
  for (const threshold of THRESHOLDS) {
    const reported = THRESHOLD_RULES[threshold]
      .map((id) => rules.get(id))
      .filter((r): r is RuleResult => r !== undefined);
    failingBy.set(
      threshold,
      reported.length === 0 ? null : new Set(reported.flatMap((r) => (r.status === 'fail' ? r.failing : []))),
    );
  }
  const cleared: string[] = [];
  for (const key of sent) {
    const threshold = /^threshold:(expired|7d|30d):(.+)$/s.exec(key);
    if (threshold) {
      const failing = failingBy.get(threshold[1] as Threshold);
      if (failing != null && !failing.has(threshold[2] as string)) cleared.push(key);
      continue;
    }
    const critical = /^critical:(.+)$/s.exec(key);
    if (critical) {
      const rule = rules.get(critical[1] as string);
      if (rule !== undefined && rule.status !== 'fail') cleared.push(key);
    }
  }
  return cleared;
}

function ruleIdOf(event: AlertEvent): string | null {
  return event.kind === 'score-drop' ? null : event.ruleId;
}

/**
 * The events a channel with these filters receives. Vault: threshold alerts of that vault only
 * (other kinds are not about one vault and pass). Severity (a minimum): threshold alerts count
 * as their rule's severity, critical-rule as Critical; a score drop passes only a Critical
 * filter. Framework: the event's rule is cited by one of the framework's controls in `current`;
 * a score drop always passes.
 */
export function filterFor(
  events: readonly AlertEvent[],
  filters: AlertFilters,
  current: Pick<ScanResult, 'rules' | 'frameworks'>,
): AlertEvent[] {
  const rules = byId(current.rules);
  const vault = filters.vault?.trim().toLowerCase();
  const framework = filters.framework?.trim().toLowerCase();
  let cited: Set<string> | null = null;
  if (framework) {
    const fw = current.frameworks.find((f) => f.id.toLowerCase() === framework);
    cited = new Set(fw?.controls.flatMap((c) => c.rules) ?? []);
  }
  return events.filter((event) => {
    if (vault && event.kind === 'threshold' && event.vault !== vault) return false;
    if (filters.severity !== undefined) {
      if (event.kind === 'score-drop') {
        if (filters.severity !== 'Critical') return false;
      } else {
        const severity: Severity | undefined =
          event.kind === 'critical-rule' ? 'Critical' : rules.get(event.ruleId)?.severity;
        if (severity === undefined || severityRank(severity) > severityRank(filters.severity)) return false;
      }
    }
    const ruleId = ruleIdOf(event);
    if (cited !== null && ruleId !== null && !cited.has(ruleId)) return false;
    return true;
  });
}

/** More than `max` events become one digest; otherwise the events go out one by one. */
export function digestOrSingle(events: readonly AlertEvent[], max = DEFAULT_DIGEST_MAX): AlertMessage[] {
  if (events.length <= max) return [...events];
  const counts: Record<string, number> = {};
  for (const event of events) {
    const bucket = event.kind === 'threshold' ? event.threshold : event.kind;
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return [{ kind: 'digest', counts, events: [...events] }];
}
