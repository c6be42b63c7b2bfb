/**
 * Key Vault's own events (Event Grid) → the same alert events the scheduled scans produce, so
 * both paths share one ledger: the dedup key of a `SecretNearExpiry` is the key the scan gives
 * that secret at that threshold, and whichever path claims it first is the only one to send it.
 * Pure: no clock, no I/O. The job (bot/jobs/eventgrid-events.ts) reads what the store knows
 * (resolutions, claim times) and passes it in with `now`.
 *
 * Decisions, all documented here because an event carries less than a scan:
 * - `*NearExpiry`: Key Vault raises it 30 days before EXP. The threshold is the one the scan
 *   would attribute at `now` from the event's EXP and the organisation's parameters: `expired`
 *   when EXP has passed, `7d` when it falls within `expiringCriticalDays`, otherwise `30d`
 *   (Key Vault's fixed 30 days; the scan's own `expiringSoonDays` may differ: see the notes).
 *   Without an EXP it is `30d`.
 * - `*Expired` → `expired`, whatever EXP says.
 * - The rule is the expiry rule the scans attribute to that kind of asset at that threshold
 *   (THRESHOLD_RULES: P for secrets, C for certificates, K for keys), so the channel filters
 *   (vault, the rule's severity, a framework citing the rule) apply the same way.
 * - `*NewVersionCreated` resolves the asset: its threshold keys are cleared, but only those
 *   claimed before the event was raised (an alert claimed later is about the new version), and
 *   only when the event is newer than the asset's recorded resolution (an older or equal event,
 *   or one naming the version already recorded, resolves nothing).
 * - Ordering: an expiry event raised at or before the asset's newest known new version (recorded,
 *   or in the same batch), about another version, is stale and alerts nothing: events out of order
 *   never reopen a resolved alert. Key Vault versions are random ids, not ordered, so versions are
 *   only compared for equality; times order the rest.
 * - `VaultAccessPolicyChanged` asks for the vault's configuration to be read again (the job runs
 *   the scheduled scan now; see there why not one vault alone).
 */
import type { KeyVaultEvent } from '../eventgrid/types.js';
import { DEFAULT_PARAMETERS, type OrgParameters } from '../../scanner/rules/parameters.js';
import { THRESHOLD_RULES, THRESHOLDS, vaultOf, type AlertEvent, type Threshold } from './diff.js';

export type ThresholdEvent = Extract<AlertEvent, { kind: 'threshold' }>;

/** The newest version an asset is known to have got, and when Key Vault raised it (epoch ms). */
export interface KnownResolution {
  version: string | null;
  at: number;
}

export interface EventContext {
  /** Epoch ms: decides the threshold from EXP. */
  now: number;
  /** The latest scan's organisation parameters (default DEFAULT_PARAMETERS). */
  parameters?: OrgParameters;
  /** Per asset id: the resolution the store has recorded. */
  resolutions: ReadonlyMap<string, KnownResolution>;
}

/** What one batch of events asks for. */
export interface EventDecisions {
  /** Threshold alerts to claim, each key once, most urgent first (as a scan orders them). */
  alerts: ThresholdEvent[];
  /**
   * The earliest time (epoch ms) Key Vault raised one of `alerts`, or null without alerts: the
   * claims are stamped with it rather than with `now`, so a new version raised after the expiry
   * event, but delivered after the alert went out, still finds the alert claimed before it.
   */
  raisedAt: number | null;
  /** Per asset, the newest new version of the batch that is newer than the recorded one. */
  resolves: { assetId: string; version: string | null; at: number }[];
  /** Vaults whose access policy changed (lower case, each once). */
  vaults: string[];
  /** Events that changed nothing, and why (for the log). */
  ignored: { id: string; reason: string }[];
}

const DAY = 86_400_000;

/** The rule prefix the scans use per object type. */
const RULE_PREFIX = { Secret: 'P', Certificate: 'C', Key: 'K' } as const;

/** The expiry rule the scans attribute to this kind of asset at this threshold, or null for a vault. */
export function expiryRuleOf(objectType: KeyVaultEvent['objectType'], threshold: Threshold): string | null {
  if (objectType === 'Vault') return null;
  const prefix = RULE_PREFIX[objectType];
  return THRESHOLD_RULES[threshold].find((id) => id.startsWith(prefix)) ?? null;
}

