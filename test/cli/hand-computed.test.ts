/**
 * `certify scan --source snapshot:<file> --now <t> --json` against a small inventory whose
 * every figure was computed by hand from rules.md (the arithmetic is in the comments), so a
 * change anywhere in rules, score or framework mapping shows up here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { ScanResult } from '../../scanner/scan.js';
import { runCli } from './harness.js';

const FILE = 'test/fixtures/scans/hand.inventory.json';
const NOW = '2026-11-23T06:00:00Z';
const url = (kind: string, name: string) => `https://kv-hand.vault.azure.net/${kind}/${name}`;
const VAULT = '/subscriptions/sub-1/resourceGroups/rg-hand/providers/Microsoft.KeyVault/vaults/kv-hand';

/** rule id → [status, failing ids]. The managed secret `api-tls` is outside every secret rule. */
const EXPECTED: Record<string, [string, string[]]> = {
  P001: ['fail', [url('secrets', 'key1')]],
  P002: ['fail', [url('secrets', 'db-password')]], // 5 days left
  P003: ['fail', [url('secrets', 'db-password')]],
  P004: ['fail', [url('secrets', 'billing-api-token')]],
  P005: ['pass', []],
  P006: ['fail', [url('secrets', 'key1')]],
  P007: ['pass', []],
  // Every enabled plain secret's current version was created 2026-05-07: 200 days > 90
  // (db-password's `updated` 100 days ago, key1's 10 and payments-signing-secret's 1 do not count).
  P008: [
    'fail',
    [url('secrets', 'db-password'), url('secrets', 'key1'), url('secrets', 'payments-signing-secret')],
  ],
  P015: ['fail', [url('secrets', 'key1')]],
  P016: ['fail', [url('secrets', 'key1'), url('secrets', 'payments-signing-secret')]], // contentType null
  C001: ['pass', []],
  C002: ['pass', []],
  C003: ['fail', [url('certificates', 'api-tls')]], // 20 days left
  C004: ['pass', []],
  C005: ['pass', []],
  C006: ['pass', []],
  C007: ['not_applicable', []], // no certificate carries a notBefore: none is in the population
  K001: ['pass', []],
  K002: ['pass', []], // expired yesterday: expired, not "expiring"
  K003: ['pass', []],
  K004: ['pass', []],
  K005: ['fail', [url('keys', 'legacy-rsa')]],
  K006: ['fail', [url('keys', 'legacy-rsa')]], // RSA 1024
  K007: ['fail', [url('keys', 'legacy-rsa')]], // no rotation policy
  K008: ['fail', [url('keys', 'legacy-rsa')]], // RSA, not RSA-HSM
  K009: ['pass', []], // created 2026-05-07: 200 days ≤ 365
  'CIS-8.5': ['pass', []],
  'CIS-8.6': ['fail', [VAULT]],
  'CIS-8.7': ['fail', [VAULT]], // public + Allow
  'CIS-RBAC': ['pass', []],
  'KMS-HSM': ['fail', [VAULT]], // standard SKU holding a key
  NET001: ['fail', [VAULT]], // no approved private endpoint
};
/** Rules whose input section this snapshot does not carry (P011: `provenance`). */
const NOT_COLLECTED = [
  'P011',
  'P009',
  'P010',
  'P012',
  'P013',
  'P014',
  'VM001',
  'VM002',
  'VM003',
  'VM004',
  'VM005',
  'SYN001',
  'SYN002',
  'SYN003',
  'SYN004',
];

// Run before the suite is declared: a suite's body is synchronous.
const run = await runCli(['scan', '--source', `snapshot:${FILE}`, '--now', NOW, '--json']);
const result = JSON.parse(run.stdout) as ScanResult;

describe('certify scan --json on a hand-computed inventory', () => {
  it('exits 0 with the certify.scan/v1 header', () => {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(result.schema, 'certify.scan/v1');
    assert.equal(result.now, '2026-11-23T06:00:00.000Z');
    assert.equal(result.source, `snapshot:${FILE}`);
    assert.match(result.scanId, /^scan-20261123T060000Z-[0-9a-f]{8}$/);
  });

  it('gives every rule the hand-computed status and failing ids', () => {
    assert.equal(result.rules.length, 47);
    for (const r of result.rules) {
      if (NOT_COLLECTED.includes(r.id)) {
        assert.equal(r.status, 'not_applicable', r.id);
        continue;
      }
      const [status, failing] = EXPECTED[r.id]!;
      assert.equal(r.status, status, r.id);
      assert.deepEqual(r.failing, failing, r.id);
    }
  });

  it('scores 232 / 446 → 52.0, Significant gaps', () => {
    // pass: P005 15, P007 25, C001 15, C002 25, C004 8, C005 25, C006 15, K001 15, K002 25,
    //       K003 15, K004 8, K009 8, CIS-8.5 25, CIS-RBAC 8 = 232
    // fail: P001 15, P002 25, P003 15, P004 8, P006 3, P008 8, P015 3, P016 3, C003 15, K005 25,
    //       K006 15, K007 15, K008 8, CIS-8.6 25, CIS-8.7 15, KMS-HSM 8, NET001 8 = 214
    // (C007 is not applicable.) 232 / 446 = 0.5201… → 52.0
    assert.equal(result.score, 52.0);
    assert.equal(result.rating, 'Significant gaps');
  });

  it('scores PCI 136 / 263 → 51.7 with the expected control statuses', () => {
    // PCI's distinct rules that apply — pass: CIS-RBAC 8, K001 15, K002 25, K003 15, K009 8,
    // P007 25, C005 25, C006 15 = 136; fail: CIS-8.7 15, NET001 8, K006 15, K008 8, KMS-HSM 8,
    // K005 25, P001 15, P002 25, P008 8 = 127. 136 / 263 = 0.5171… → 51.7
    const pci = result.frameworks.find((f) => f.id === 'pci')!;
    assert.equal(pci.score, 51.7);
    const status = Object.fromEntries(pci.controls.map((c) => [c.id, c.status]));
    assert.deepEqual(status, {
      '3.6.1': 'fail',
      '3.7.4': 'fail',
      '3.7.5': 'fail',
      '8.3.2': 'fail',
      '8.6.1': 'not_applicable',
      '8.6.2': 'not_applicable',
      '8.6.3': 'fail',
      '10.2.1': 'customer',
    });
  });

  it('scores CIS 48 / 126 → 38.1 and judges 8.1–8.4 over RBAC / non-RBAC vaults', () => {
    // pass: K001 15, CIS-8.5 25, CIS-RBAC 8 = 48; fail: P001 15, CIS-8.6 25, NET001 8, CIS-8.7 15,
    // K007 15 = 78. 48 / 126 = 0.3809… → 38.1
    const cis = result.frameworks.find((f) => f.id === 'cis')!;
    assert.equal(cis.score, 38.1);
    assert.equal(cis.rating, 'Weak');
    const status = Object.fromEntries(cis.controls.map((c) => [c.id, c.status]));
    assert.deepEqual(status, {
      '8.1': 'pass', // K001 over keys in RBAC vaults: the key has an expiry
      '8.2': 'not_applicable', // no non-RBAC vault
      '8.3': 'fail', // P001 over secrets in RBAC vaults: key1
      '8.4': 'not_applicable',
      '8.5': 'fail',
      '8.6': 'pass',
      '8.7': 'fail', // NET001 and CIS-8.7 both fail
      '8.8': 'fail',
      '9.11': 'not_applicable',
      '5.1.5': 'customer',
    });
  });
});
