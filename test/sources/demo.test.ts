import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { appCredentialId, dependencyId, settingId, vaultAndName } from '../../scanner/inventory/ids.js';
import type { Inventory } from '../../scanner/inventory/types.js';
import { BUILTIN_RULES } from '../../scanner/rules/builtin/index.js';
import {
  DEMO_DEFAULT_SIZE,
  demoPlan,
  demoSource,
  generateDemoInventory,
} from '../../scanner/sources/demo/index.js';
import { DAY_MS, MINUTE_MS, isIsoTime } from '../../scanner/time.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');

function vaultAssets(inv: Inventory): number {
  return inv.secrets.length + inv.keys.length + inv.certificates.length;
}

/** Every id inventory.md assigns, one entry per asset. */
function allIds(inv: Inventory): string[] {
  const ids: string[] = [
    ...inv.vaults.map((v) => v.id),
    ...inv.secrets.map((s) => s.id),
    ...inv.keys.map((k) => k.id),
    ...inv.certificates.map((c) => c.id),
  ];
  for (const app of inv.appRegistrations ?? []) {
    for (const cred of app.passwordCredentials) ids.push(appCredentialId(app.appId, cred.keyId));
  }
  for (const r of inv.resources ?? []) for (const s of r.settings) ids.push(settingId(r.id, s.name));
  for (const d of inv.dependencies ?? []) ids.push(dependencyId(d.resourceId, d.credentialId));
  ids.push(...(inv.rotationPolicies ?? []).map((p) => p.id));
  ids.push(...(inv.rotationEvents ?? []).map((e) => e.id));
  ids.push(...(inv.syncRecords ?? []).map((s) => s.id));
  return ids;
}

