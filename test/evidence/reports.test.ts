import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { signerFromKey } from '../../base/jws.js';
import { toCsv, parseCsv } from '../../evidence/csv.js';
import { renderEvidenceDocs } from '../../evidence/reports/docs.js';
import {
  buildControlMatrix,
  buildReports,
  CRYPTOPERIOD_PRESETS,
  REPORT_IDS,
  SAMPLE_CAP,
} from '../../evidence/reports/index.js';
import type { AuditEntry, Cell, EvidenceInput, ReportTable } from '../../evidence/types.js';
import { getFramework } from '../../scanner/frameworks/index.js';
import type { FrameworkId } from '../../scanner/frameworks/types.js';
import { issueCertificate } from '../../provenance/certificate.js';
import { generateCredential } from '../../provenance/generate.js';
import { findPreset } from '../../provenance/presets.js';
import type { Inventory, Secret } from '../../scanner/inventory/types.js';
import { BUILTIN_RULES } from '../../scanner/rules/builtin/index.js';
import { runScan } from '../../scanner/scan.js';
import { DEFAULT_PARAMETERS } from '../../scanner/rules/parameters.js';
import { FRAMEWORKS } from '../../scanner/frameworks/index.js';
import {
  assetUrl,
  cert,
  daysFromNow,
  dependency,
  inventory,
  key,
  NOW,
  NOW_ISO,
  resource,
  rotationEvent,
  secret,
  syncRecord,
  vault,
  vaultArmId,
} from '../support/builders.js';

const FROM = '2026-08-01T00:00:00.000Z';
const TO = '2026-09-30T23:59:59.999Z';
const DAY = 86_400_000;

function input(
  inv: Inventory,
  over: { framework?: FrameworkId; auditEntries?: AuditEntry[]; afterPeriod?: boolean } = {},
): EvidenceInput {
  const result = runScan({
    inventory: inv,
    rules: BUILTIN_RULES,
    frameworks: FRAMEWORKS,
    now: NOW,
    source: 'test',
    scanId: 'scan-42',
  });
  return {
    framework: getFramework(over.framework ?? 'pci'),
    period: { from: FROM, to: TO, label: '2026-Q3' },
    // The generation time is deliberately far from the scan time: no point-in-time figure may use it.
    now: NOW + 400 * DAY,
    snapshot: {
      scanId: 'scan-42',
      at: NOW_ISO,
      source: 'test',
      inventory: inv,
      result,
      afterPeriod: over.afterPeriod ?? false,
    },
    history: [],
    auditEntries: over.auditEntries ?? [],
  };
}

function report(tables: ReportTable[], id: string): ReportTable {
  const t = tables.find((x) => x.id === id);
  assert.ok(t, `no report ${id}`);
  return t;
}

function one(inv: Inventory, id: string, over: Parameters<typeof input>[1] = {}): ReportTable {
  return report(buildReports(input(inv, over)), id);
}

/** Rows as objects keyed by column name, for readable expectations. */
function objects(t: ReportTable): Record<string, Cell>[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c.name, r[i] ?? null])));
}

function pick(rows: Record<string, Cell>[], keys: string[]): Record<string, Cell>[] {
  return rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null])));
}

function entry(
  seq: number,
  at: string,
  action: string,
  details: AuditEntry['details'],
  subject: string | null = null,
): AuditEntry {
  return {
    seq,
    at,
    action,
    actor: { id: 'u-1', name: 'Ada Admin', channel: 'teams' },
    subject,
    details,
    prev: seq === 1 ? '0'.repeat(64) : 'a'.repeat(64),
    hash: 'b'.repeat(64),
  };
}

