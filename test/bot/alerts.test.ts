import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  clearedKeys,
  diffScans,
  digestOrSingle,
  filterFor,
  keyOf,
  selectNew,
  vaultOf,
} from '../../bot/alerts/index.js';
import type { AlertEvent, Threshold } from '../../bot/alerts/index.js';
import { alertView } from '../../bot/alerts/view.js';
import { DEFAULT_PARAMETERS } from '../../scanner/rules/parameters.js';
import { SCAN_SCHEMA } from '../../scanner/scan.js';
import type { FrameworkResult, RuleResult, ScanResult } from '../../scanner/scan.js';
import type { Severity } from '../../scanner/rules/types.js';

const SEVERITY: Record<string, Severity> = {
  P002: 'High',
  P003: 'Medium',
  P007: 'Critical',
  C002: 'High',
  C003: 'Medium',
  C005: 'Critical',
  K002: 'High',
  K003: 'Medium',
  K005: 'Critical',
  P005: 'Critical',
  P015: 'Low',
};

const secret = (vault: string, name: string) => `https://${vault}.vault.azure.net/secrets/${name}`;
const cert = (vault: string, name: string) => `https://${vault}.vault.azure.net/certificates/${name}`;
const key = (vault: string, name: string) => `https://${vault}.vault.azure.net/keys/${name}`;

function rule(id: string, failing: string[], status?: RuleResult['status']): RuleResult {
  return {
    id,
    name: `rule ${id}`,
    severity: SEVERITY[id] ?? 'Low',
    weight: 1,
    class: 'framework',
    status: status ?? (failing.length > 0 ? 'fail' : 'pass'),
    evaluated: 10,
    failing,
    metric: null,
  };
}

/** A scan with only what the diff reads made realistic: rules, score, frameworks, scanId. */
function scan(
  scanId: string,
  failing: Record<string, string[]>,
  extra: {
    score?: number | null;
    frameworks?: FrameworkResult[];
    statuses?: Record<string, RuleResult['status']>;
  } = {},
): ScanResult {
  const ids = new Set([...Object.keys(SEVERITY), ...Object.keys(failing)]);
  return {
    schema: SCAN_SCHEMA,
    scanId,
    now: '2025-01-01T00:00:00.000Z',
    source: 'test',
    score: extra.score === undefined ? 90 : extra.score,
    rating: null,
    rules: [...ids].sort().map((id) => rule(id, failing[id] ?? [], extra.statuses?.[id])),
    frameworks: extra.frameworks ?? [],
    tenantId: 't',
    collectedAt: '2025-01-01T00:00:00.000Z',
    assets: { vaults: 1, secrets: 1, keys: 1, certificates: 1, resources: null, appRegistrations: null },
  };
}

const A = secret('kv-prod', 'db-password');
const B = cert('KV-Dev', 'tls');
const C = key('kv-prod', 'signing');

/** The threshold events only (expired rules are Critical here, so they also raise critical-rule events). */
function thresholds(events: readonly AlertEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'threshold' ? [`${e.threshold}:${e.ruleId}:${e.assetId}`] : []));
}

describe('vaultOf', () => {
  const table: [string, string | null][] = [
    [A, 'kv-prod'],
    [B, 'kv-dev'],
    ['https://kv.vault.azure.cn/keys/k', 'kv'],
    ['not a url', null],
    ['http://kv.vault.azure.net/keys/k', null],
    ['https://localhost/keys/k', null],
  ];
  for (const [id, vault] of table) it(`${id} → ${String(vault)}`, () => assert.equal(vaultOf(id), vault));
});