/** Walks two JSON trees side by side, calling `onTime` for each pair of ISO times. */
function compareShifted(
  a: unknown,
  b: unknown,
  path: string,
  onTime: (a: string, b: string, path: string) => void,
) {
  if (typeof a === 'string' && typeof b === 'string' && isIsoTime(a)) {
    onTime(a, b, path);
    return;
  }
  if (a === null || typeof a !== 'object') {
    assert.equal(b, a, path);
    return;
  }
  assert.ok(b !== null && typeof b === 'object', path);
  const ka = Object.keys(a);
  assert.deepEqual(Object.keys(b), ka, path);
  for (const k of ka) {
    compareShifted(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${path}.${k}`,
      onTime,
    );
  }
}

describe('demo tenant', () => {
  const inv = generateDemoInventory({ now: NOW });

  it('is deterministic: same seed, size and now give the same bytes', () => {
    const again = generateDemoInventory({ seed: 1, size: DEMO_DEFAULT_SIZE, now: NOW });
    assert.deepStrictEqual(again, inv);
    assert.equal(JSON.stringify(again), JSON.stringify(inv));
  });

  it('differs with another seed', () => {
    const other = generateDemoInventory({ seed: 2, now: NOW });
    assert.notDeepStrictEqual(other, inv);
    assert.notEqual(other.tenantId, inv.tenantId);
  });

  it('honours the requested size (secrets + keys + certificates)', () => {
    assert.equal(vaultAssets(inv), DEMO_DEFAULT_SIZE);
    for (const size of [150, 10_000]) {
      const n = vaultAssets(generateDemoInventory({ seed: 3, size, now: NOW }));
      assert.ok(Math.abs(n - size) <= size * 0.01, `size ${size}: got ${n}`);
    }
  });

  it('keeps its proportions as it grows', () => {
    const big = generateDemoInventory({ seed: 4, size: 10_000, now: NOW });
    assert.equal(big.vaults.length, 20);
    assert.equal(big.resources?.length, 400);
    assert.equal(big.appRegistrations?.length, 200);
    const plan = demoPlan(100_000);
    assert.equal(plan.vaults, 200);
    assert.equal(plan.apps, 4_000);
    assert.equal(plan.appRegistrations, 2_000);
    // One managed secret per certificate.
    assert.equal(big.secrets.filter((s) => s.managed).length, big.certificates.length);
  });

  it('dates everything relative to now: moving now by 10 days moves every time by 10 days', () => {
    const later = generateDemoInventory({ now: NOW + 10 * DAY_MS });
    let times = 0;
    compareShifted(inv, later, 'inventory', (a, b, path) => {
      times++;
      assert.equal(Date.parse(b) - Date.parse(a), 10 * DAY_MS, path);
    });
    assert.ok(times > inv.secrets.length * 3);
    const expiring = inv.secrets.filter((s) => s.expires !== null).length;
    assert.ok(expiring > 0 && expiring < inv.secrets.length);
  });

  it('gives no two assets the same id', () => {
    for (const tenant of [inv, generateDemoInventory({ seed: 7, size: 5_000, now: NOW })]) {
      const ids = allIds(tenant);
      const seen = new Set<string>();
      const dupes = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
      assert.deepEqual(dupes, []);
    }
  });

  it('keeps names unique within a vault, and certificates share the secret namespace', () => {
    const big = generateDemoInventory({ seed: 5, size: 20_000, now: NOW });
    for (const kind of ['secrets', 'keys', 'certificates'] as const) {
      const seen = new Set<string>();
      for (const a of big[kind]) {
        const k = `${a.vault}/${a.name}`;
        assert.ok(!seen.has(k), `${kind}: ${k} twice`);
        seen.add(k);
      }
    }
    const plainNames = new Set(big.secrets.filter((s) => !s.managed).map((s) => `${s.vault}/${s.name}`));
    for (const c of big.certificates) assert.ok(!plainNames.has(`${c.vault}/${c.name}`), c.id);
  });

  it('puts vault assets in listed vaults, and none in the vault that could not be listed', () => {
    const vaults = new Map(inv.vaults.map((v) => [v.name, v]));
    for (const a of [...inv.secrets, ...inv.keys, ...inv.certificates]) {
      const vault = vaults.get(a.vault);
      assert.ok(vault, `${a.id}: unknown vault ${a.vault}`);
      assert.ok(a.id.startsWith(vault.vaultUri), a.id);
      assert.equal(vault.accessError, null, a.id);
    }
    const blocked = inv.vaults.filter((v) => v.accessError !== null);
    assert.equal(blocked.length, 1);
  });

  it('resolves most Key Vault references, but not all', () => {
    const known = new Set(inv.secrets.map((s) => vaultAndName(s.id)));
    const refs = (inv.resources ?? [])
      .flatMap((r) => r.settings)
      .filter((s) => s.kind === 'keyVaultReference');
    const resolved = refs.filter((s) => known.has(vaultAndName(s.secretId))).length;
    assert.ok(refs.length > 0);
    assert.ok(resolved / refs.length >= 0.9, `${resolved}/${refs.length}`);
    assert.ok(resolved < refs.length);
  });

  it('writes valid, consistent values', () => {
    const collected = Date.parse(inv.collectedAt);
    assert.equal(collected, NOW);
    for (const a of [...inv.secrets, ...inv.keys, ...inv.certificates]) {
      assert.ok(Date.parse(a.created) <= Date.parse(a.updated), a.id);
      assert.ok(Date.parse(a.updated) <= collected, a.id);
      if (a.notBefore !== null && a.expires !== null) assert.ok(a.notBefore < a.expires, a.id);
    }
    for (const v of inv.vaults) {
      const days = v.softDeleteRetentionDays;
      assert.ok(days === null || (Number.isInteger(days) && days >= 7 && days <= 90), v.id);
      assert.ok(v.name.length <= 24, v.name);
    }
    for (const d of inv.dependencies ?? []) assert.ok(d.confidence >= 0 && d.confidence <= 1);
    const heartbeat = Date.parse(inv.syncWorker?.lastHeartbeat ?? '');
    assert.ok(NOW - heartbeat < 15 * MINUTE_MS);
  });

  it('refuses a size or seed that is not an integer', () => {
    assert.throws(() => generateDemoInventory({ size: -1, now: NOW }), RangeError);
    assert.throws(() => generateDemoInventory({ size: 1.5, now: NOW }), RangeError);
    assert.throws(() => generateDemoInventory({ seed: Number.NaN, now: NOW }), RangeError);
  });

  it('is a source with id "demo" whose dates follow the scan time', async () => {
    const source = demoSource({ seed: 9, size: 300 });
    assert.equal(source.id, 'demo');
    const collected = await source.collect({ now: NOW });
    assert.deepStrictEqual(collected, generateDemoInventory({ seed: 9, size: 300, now: NOW }));
  });
});

/**
 * The demo must show every rule with assets on both sides. SYN003 judges the tenant's single
 * sync worker, which is alive here, so it passes; its failing case is covered by the rule tests.
 */
describe('demo tenant against the built-in rules', () => {
  const cases = [
    { label: 'default tenant', seed: undefined, size: undefined },
    { label: 'seed 7, size 5000', seed: 7, size: 5_000 },
  ];
  for (const { label, seed, size } of cases) {
    it(`${label}: every rule has passing and failing members`, () => {
      const inventory = generateDemoInventory({ seed, size, now: NOW });
      assert.equal(BUILTIN_RULES.length, 41);
      const problems: string[] = [];
      for (const rule of BUILTIN_RULES) {
        const out = rule.evaluate(inventory, NOW);
        const id = rule.meta.id;
        if (id === 'SYN003') {
          if (out.status !== 'pass') problems.push(`${id}: ${out.status}, expected pass`);
          continue;
        }
        if (out.status === 'not_applicable') problems.push(`${id}: not_applicable`);
        else if (out.failing.length === 0) problems.push(`${id}: nothing fails (${out.evaluated} evaluated)`);
        else if (out.failing.length >= out.evaluated) {
          problems.push(`${id}: all fail (${out.failing.length}/${out.evaluated})`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }
});