describe('evidence reports: shape', () => {
  it('builds the eleven reports in order, each row as wide as its columns', () => {
    assert.deepEqual(REPORT_IDS, [
      'operator-audit-log',
      'rotation-events',
      'vault-posture',
      'dependencies',
      'sync-provenance',
      'recoverability',
      'rule-violations',
      'cryptoperiod',
      'algorithm-strength',
      'asset-inventory',
      'provenance-register',
    ]);
    const tables = buildReports(
      input(inventory({ secrets: [secret('a')], keys: [key('k')], certificates: [cert('c')] })),
    );
    assert.deepEqual(
      tables.map((t) => t.id),
      REPORT_IDS,
    );
    for (const t of [...tables, buildControlMatrix(input(inventory()))]) {
      assert.match(t.title, /\S/);
      for (const c of t.columns) assert.ok(c.description.length > 10, `${t.id}.${c.name} described`);
      assert.equal(new Set(t.columns.map((c) => c.name)).size, t.columns.length, `${t.id}: unique columns`);
      for (const r of t.rows) assert.equal(r.length, t.columns.length, `${t.id}: row width`);
    }
  });

  it('says which scan point-in-time reports read, and which period the others cover', () => {
    const tables = buildReports(input(inventory(), { afterPeriod: true }));
    for (const id of [
      'vault-posture',
      'dependencies',
      'recoverability',
      'rule-violations',
      'cryptoperiod',
      'algorithm-strength',
      'asset-inventory',
      'provenance-register',
    ]) {
      const d = report(tables, id).description;
      assert.match(d, /scan scan-42 taken 2026-11-23T06:00:00\.000Z/, id);
      assert.match(d, /later scan stands in/, id);
    }
    for (const id of ['operator-audit-log', 'rotation-events', 'sync-provenance']) {
      assert.match(
        report(tables, id).description,
        /2026-Q3 \(2026-08-01T00:00:00\.000Z to 2026-09-30T23:59:59\.999Z/,
        id,
      );
    }
    assert.match(buildControlMatrix(input(inventory())).description, /scan scan-42/);
  });

  it('is deterministic: the same input gives byte-identical CSV', () => {
    const inv = inventory({
      secrets: [secret('a'), secret('b', { expires: null })],
      keys: [key('k', { keySize: 1024, keyType: 'RSA' })],
      certificates: [cert('c')],
      rotationEvents: [
        rotationEvent('e1', { startedAt: '2026-08-02T00:00:00Z', finishedAt: '2026-08-02T00:10:00Z' }),
      ],
      syncRecords: [
        syncRecord('s1', {
          runs: [{ at: '2026-09-01T00:00:00Z', status: 'succeeded', sourceHash: 'h', targetHash: 'h' }],
        }),
      ],
    });
    const audit = [entry(1, '2026-08-03T00:00:00.000Z', 'command', { z: 1, a: 'x,"y"' })];
    const render = () =>
      [...buildReports(input(inv, { auditEntries: audit })), buildControlMatrix(input(inv))]
        .map((t) => toCsv(t))
        .join('\n#\n');
    assert.equal(render(), render());
  });

  it('docs/evidence.md is up to date', () => {
    const docs = readFileSync(new URL('../../docs/evidence.md', import.meta.url), 'utf8');
    for (const id of REPORT_IDS) assert.ok(docs.includes(`reports/${id}.csv`), `docs cover ${id}`);
    assert.equal(docs, renderEvidenceDocs(), 'docs/evidence.md is stale: run `npm run docs:evidence`');
  });
});

describe('operator-audit-log', () => {
  it('lists the entries in log order with compact, key-sorted details', () => {
    const t = one(inventory(), 'operator-audit-log', {
      auditEntries: [
        entry(
          7,
          '2026-08-01T00:00:00Z',
          'evidence.requested',
          { period: '2026-Q3', framework: 'pci' },
          'bundle-1',
        ),
        entry(8, '2026-09-30T23:59:59.999Z', 'command', {}),
      ],
    });
    assert.deepEqual(t.rows, [
      [
        7,
        '2026-08-01T00:00:00.000Z',
        'u-1',
        'Ada Admin',
        'teams',
        'evidence.requested',
        'bundle-1',
        '{"framework":"pci","period":"2026-Q3"}',
        'a'.repeat(64),
        'b'.repeat(64),
      ],
      [
        8,
        '2026-09-30T23:59:59.999Z',
        'u-1',
        'Ada Admin',
        'teams',
        'command',
        null,
        '{}',
        'a'.repeat(64),
        'b'.repeat(64),
      ],
    ]);
    assert.match(t.notes.join(' '), /sequence 7 to 8/);
  });

  it('says so when nothing was logged', () => {
    const t = one(inventory(), 'operator-audit-log');
    assert.deepEqual(t.rows, []);
    assert.match(t.notes.join(' '), /No operator action/);
  });
});

describe('rotation-events', () => {
  const events = [
    rotationEvent('before', { startedAt: '2026-07-31T23:00:00Z', finishedAt: '2026-07-31T23:59:59.999Z' }),
    rotationEvent('ends-at-from', { startedAt: '2026-07-31T23:50:00Z', finishedAt: FROM }),
    rotationEvent('starts-at-to', { startedAt: TO, finishedAt: '2026-10-01T00:05:00Z', status: 'failed' }),
    rotationEvent('after', { startedAt: '2026-10-01T00:00:00Z', finishedAt: '2026-10-01T00:01:00Z' }),
    rotationEvent('spans', {
      startedAt: '2026-07-01T00:00:00Z',
      finishedAt: '2026-10-15T00:00:00Z',
      fullStack: false,
    }),
    rotationEvent('running', { startedAt: '2026-09-10T00:00:00Z', finishedAt: null }),
  ];

  it('keeps the events overlapping the period, both ends inclusive, ordered by start', () => {
    const t = one(inventory({ rotationEvents: events }), 'rotation-events');
    assert.deepEqual(
      pick(objects(t), [
        'event_id',
        'source',
        'vault',
        'credential_name',
        'full_stack',
        'status',
        'started_at',
        'finished_at',
        'duration_seconds',
      ]),
      [
        {
          event_id: 'spans',
          source: 'inventory',
          vault: 'kv-test',
          credential_name: 'rotated',
          full_stack: false,
          status: 'succeeded',
          started_at: '2026-07-01T00:00:00.000Z',
          finished_at: '2026-10-15T00:00:00.000Z',
          duration_seconds: 106 * 86_400,
        },
        {
          event_id: 'ends-at-from',
          source: 'inventory',
          vault: 'kv-test',
          credential_name: 'rotated',
          full_stack: true,
          status: 'succeeded',
          started_at: '2026-07-31T23:50:00.000Z',
          finished_at: FROM,
          duration_seconds: 600,
        },
        {
          event_id: 'running',
          source: 'inventory',
          vault: 'kv-test',
          credential_name: 'rotated',
          full_stack: true,
          status: 'succeeded',
          started_at: '2026-09-10T00:00:00.000Z',
          finished_at: null,
          duration_seconds: null,
        },
        {
          event_id: 'starts-at-to',
          source: 'inventory',
          vault: 'kv-test',
          credential_name: 'rotated',
          full_stack: true,
          status: 'failed',
          started_at: TO,
          finished_at: '2026-10-01T00:05:00.000Z',
          duration_seconds: 300.001,
        },
      ],
    );
  });

  it('adds the rotations Certify performed, from the audit log', () => {
    const audit = [
      entry(3, '2026-08-15T10:00:00.000Z', 'credential.rotated', {
        vault: 'kv-test',
        secret: 'db',
        version: 'v2',
        preset: 'pci-dss',
        certificateId: 'cert-9',
      }),
      entry(4, '2026-08-16T10:00:00.000Z', 'command', { text: 'score' }),
      entry(5, '2026-08-17T10:00:00.000Z', 'credential.rotated', {
        vault: 'kv-elsewhere',
        secret: 'x',
        version: 'v1',
        preset: 'soc2',
        certificateId: 'cert-10',
      }),
    ];
    const t = one(inventory(), 'rotation-events', { auditEntries: audit });
    assert.deepEqual(objects(t), [
      {
        event_id: 'audit:3',
        source: 'certify',
        credential_id: assetUrl('secrets', 'kv-test', 'db'),
        vault: 'kv-test',
        credential_name: 'db',
        version: 'v2',
        full_stack: null,
        status: 'succeeded',
        started_at: null,
        finished_at: '2026-08-15T10:00:00.000Z',
        duration_seconds: null,
        actor: 'Ada Admin',
        preset: 'pci-dss',
        provenance_certificate: 'cert-9',
      },
      {
        event_id: 'audit:5',
        source: 'certify',
        credential_id: null,
        vault: 'kv-elsewhere',
        credential_name: 'x',
        version: 'v1',
        full_stack: null,
        status: 'succeeded',
        started_at: null,
        finished_at: '2026-08-17T10:00:00.000Z',
        duration_seconds: null,
        actor: 'Ada Admin',
        preset: 'soc2',
        provenance_certificate: 'cert-10',
      },
    ]);
    const notes = t.notes.join(' ');
    assert.match(notes, /did not collect rotation events/);
    assert.match(notes, /absent from the scanned inventory/);
  });
});

describe('vault-posture', () => {
  it('reports access model and network exposure per vault', () => {
    const inv = inventory({
      vaults: [
        vault('kv-a'),
        vault('kv-b', {
          rbacAuthorization: false,
          publicNetworkAccess: 'Enabled',
          networkDefaultAction: 'Allow',
          privateEndpointConnections: 0,
          sku: 'standard',
          accessError: 'Forbidden',
        }),
      ],
    });
    const t = one(inv, 'vault-posture');
    assert.deepEqual(t.rows, [
      [
        vaultArmId('kv-a'),
        'kv-a',
        '00000000-0000-0000-0000-0000000000aa',
        'rg-test',
        'westeurope',
        'premium',
        true,
        'Disabled',
        'Deny',
        1,
        false,
        null,
      ],
      [
        vaultArmId('kv-b'),
        'kv-b',
        '00000000-0000-0000-0000-0000000000aa',
        'rg-test',
        'westeurope',
        'standard',
        false,
        'Enabled',
        'Allow',
        0,
        true,
        'Forbidden',
      ],
    ]);
  });
});

describe('dependencies', () => {
  const db = assetUrl('secrets', 'kv-test', 'db');
  const api = resource('api', [
    { name: 'DB_PASSWORD', kind: 'keyVaultReference', secretId: `${db}/0123abcd` },
    { name: 'PLAIN', kind: 'plain', looksLikeCredential: true },
  ]);
  const web = resource('web', [
    { name: 'DB', kind: 'keyVaultReference', secretId: db.toUpperCase().replace('HTTPS', 'https') },
  ]);
  const worker = resource('worker', []);

  it('lists dependency records and unrecorded references with each credential blast radius', () => {
    const inv = inventory({
      secrets: [secret('db')],
      resources: [api, web, worker],
      dependencies: [
        dependency(api.id, db),
        dependency(worker.id, db, { confidence: 0.5 }),
        dependency(worker.id, assetUrl('secrets', 'kv-test', 'gone'), { confidence: 0.69, reviewed: true }),
      ],
    });
    const t = one(inv, 'dependencies');
    assert.deepEqual(
      pick(objects(t), [
        'resource_name',
        'credential_type',
        'credential_in_inventory',
        'setting_name',
        'evidence',
        'confidence',
        'reviewed',
        'needs_review',
        'blast_radius',
      ]),
      [
        {
          resource_name: 'api',
          credential_type: 'secret',
          credential_in_inventory: true,
          setting_name: 'DB_PASSWORD',
          evidence: 'dependency',
          confidence: 0.95,
          reviewed: false,
          needs_review: false,
          blast_radius: 3,
        },
        {
          resource_name: 'worker',
          credential_type: 'secret',
          credential_in_inventory: true,
          setting_name: null,
          evidence: 'dependency',
          confidence: 0.5,
          reviewed: false,
          needs_review: true,
          blast_radius: 3,
        },
        {
          resource_name: 'worker',
          credential_type: 'secret',
          credential_in_inventory: false,
          setting_name: null,
          evidence: 'dependency',
          confidence: 0.69,
          reviewed: true,
          needs_review: false,
          blast_radius: 1,
        },
        {
          resource_name: 'web',
          credential_type: 'secret',
          credential_in_inventory: true,
          setting_name: 'DB',
          evidence: 'keyVaultReference',
          confidence: null,
          reviewed: null,
          needs_review: false,
          blast_radius: 3,
        },
      ],
    );
    assert.match(t.notes.join(' '), /widest blast radius is 3 resources/);
  });

  it('has no rows and says so when neither resources nor dependencies were collected', () => {
    const t = one(inventory({ secrets: [secret('db')] }), 'dependencies');
    assert.deepEqual(t.rows, []);
    assert.match(t.notes.join(' '), /did not collect resources or dependency records/);
  });

  it('falls back to reference settings when dependency records were not collected', () => {
    const t = one(inventory({ secrets: [secret('db')], resources: [api] }), 'dependencies');
    assert.deepEqual(pick(objects(t), ['resource_name', 'evidence', 'blast_radius']), [
      { resource_name: 'api', evidence: 'keyVaultReference', blast_radius: 1 },
    ]);
    assert.match(t.notes.join(' '), /did not collect dependency records/);
  });
});

describe('sync-provenance', () => {
  it('keeps the runs inside the period, both ends inclusive, with hash comparison', () => {
    const inv = inventory({
      syncRecords: [
        syncRecord('s1', {
          runs: [
            {
              at: '2026-07-31T23:59:59.999Z',
              status: 'succeeded',
              sourceHash: 'sha256:aa',
              targetHash: 'sha256:aa',
            },
            { at: FROM, status: 'succeeded', sourceHash: 'sha256:AA', targetHash: 'sha256:aa' },
            { at: TO, status: 'failed', sourceHash: 'sha256:bb', targetHash: 'sha256:aa' },
            {
              at: '2026-10-01T00:00:00Z',
              status: 'succeeded',
              sourceHash: 'sha256:cc',
              targetHash: 'sha256:cc',
            },
          ],
        }),
        syncRecord('s2', {
          active: false,
          runs: [{ at: '2026-09-01T00:00:00Z', status: 'failed', sourceHash: 'sha256:dd', targetHash: null }],
        }),
      ],
    });
    const t = one(inv, 'sync-provenance');
    assert.deepEqual(pick(objects(t), ['record_id', 'record_active', 'run_at', 'status', 'hashes_match']), [
      { record_id: 's1', record_active: true, run_at: FROM, status: 'succeeded', hashes_match: true },
      {
        record_id: 's2',
        record_active: false,
        run_at: '2026-09-01T00:00:00.000Z',
        status: 'failed',
        hashes_match: null,
      },
      { record_id: 's1', record_active: true, run_at: TO, status: 'failed', hashes_match: false },
    ]);
    assert.match(t.notes.join(' '), /3 runs from 2 sync records; 2 failed, 1 with differing hashes/);
  });

  it('has no rows and says so when sync records were not collected', () => {
    const t = one(inventory(), 'sync-provenance');
    assert.deepEqual(t.rows, []);
    assert.match(t.notes.join(' '), /did not collect multi-cloud sync records/);
  });
});

describe('recoverability', () => {
  it('reports safeguards and asset counts, leaving counts empty for unlisted vaults', () => {
    const inv = inventory({
      vaults: [
        vault('kv-a'),
        vault('kv-b', { purgeProtectionEnabled: false, softDeleteRetentionDays: 7 }),
        vault('kv-c', { accessError: 'Forbidden' }),
      ],
      secrets: [
        secret('s1', { vault: 'kv-a' }),
        secret('s2', { vault: 'KV-A', enabled: false }),
        secret('s3', { vault: 'kv-b' }),
      ],
      keys: [key('k1', { vault: 'kv-a' })],
      certificates: [cert('c1', { vault: 'kv-b' })],
    });
    const t = one(inv, 'recoverability');
    assert.deepEqual(t.rows, [
      [vaultArmId('kv-a'), 'kv-a', true, 90, true, true, 2, 1, 0],
      [vaultArmId('kv-b'), 'kv-b', true, 7, false, false, 1, 0, 1],
      [vaultArmId('kv-c'), 'kv-c', true, 90, true, true, null, null, null],
    ]);
    assert.match(t.notes.join(' '), /2 of 3 vaults recoverable/);
  });
});

describe('rule-violations', () => {
  const noExpiry = Array.from({ length: SAMPLE_CAP + 5 }, (_, i) =>
    secret(`s${String(i).padStart(2, '0')}`, { expires: null, tags: {} }),
  );

  it('lists only the rules the chosen framework cites, with at most 25 samples each', () => {
    const inv = inventory({ secrets: noExpiry, keys: [key('k')] });
    const t = one(inv, 'rule-violations', { framework: 'pci' });
    const rows = objects(t);
    const pci = getFramework('pci');
    const cited = new Set(pci.controls.flatMap((c) => c.citations.map((ci) => ci.rule)));
    const ids = [...new Set(rows.map((r) => r.rule_id as string))];
    assert.deepEqual(new Set(ids), cited);
    // P006 (untagged secrets) fails here, but it is operational hygiene: never in a framework packet.
    assert.ok(!ids.includes('P006'));
    const p001 = rows.filter((r) => r.rule_id === 'P001');
    assert.equal(p001.length, SAMPLE_CAP);
    assert.deepEqual(p001[0], {
      rule_id: 'P001',
      rule_name: p001[0]!.rule_name,
      severity: 'High',
      status: 'fail',
      evaluated: 30,
      failing_count: 30,
      metric_value: null,
      metric_threshold: null,
      controls: '3.7.4',
      sample_index: 1,
      affected_asset: assetUrl('secrets', 'kv-test', 's00'),
    });
    assert.equal(p001[SAMPLE_CAP - 1]!.affected_asset, assetUrl('secrets', 'kv-test', 's24'));
    const k006 = rows.filter((r) => r.rule_id === 'K006');
    assert.deepEqual(pick(k006, ['status', 'failing_count', 'sample_index', 'affected_asset']), [
      { status: 'pass', failing_count: 0, sample_index: null, affected_asset: null },
    ]);
    const notes = t.notes.join(' ');
    assert.match(notes, /Operational hygiene rules/);
    assert.match(notes, /P001 \(30\)/);
  });

  it('names subset citations in the controls column', () => {
    const t = one(inventory({ secrets: [secret('a', { expires: null })] }), 'rule-violations', {
      framework: 'cis',
    });
    const p001 = objects(t).find((r) => r.rule_id === 'P001');
    assert.equal(p001?.controls, '8.3 (secrets in RBAC vaults); 8.4 (secrets in non-RBAC vaults)');
  });
});

describe('cryptoperiod', () => {
  it("measures age from the current version's creation, as P008 does: a tag edit rotates nothing", () => {
    // Created 100 days ago, tags edited yesterday: `updated` is fresh, the value is not.
    const inv = inventory({
      secrets: [secret('retagged', { created: daysFromNow(-100), updated: daysFromNow(-1) })],
    });
    const t = one(inv, 'cryptoperiod');
    assert.deepEqual(pick(objects(t), ['name', 'age_days', 'conforms']), [
      { name: 'retagged', age_days: 100, conforms: false },
    ]);
    const p008 = input(inv).snapshot.result.rules.find((r) => r.id === 'P008');
    assert.deepEqual(p008?.failing, [inv.secrets[0]!.id]);
  });

  it('judges age against the declared cadence, else the preset', () => {
    const inv = inventory({
      secrets: [
        secret('fresh', { created: daysFromNow(-89) }),
        secret('stale', { created: daysFromNow(-91) }),
        secret('edge', { created: daysFromNow(-90) }),
        secret('tagged', { created: daysFromNow(-100), tags: { 'Cryptoperiod-Days': '180' } }),
        secret('bad-tag', { created: daysFromNow(-10), tags: { 'rotation-days': 'quarterly' } }),
        secret('off', { enabled: false, created: daysFromNow(-500) }),
        secret('backing', { managed: true, created: daysFromNow(-500) }),
      ],
      keys: [
        key('policy', {
          created: daysFromNow(-31),
          rotationPolicy: { rotateAfterDays: 30, rotateBeforeExpiryDays: null },
        }),
        key('no-policy', { created: daysFromNow(-300), rotationPolicy: null }),
        key('tag-key', {
          created: daysFromNow(-20),
          rotationPolicy: { rotateAfterDays: null, rotateBeforeExpiryDays: 30 },
          tags: { 'rotation-days': '14' },
        }),
      ],
      certificates: [cert('tls', { created: daysFromNow(-399) })],
    });
    const t = one(inv, 'cryptoperiod');
    assert.deepEqual(
      pick(objects(t), [
        'name',
        'type',
        'age_days',
        'cadence_days',
        'cadence_source',
        'cadence_basis',
        'conforms',
      ]),
      [
        {
          name: 'fresh',
          type: 'secret',
          age_days: 89,
          cadence_days: 90,
          cadence_source: 'preset',
          cadence_basis: 'preset:secret',
          conforms: true,
        },
        {
          name: 'stale',
          type: 'secret',
          age_days: 91,
          cadence_days: 90,
          cadence_source: 'preset',
          cadence_basis: 'preset:secret',
          conforms: false,
        },
        {
          name: 'edge',
          type: 'secret',
          age_days: 90,
          cadence_days: 90,
          cadence_source: 'preset',
          cadence_basis: 'preset:secret',
          conforms: true,
        },
        {
          name: 'tagged',
          type: 'secret',
          age_days: 100,
          cadence_days: 180,
          cadence_source: 'declared',
          cadence_basis: 'tag:Cryptoperiod-Days',
          conforms: true,
        },
        {
          name: 'bad-tag',
          type: 'secret',
          age_days: 10,
          cadence_days: 90,
          cadence_source: 'preset',
          cadence_basis: 'preset:secret',
          conforms: true,
        },
        {
          name: 'policy',
          type: 'key',
          age_days: 31,
          cadence_days: 30,
          cadence_source: 'declared',
          cadence_basis: 'rotationPolicy.rotateAfterDays',
          conforms: false,
        },
        {
          name: 'no-policy',
          type: 'key',
          age_days: 300,
          cadence_days: 365,
          cadence_source: 'preset',
          cadence_basis: 'preset:key',
          conforms: true,
        },
        {
          name: 'tag-key',
          type: 'key',
          age_days: 20,
          cadence_days: 14,
          cadence_source: 'declared',
          cadence_basis: 'tag:rotation-days',
          conforms: false,
        },
        {
          name: 'tls',
          type: 'certificate',
          age_days: 399,
          cadence_days: 398,
          cadence_source: 'preset',
          cadence_basis: 'preset:certificate',
          conforms: false,
        },
      ],
    );
    assert.match(t.notes.join(' '), /1 asset carries a cadence tag that is not a whole number/);
  });

  it('keeps the secret preset equal to P008 and documents every preset', () => {
    assert.equal(CRYPTOPERIOD_PRESETS.secret.days, 90);
    for (const p of Object.values(CRYPTOPERIOD_PRESETS)) assert.ok(p.basis.length > 20);
  });
});

describe('algorithm-strength', () => {
  it('applies the FIPS 140-3 and PCI minimums at their boundaries', () => {
    const inv = inventory({
      keys: [
        key('rsa-2048', { keyType: 'RSA', keySize: 2048 }),
        key('rsa-1024', { keyType: 'RSA', keySize: 1024 }),
        key('rsa-unknown', { keyType: 'RSA-HSM', keySize: null }),
        key('p256', { keyType: 'EC-HSM', keySize: null, curve: 'P-256' }),
        key('p256k', { keyType: 'EC', keySize: null, curve: 'P-256K' }),
        key('aes', { keyType: 'oct-HSM', keySize: 256 }),
      ],
      certificates: [
        cert('tls', { keyType: 'RSA', keySize: 4096 }),
        cert('odd', { keyType: null, keySize: null }),
      ],
    });
    const t = one(inv, 'algorithm-strength');
    assert.deepEqual(
      pick(objects(t), [
        'name',
        'type',
        'hsm_backed',
        'security_bits',
        'fips_140_3_conforms',
        'pci_conforms',
      ]),
      [
        {
          name: 'rsa-2048',
          type: 'key',
          hsm_backed: false,
          security_bits: 112,
          fips_140_3_conforms: true,
          pci_conforms: true,
        },
        {
          name: 'rsa-1024',
          type: 'key',
          hsm_backed: false,
          security_bits: 80,
          fips_140_3_conforms: false,
          pci_conforms: false,
        },
        {
          name: 'rsa-unknown',
          type: 'key',
          hsm_backed: true,
          security_bits: null,
          fips_140_3_conforms: false,
          pci_conforms: false,
        },
        {
          name: 'p256',
          type: 'key',
          hsm_backed: true,
          security_bits: 128,
          fips_140_3_conforms: true,
          pci_conforms: true,
        },
        {
          name: 'p256k',
          type: 'key',
          hsm_backed: false,
          security_bits: 128,
          fips_140_3_conforms: false,
          pci_conforms: false,
        },
        {
          name: 'aes',
          type: 'key',
          hsm_backed: true,
          security_bits: 256,
          fips_140_3_conforms: true,
          pci_conforms: true,
        },
        {
          name: 'tls',
          type: 'certificate',
          hsm_backed: false,
          security_bits: 128,
          fips_140_3_conforms: true,
          pci_conforms: true,
        },
        {
          name: 'odd',
          type: 'certificate',
          hsm_backed: null,
          security_bits: null,
          fips_140_3_conforms: null,
          pci_conforms: null,
        },
      ],
    );
  });

  it('agrees with K006 and C006 on every asset they judge', () => {
    const inv = inventory({
      keys: [
        key('a', { keyType: 'RSA', keySize: 2047 }),
        key('b', { keyType: 'EC', keySize: null, curve: 'P-521' }),
      ],
      certificates: [cert('c', { keyType: 'EC', keySize: null, curve: 'P-256K' })],
    });
    const i = input(inv);
    const failing = new Set(
      i.snapshot.result.rules.filter((r) => r.id === 'K006' || r.id === 'C006').flatMap((r) => r.failing),
    );
    const t = report(buildReports(i), 'algorithm-strength');
    for (const r of objects(t))
      assert.equal(r.fips_140_3_conforms, !failing.has(r.asset_id as string), String(r.asset_id));
  });
});

describe('asset-inventory', () => {
  it('lists every asset with days to expiry from the scan time, not the generation time', () => {
    const inv = inventory({
      secrets: [
        secret('s', {
          expires: daysFromNow(10.5),
          created: '2026-01-01T00:00:00Z',
          updated: '2026-02-01T00:00:00+01:00',
        }),
      ],
      keys: [key('k', { expires: null, enabled: false })],
      certificates: [cert('c', { expires: daysFromNow(-2) })],
    });
    const t = one(inv, 'asset-inventory');
    assert.deepEqual(objects(t)[0], {
      asset_id: assetUrl('secrets', 'kv-test', 's'),
      type: 'secret',
      vault: 'kv-test',
      name: 's',
      enabled: true,
      algorithm: null,
      key_size: null,
      curve: null,
      content_type: 'text/plain',
      created: '2026-01-01T00:00:00.000Z',
      updated: '2026-01-31T23:00:00.000Z',
      expires: daysFromNow(10.5),
      days_to_expiry: 10.5,
      managed: false,
    });
    assert.deepEqual(
      pick(objects(t).slice(1), [
        'type',
        'enabled',
        'algorithm',
        'key_size',
        'expires',
        'days_to_expiry',
        'managed',
      ]),
      [
        {
          type: 'key',
          enabled: false,
          algorithm: 'RSA-HSM',
          key_size: 3072,
          expires: null,
          days_to_expiry: null,
          managed: false,
        },
        {
          type: 'certificate',
          enabled: true,
          algorithm: 'RSA',
          key_size: 2048,
          expires: daysFromNow(-2),
          days_to_expiry: -2,
          managed: null,
        },
      ],
    );
  });
});

describe('provenance-register', async () => {
  const certify = signerFromKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const preset = findPreset('pci');
  const issue = (name: string, daysAgo: number, vaultName = 'kv-test') => {
    const generated = generateCredential(preset);
    return issueCertificate({
      signer: certify,
      preset,
      credential: generated.value,
      generated,
      now: NOW - daysAgo * DAY,
      target: { vault: vaultName, secret: name, version: `v${daysAgo}` },
      jwksUrl: null,
    });
  };
  const db = await issue('db-password', 2);
  const dbOld = await issue('db-password', 60);
  const api = await issue('api-key', 1);
  const lostOld = await issue('lost-tag', 30);
  const lost = await issue('lost-tag', 3);
  const forged = (() => {
    const [h, , sig] = db.jws.split('.') as [string, string, string];
    const body = Buffer.from(JSON.stringify({ ...db.payload, entropyBits: 300 })).toString('base64url');
    return `${h}.${body}.${sig}`;
  })();
  const FORGED_ID = 'cert-ffffffffffffffffffffffffff';
  const tagged = (name: string, id: string, over: Partial<Secret> = {}) =>
    secret(name, { tags: { owner: 'x', 'certify-provenance': id }, ...over });

  const inv = inventory({
    secrets: [
      tagged('db-password', db.id),
      tagged('copied', db.id),
      tagged('gone', 'cert-zzzzzzzzzzzzzzzzzzzzzzzzzz'),
      tagged('forged', FORGED_ID),
      secret('plain'),
      secret('lost-tag'),
      tagged('api-key', api.id, { enabled: false }),
      secret('tls', { managed: true }),
    ],
    provenance: {
      jwks: { keys: [certify.publicJwk] },
      certificates: [db, dbOld, api, lostOld, lost, { id: FORGED_ID, jws: forged }].map((c) => ({
        id: c.id,
        jws: c.jws,
      })),
    },
  });

  it('lists tagged and certified secrets in scope with the certificate and its verdict', () => {
    const t = one(inv, 'provenance-register');
    const rows = objects(t);
    assert.deepEqual(rows[0], {
      asset_id: assetUrl('secrets', 'kv-test', 'db-password'),
      vault: 'kv-test',
      secret: 'db-password',
      certificate_id: db.id,
      preset: 'pci',
      preset_version: preset.version,
      generated_at: new Date(NOW - 2 * DAY).toISOString(),
      entropy_bits: db.payload.entropyBits,
      expires_at: new Date(NOW + 88 * DAY).toISOString(),
      status: 'valid',
    });
    assert.deepEqual(pick(rows, ['secret', 'certificate_id', 'preset', 'status']), [
      { secret: 'db-password', certificate_id: db.id, preset: 'pci', status: 'valid' },
      {
        secret: 'copied',
        certificate_id: db.id,
        preset: 'pci',
        status: 'invalid: target is kv-test/db-password@v2 but the secret is kv-test/copied',
      },
      {
        secret: 'gone',
        certificate_id: 'cert-zzzzzzzzzzzzzzzzzzzzzzzzzz',
        preset: null,
        status: 'missing certificate',
      },
      {
        secret: 'forged',
        certificate_id: FORGED_ID,
        preset: null,
        status: `invalid: signature does not verify with key kid=${certify.kid}`,
      },
      // Named by two certificates but tagged with neither: the latest one is shown.
      {
        secret: 'lost-tag',
        certificate_id: lost.id,
        preset: 'pci',
        status: 'invalid: the secret has no certify-provenance tag',
      },
    ]);
    assert.deepEqual(t.notes, [
      '6 secrets in scope (enabled, not backing a certificate): 1 valid, 3 invalid, 1 naming a missing certificate; 1 secret without any certificate, not listed.',
      '6 certificates held, signed by 1 key; 4 named by no secret’s tag (earlier versions of rotated secrets, or secrets since deleted or disabled).',
      'A row that is not valid is a failure of rule P011; so is every secret in scope without a certificate.',
    ]);
  });

  it('agrees with rule P011: every failing secret is a row that is not valid, or is uncertified', () => {
    const t = one(inv, 'provenance-register');
    const p011 = BUILTIN_RULES.find((r) => r.meta.id === 'P011')!.evaluate(inv, NOW);
    const notValid = objects(t)
      .filter((r) => r.status !== 'valid')
      .map((r) => r.asset_id);
    const listed = new Set(objects(t).map((r) => r.asset_id));
    const unlisted = inv.secrets.filter((s) => s.enabled && !s.managed && !listed.has(s.id)).map((s) => s.id);
    assert.deepEqual([...p011.failing].sort(), [...notValid, ...unlisted].sort());
    assert.equal(p011.evaluated, 6);
  });

  it('has no rows and says so when the scan carries no provenance section', () => {
    const t = one(inventory({ secrets: [tagged('db-password', db.id)] }), 'provenance-register');
    assert.deepEqual(t.rows, []);
    assert.match(t.notes.join(' '), /no provenance section/);
    assert.match(t.notes.join(' '), /not evidence that no secret is certified/);
  });
});

describe('control-matrix', () => {
  it('has one row per control of the framework, with rule outcomes', () => {
    const inv = inventory({
      vaults: [vault('kv-rbac'), vault('kv-ap', { rbacAuthorization: false })],
      secrets: [secret('a', { vault: 'kv-rbac', expires: null }), secret('b', { vault: 'kv-ap' })],
      keys: [key('k', { vault: 'kv-rbac' })],
    });
    const i = input(inv, { framework: 'cis' });
    const t = buildControlMatrix(i);
    assert.equal(t.id, 'control-matrix-cis');
    const cis = getFramework('cis');
    const rows = objects(t);
    assert.deepEqual(
      rows.map((r) => r.control_id),
      cis.controls.map((c) => c.id),
    );
    const byId = new Map(rows.map((r) => [r.control_id, r]));
    assert.deepEqual(
      pick([byId.get('8.3')!, byId.get('8.4')!, byId.get('8.2')!], ['status', 'cited_rules', 'rule_results']),
      [
        {
          status: 'fail',
          cited_rules: 'P001',
          rule_results: 'P001 [secrets in RBAC vaults]: fail (1 of 1 failing)',
        },
        {
          status: 'pass',
          cited_rules: 'P001',
          rule_results: 'P001 [secrets in non-RBAC vaults]: pass (0 of 1 failing)',
        },
        {
          status: 'not_applicable',
          cited_rules: 'K001',
          rule_results: 'K001 [keys in non-RBAC vaults]: not_applicable',
        },
      ],
    );
    // The matrix restates the scan's verdicts; it never re-judges a control.
    const fr = i.snapshot.result.frameworks.find((f) => f.id === 'cis')!;
    for (const c of fr.controls) {
      assert.equal(byId.get(c.id)?.status, c.status);
      assert.equal(byId.get(c.id)?.score, c.score);
    }
    const customer = rows.find((r) => r.coverage === 'customer');
    if (customer) assert.equal(customer.status, 'customer');
  });

  it('writes each cited rule as compact text', () => {
    const t = buildControlMatrix(
      input(inventory({ keys: [key('weak', { keyType: 'RSA', keySize: 1024 })] }), { framework: 'pci' }),
    );
    const row = objects(t).find((r) => r.control_id === '3.6.1')!;
    assert.equal(row.cited_rules, 'CIS-RBAC; CIS-8.7; NET001; K006; K008; KMS-HSM');
    assert.equal(
      row.rule_results,
      'CIS-RBAC: pass (0 of 1 failing); CIS-8.7: pass (0 of 1 failing); NET001: pass (0 of 1 failing); ' +
        'K006: fail (1 of 1 failing); K008: fail (1 of 1 failing); KMS-HSM: pass (0 of 1 failing)',
    );
    assert.equal(row.status, 'fail');
    assert.match(String(row.customer_note), /\S/);
  });
});

describe('CSV of a report', () => {
  it('round-trips a real report through parseCsv', () => {
    const t = one(inventory({ secrets: [secret('a')] }), 'asset-inventory');
    const parsed = parseCsv(toCsv(t));
    assert.deepEqual(
      parsed[0],
      t.columns.map((c) => c.name),
    );
    assert.equal(parsed.length, t.rows.length + 1);
  });
});

describe('cryptoperiod with organisation parameters', () => {
  it('holds secrets and keys to the organisation’s maximum ages when it set its own', () => {
    const inv = inventory({
      secrets: [
        secret('stale', { created: daysFromNow(-91) }),
        secret('old', { created: daysFromNow(-121) }),
      ],
      keys: [key('no-policy', { created: daysFromNow(-200), rotationPolicy: null })],
      certificates: [],
    });
    const base = input(inv);
    const own = {
      ...base,
      snapshot: {
        ...base.snapshot,
        result: {
          ...base.snapshot.result,
          parameters: { ...DEFAULT_PARAMETERS, secretMaxAgeDays: 120, keyMaxAgeDays: 180 },
        },
      },
    };
    const t = report(buildReports(own), 'cryptoperiod');
    assert.deepEqual(pick(objects(t), ['name', 'cadence_days', 'conforms']), [
      { name: 'stale', cadence_days: 120, conforms: true },
      { name: 'old', cadence_days: 120, conforms: false },
      { name: 'no-policy', cadence_days: 180, conforms: false },
    ]);
    assert.ok(t.notes.some((n) => n.includes("the organisation's secretMaxAgeDays (120 days, default 90)")));
    // With the defaults, the published presets.
    const plain = report(buildReports(base), 'cryptoperiod');
    assert.deepEqual(
      pick(objects(plain), ['name', 'cadence_days']).map((r) => r.cadence_days),
      [90, 90, 365],
    );
  });
});