describe('diffScans: thresholds', () => {
  const table: {
    name: string;
    before: Record<string, string[]> | null;
    after: Record<string, string[]>;
    want: string[];
  }[] = [
    {
      name: 'first scan: everything failing counts once',
      before: null,
      after: { P003: [A] },
      want: [`30d:P003:${A}`],
    },
    { name: 'secret crosses 30d', before: {}, after: { P003: [A] }, want: [`30d:P003:${A}`] },
    {
      name: 'certificate crosses 7d (still in 30d)',
      before: { C003: [B] },
      after: { C002: [B], C003: [B] },
      want: [`7d:C002:${B}`],
    },
    {
      name: 'key expires',
      before: { K002: [C], K003: [C] },
      after: { K005: [C] },
      want: [`expired:K005:${C}`],
    },
    { name: 'unchanged: nothing', before: { P003: [A] }, after: { P003: [A] }, want: [] },
    { name: 'recovered: nothing', before: { P007: [A] }, after: {}, want: [] },
    {
      name: 'order: expired, 7d, 30d, each by asset id',
      before: {},
      after: { P003: [A], C002: [B], C003: [B], K005: [C], P007: [A] },
      want: [`expired:K005:${C}`, `expired:P007:${A}`, `7d:C002:${B}`, `30d:C003:${B}`, `30d:P003:${A}`],
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      const events = diffScans(t.before === null ? null : scan('s1', t.before), scan('s2', t.after), {});
      assert.deepEqual(thresholds(events), t.want);
    });
  }

  it('fills vault from the asset URL', () => {
    const [event] = diffScans(null, scan('s', { C003: [B] }), {});
    assert.deepEqual(event, {
      kind: 'threshold',
      threshold: '30d',
      assetId: B,
      ruleId: 'C003',
      vault: 'kv-dev',
    });
  });

  it('is deterministic whatever the order of the failing lists', () => {
    const one = diffScans(null, scan('s', { P003: [A, secret('kv-a', 'x')] }), {});
    const two = diffScans(null, scan('s', { P003: [secret('kv-a', 'x'), A] }), {});
    assert.deepEqual(one, two);
  });
});

describe('diffScans: critical rules and score', () => {
  it('alerts a Critical rule newly failing, not one already failing', () => {
    const newly = diffScans(scan('1', {}), scan('2', { P005: ['v1', 'v2'] }), {});
    assert.deepEqual(newly, [{ kind: 'critical-rule', ruleId: 'P005', name: 'rule P005', failing: 2 }]);
    assert.deepEqual(diffScans(scan('1', { P005: ['v1'] }), scan('2', { P005: ['v1', 'v2'] }), {}), []);
  });

  it('does not alert a non-Critical rule failing', () => {
    assert.deepEqual(diffScans(scan('1', {}), scan('2', { P015: ['x'] }), {}), []);
  });

  const drops: { from: number | null; to: number | null; points?: number; alert: boolean }[] = [
    { from: 90, to: 85, alert: true },
    { from: 90, to: 86, alert: false },
    { from: 90, to: 80, points: 10, alert: true },
    { from: 90, to: 81, points: 10, alert: false },
    { from: 80, to: 90, alert: false },
    { from: null, to: 10, alert: false },
    { from: 90, to: null, alert: false },
  ];
  for (const d of drops) {
    it(`score ${String(d.from)} → ${String(d.to)} (drop points ${d.points ?? 5}): ${d.alert ? 'alerts' : 'quiet'}`, () => {
      const events = diffScans(scan('1', {}, { score: d.from }), scan('2', {}, { score: d.to }), {
        scoreDropPoints: d.points,
      });
      const want =
        d.alert && d.from !== null && d.to !== null
          ? [{ kind: 'score-drop', from: d.from, to: d.to, delta: d.from - d.to, scanId: '2' }]
          : [];
      assert.deepEqual(events, want);
    });
  }

  it('never alerts a score drop on a first scan', () => {
    assert.deepEqual(diffScans(null, scan('1', {}, { score: 0 }), {}), []);
  });
});

