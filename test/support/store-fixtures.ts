/**
 * Fixtures the store tests share, whichever store they run on: hand-made scans for the scan
 * store, custom rules with a stand-in validator for the custom rule store, alert subscriptions,
 * conversation references, and a check of the CertifyError a store refuses with.
 */
import assert from 'node:assert/strict';
import { CertifyError, type ErrorCode } from '../../base/errors.js';
import type { CustomRuleDef } from '../../scanner/rules/custom-types.js';
import type { ScanSummary } from '../../scanner/summary.js';
import type { AlertSubscription } from '../../store/alerts.js';
import type { CustomRuleValidator } from '../../store/custom-rules.js';

/** For assert.rejects: the error is a CertifyError with this code (and a message matching `text`). */
export function isCode(code: ErrorCode, text?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof CertifyError, `expected a CertifyError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (text) assert.match(error.message, text);
    return true;
  };
}

/** When the alert tests' subscriptions were made (and their clock starts). */
export const ALERTS_T0 = Date.parse('2025-03-01T09:00:00.000Z');

/** A subscription of channel `kind:id`, made by alice at ALERTS_T0. */
export function subscription(
  kind: AlertSubscription['channel']['kind'],
  id: string,
  filters: AlertSubscription['filters'] = {},
): AlertSubscription {
  return {
    channel: { kind, id },
    filters,
    createdBy: 'alice@contoso.com',
    createdAt: new Date(ALERTS_T0).toISOString(),
  };
}

/** Just what a scan store needs of a full result, and a rule list to see the result is whole. */
export interface FakeResult {
  scanId: string;
  now: string;
  source: string;
  score: number | null;
  rating: string | null;
  rules: { id: string; failing: string[] }[];
}

/** Scan `i` (`scan-00i`, on 2026-11-(1+i)) with P001 failing on `failing`. */
export function fakeScan(
  i: number,
  failing: string[] = [`https://kv.vault.azure.net/secrets/s${i}`],
): { result: FakeResult; summary: ScanSummary } {
  const scanId = `scan-${String(i).padStart(3, '0')}`;
  const now = new Date(Date.UTC(2026, 10, 1 + i, 6)).toISOString();
  return {
    result: { scanId, now, source: 'demo', score: 50 + i, rating: 'C', rules: [{ id: 'P001', failing }] },
    summary: {
      scanId,
      now,
      source: 'demo',
      score: 50 + i,
      rating: 'C',
      failingRules: ['P001'],
      frameworkScores: { cis: 60 + i, pci: null },
      assetCounts: { secrets: 10, keys: 2, resources: null },
      failingAssets: { P001: failing },
    },
  };
}

/** Saves fakeScan(from) … fakeScan(to), in that order. */
export async function saveScans(
  store: { save(result: FakeResult, summary: ScanSummary): Promise<void> },
  from: number,
  to: number,
): Promise<void> {
  for (let i = from; i <= to; i++) {
    const { result, summary } = fakeScan(i);
    await store.save(result, summary);
  }
}

const IDS = /^[A-Za-z][A-Za-z0-9_-]{1,39}$/;

/**
 * Stands in for scanner/rules/custom.ts: just enough to exercise a store's own decisions. It
 * takes ids in any case, so that the stores' own case-folding is what is tested.
 */
export const validateStubRule: CustomRuleValidator = (input) => {
  if (typeof input !== 'object' || input === null)
    return { ok: false, problems: ['custom rule: must be an object'] };
  const rule = input as Partial<CustomRuleDef> & Record<string, unknown>;
  const problems: string[] = [];
  if (typeof rule.id !== 'string' || !IDS.test(rule.id))
    problems.push('id: must match ^[A-Z][A-Z0-9_-]{1,39}$');
  if (typeof rule.name !== 'string' || rule.name === '') problems.push('name: missing');
  if (rule.severity !== undefined && !['Critical', 'High', 'Medium', 'Low'].includes(rule.severity)) {
    problems.push('severity: not allowed');
  }
  if (typeof rule.condition !== 'object' || rule.condition === null) problems.push('condition: missing');
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      id: rule.id as string,
      name: rule.name as string,
      description: rule.description ?? '',
      severity: rule.severity ?? 'Low',
      weight: rule.weight ?? 3,
      enabled: rule.enabled ?? true,
      condition: rule.condition as CustomRuleDef['condition'],
    },
  };
};

/** The built-in rule ids the stand-in stores are given. */
export const STUB_BUILTIN_IDS: ReadonlySet<string> = new Set(['P001', 'K006']);

/** A valid custom rule `id` (secrets expiring within 30 days), with `extra` over it. */
export function ruleInput(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `rule ${id}`,
    severity: 'High',
    condition: {
      operator: 'less_than',
      asset_field: 'expires_within_days',
      asset_scope: 'secrets',
      value: 30,
    },
    ...extra,
  };
}

/** A Teams conversation reference, as the conversation store keeps it. */
export interface ConversationRef {
  serviceUrl: string;
  conversation: { id: string; tenantId?: string };
}

/** The reference of conversation `id`, with `extra` over its conversation. */
export function conversationRef(
  id: string,
  extra: Partial<ConversationRef['conversation']> = {},
): ConversationRef {
  return { serviceUrl: 'https://smba.trafficmanager.net/emea/', conversation: { id, ...extra } };
}