/** The threshold an expiry event stands for at `now` (see the decisions above), or null for other types. */
export function thresholdOf(
  event: Pick<KeyVaultEvent, 'type' | 'exp'>,
  now: number,
  parameters: OrgParameters = DEFAULT_PARAMETERS,
): Threshold | null {
  if (event.type.endsWith('Expired')) return 'expired';
  if (!event.type.endsWith('NearExpiry')) return null;
  if (event.exp === null) return '30d';
  const left = event.exp * 1000 - now;
  if (left <= 0) return 'expired';
  if (left <= parameters.expiringCriticalDays * DAY) return '7d';
  return '30d';
}

/** The ledger keys an asset can have alerted under (every threshold). */
export function thresholdKeysOf(assetId: string): string[] {
  return THRESHOLDS.map((t) => `threshold:${t}:${assetId}`);
}

function timeOf(event: KeyVaultEvent): number | null {
  const at = Date.parse(event.time);
  return Number.isNaN(at) ? null : at;
}

/** True when `version`'s event at `at` is superseded by `newest`: raised no later, about another version. */
export function isStale(at: number, version: string | null, newest: KnownResolution | undefined): boolean {
  if (newest === undefined) return false;
  if (version !== null && version === newest.version) return false;
  return at <= newest.at;
}

/** Decides what a batch of Key Vault events asks for; see the decisions at the top of this file. */
export function decideEvents(events: readonly KeyVaultEvent[], ctx: EventContext): EventDecisions {
  const parameters = ctx.parameters ?? DEFAULT_PARAMETERS;
  const ignored: EventDecisions['ignored'] = [];
  // The newest new version per asset: the recorded one, raised to the batch's own.
  const newest = new Map<string, KnownResolution>(ctx.resolutions);
  const resolved = new Map<string, { version: string | null; at: number }>();
  for (const event of events) {
    if (!event.type.endsWith('NewVersionCreated')) continue;
    const at = timeOf(event);
    if (event.assetId === null || at === null) {
      ignored.push({ id: event.id, reason: 'a new version without an asset id or a readable time' });
      continue;
    }
    const known = newest.get(event.assetId);
    if (
      known !== undefined &&
      (at <= known.at || (event.version !== null && event.version === known.version))
    ) {
      ignored.push({ id: event.id, reason: 'not newer than the version already known' });
      continue;
    }
    newest.set(event.assetId, { version: event.version, at });
    resolved.set(event.assetId, { version: event.version, at });
  }

  const alerts: ThresholdEvent[] = [];
  let raisedAt: number | null = null;
  const vaults = new Set<string>();
  for (const event of events) {
    if (event.type === 'VaultAccessPolicyChanged') {
      if (event.vault === '') ignored.push({ id: event.id, reason: 'a vault event without a vault name' });
      else vaults.add(event.vault.toLowerCase());
      continue;
    }
    const threshold = thresholdOf(event, ctx.now, parameters);
    if (threshold === null) continue;
    const at = timeOf(event);
    const ruleId = expiryRuleOf(event.objectType, threshold);
    if (event.assetId === null || at === null || ruleId === null) {
      ignored.push({
        id: event.id,
        reason: 'an expiry event without an asset id, a readable time or an object kind',
      });
      continue;
    }
    if (isStale(at, event.version, newest.get(event.assetId))) {
      ignored.push({ id: event.id, reason: 'raised before a newer version of the asset' });
      continue;
    }
    raisedAt = raisedAt === null ? at : Math.min(raisedAt, at);
    alerts.push({
      kind: 'threshold',
      threshold,
      assetId: event.assetId,
      ruleId,
      vault: vaultOf(event.assetId) ?? (event.vault.toLowerCase() || null),
    });
  }

  const seen = new Set<string>();
  const unique = alerts.filter((a) => {
    const key = `${a.threshold}:${a.assetId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rank = (t: Threshold) => THRESHOLDS.indexOf(t);
  unique.sort(
    (a, b) =>
      rank(a.threshold) - rank(b.threshold) || (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : 0),
  );
  return {
    alerts: unique,
    raisedAt,
    resolves: [...resolved].map(([assetId, r]) => ({ assetId, ...r })),
    vaults: [...vaults],
    ignored,
  };
}

/**
 * The keys a new version clears: the asset's threshold keys claimed before it was raised. A key
 * claimed at or after that time is about the new version (a scan, or an event, that saw it).
 */
export function keysToClear(
  resolves: EventDecisions['resolves'],
  claimTimes: ReadonlyMap<string, number>,
): string[] {
  const out: string[] = [];
  for (const r of resolves) {
    for (const key of thresholdKeysOf(r.assetId)) {
      const claimed = claimTimes.get(key);
      if (claimed !== undefined && claimed < r.at) out.push(key);
    }
  }
  return out;
}