describe('selectNew / clearedKeys', () => {
  it('uses stable keys', () => {
    const events = diffScans(
      scan('1', {}, { score: 90 }),
      scan('2', { P007: [A], P005: ['v'] }, { score: 50 }),
      {},
    );
    assert.deepEqual(events.map(keyOf), [
      `threshold:expired:${A}`,
      'critical:P005',
      'critical:P007',
      'score-drop:2',
    ]);
  });

  it('does not repeat on the next identical scan, even from a null previous', () => {
    const s1 = scan('1', { P003: [A] });
    const first = selectNew(diffScans(null, s1, {}), new Set());
    assert.deepEqual(first.keys, [`threshold:30d:${A}`]);
    const sent = new Set(first.keys);
    // the scheduler lost its previous scan (restart): the sent keys still dedupe
    assert.deepEqual(selectNew(diffScans(null, scan('2', { P003: [A] }), {}), sent), { fresh: [], keys: [] });
    assert.deepEqual(selectNew(diffScans(s1, scan('2', { P003: [A] }), {}), sent), { fresh: [], keys: [] });
  });

  it('keeps one event per key', () => {
    const e: AlertEvent = {
      kind: 'threshold',
      threshold: '7d',
      assetId: A,
      ruleId: 'P002',
      vault: 'kv-prod',
    };
    assert.equal(selectNew([e, { ...e }], new Set()).fresh.length, 1);
  });

  it('re-alerts after the condition clears and comes back', () => {
    const s1 = scan('1', { P003: [A], P005: ['v'] });
    const { keys } = selectNew(diffScans(null, s1, {}), new Set());
    const sent = new Set(keys);
    const s2 = scan('2', {});
    const cleared = clearedKeys(s2, sent);
    assert.deepEqual(cleared.sort(), ['critical:P005', `threshold:30d:${A}`]);
    for (const k of cleared) sent.delete(k);
    const s3 = scan('3', { P003: [A], P005: ['v'] });
    assert.deepEqual(selectNew(diffScans(s2, s3, {}), sent).keys, [`threshold:30d:${A}`, 'critical:P005']);
  });

  it('keeps keys whose condition still holds, whose rule is not reported, and score drops', () => {
    const current = scan('9', { P003: [A] });
    const unreported: ScanResult = { ...current, rules: current.rules.filter((r) => !r.id.startsWith('K')) };
    const sent = new Set([
      `threshold:30d:${A}`,
      `threshold:30d:${C}`,
      'score-drop:1',
      'critical:NOPE',
      'something-else',
    ]);
    assert.deepEqual(clearedKeys(unreported, sent), [`threshold:30d:${C}`]);
    const noKeyRules: ScanResult = {
      ...current,
      rules: current.rules.filter((r) => !['P003', 'C003', 'K003'].includes(r.id)),
    };
    assert.deepEqual(clearedKeys(noKeyRules, sent), []);
  });

  it('clears a threshold key when the asset moved to a stricter threshold only in the other list', () => {
    // expired assets are not "expiring": the 30d key clears, so a renewed-then-expiring asset alerts again
    const sent = new Set([`threshold:30d:${A}`, `threshold:expired:${A}`]);
    assert.deepEqual(clearedKeys(scan('2', { P007: [A] }), sent), [`threshold:30d:${A}`]);
  });
});

describe('filterFor', () => {
  const frameworks: FrameworkResult[] = [
    {
      id: 'cis',
      name: 'CIS',
      score: null,
      rating: null,
      controls: [
        { id: '8.3', title: 't', coverage: 'direct', status: 'fail', rules: ['K005', 'P003'], score: null },
      ],
    },
  ];
  const current = scan('2', { P003: [A], C002: [B], C003: [B], K005: [C], P005: ['v'] }, { frameworks });
  const events = [
    ...diffScans(null, current, {}),
    { kind: 'score-drop', from: 90, to: 80, delta: 10, scanId: '2' } as const,
  ];
  const label = (e: AlertEvent) =>
    e.kind === 'threshold'
      ? `${e.threshold}:${e.ruleId}`
      : e.kind === 'critical-rule'
        ? `critical:${e.ruleId}`
        : e.kind;

  const table: { filters: Parameters<typeof filterFor>[1]; want: string[] }[] = [
    {
      filters: {},
      want: [
        'expired:K005',
        '7d:C002',
        '30d:C003',
        '30d:P003',
        'critical:K005',
        'critical:P005',
        'score-drop',
      ],
    },
    {
      filters: { vault: 'KV-PROD' },
      want: ['expired:K005', '30d:P003', 'critical:K005', 'critical:P005', 'score-drop'],
    },
    {
      filters: { vault: 'kv-dev' },
      want: ['7d:C002', '30d:C003', 'critical:K005', 'critical:P005', 'score-drop'],
    },
    {
      filters: { severity: 'Critical' },
      want: ['expired:K005', 'critical:K005', 'critical:P005', 'score-drop'],
    },
    { filters: { severity: 'High' }, want: ['expired:K005', '7d:C002', 'critical:K005', 'critical:P005'] },
    {
      filters: { severity: 'Low' },
      want: ['expired:K005', '7d:C002', '30d:C003', '30d:P003', 'critical:K005', 'critical:P005'],
    },
    { filters: { framework: 'CIS' }, want: ['expired:K005', '30d:P003', 'critical:K005', 'score-drop'] },
    { filters: { framework: 'soc2' }, want: ['score-drop'] },
    {
      filters: { vault: 'kv-prod', severity: 'Medium', framework: 'cis' },
      want: ['expired:K005', '30d:P003', 'critical:K005'],
    },
  ];
  for (const t of table) {
    it(JSON.stringify(t.filters), () => {
      assert.deepEqual(filterFor(events, t.filters, current).map(label), t.want);
    });
  }
});

describe('digestOrSingle', () => {
  const event = (threshold: Threshold, n: number): AlertEvent => ({
    kind: 'threshold',
    threshold,
    assetId: secret('kv', `s${n}`),
    ruleId: 'P003',
    vault: 'kv',
  });
  const five: AlertEvent[] = [
    event('30d', 1),
    event('30d', 2),
    event('7d', 3),
    event('expired', 4),
    event('30d', 5),
  ];

  it('sends 5 events one by one', () => {
    assert.deepEqual(digestOrSingle(five), five);
  });

  it('digests 6 events', () => {
    const six: AlertEvent[] = [...five, { kind: 'critical-rule', ruleId: 'P005', name: 'n', failing: 1 }];
    assert.deepEqual(digestOrSingle(six), [
      { kind: 'digest', counts: { '30d': 3, '7d': 1, expired: 1, 'critical-rule': 1 }, events: six },
    ]);
  });

  it('honours a custom max', () => {
    assert.equal(digestOrSingle(five, 4)[0]?.kind, 'digest');
    assert.deepEqual(digestOrSingle([]), []);
  });
});

describe('alert wording follows the organisation parameters', () => {
  const event: AlertEvent = {
    kind: 'threshold',
    threshold: '30d',
    assetId: 'https://kv-prod.vault.azure.net/secrets/db-password',
    ruleId: 'P003',
    vault: 'kv-prod',
  };
  const scan = { id: 'scan-1', at: '2026-11-23T06:00:00.000Z', source: 'demo' };
  it('names the default days, and the organisation’s when it set its own', () => {
    const plain = alertView(event, { scan, keys: ['k'], state: null });
    assert.match(plain.title, /expires within 30 days/);
    const own = alertView(event, {
      scan,
      keys: ['k'],
      state: null,
      parameters: { ...DEFAULT_PARAMETERS, expiringSoonDays: 45, expiringCriticalDays: 10 },
    });
    assert.match(own.title, /expires within 45 days/);
    const critical = alertView(
      { ...event, threshold: '7d', ruleId: 'P002' },
      { scan, keys: ['k'], state: null, parameters: { ...DEFAULT_PARAMETERS, expiringCriticalDays: 10 } },
    );
    assert.match(critical.title, /expires within 10 days/);
  });
});
