import assert from 'node:assert/strict';
import { describe, it } from 'vitest';

import { verifyCertificate, type ProvenancePayload } from '../../provenance/certificate.js';
import { PRESET_TAG, PROVENANCE_TAG } from '../../provenance/writer.js';
import { appCredentialId, dependencyId, settingId, vaultAndName } from '../../scanner/inventory/ids.js';
import type { Inventory } from '../../scanner/inventory/types.js';
import { validateInventory } from '../../scanner/inventory/validate.js';
import { BUILTIN_RULES } from '../../scanner/rules/builtin/index.js';
import { ProvenanceJudge } from '../../scanner/rules/builtin/P011.js';
import {
  DEMO_DEFAULT_SIZE,
  demoPlan,
  demoSource,
  generateDemoInventory,
} from '../../scanner/sources/demo/index.js';
import { DAY_MS, MINUTE_MS, isIsoTime } from '../../base/time.js';

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

function payloadOf(jws: string): ProvenancePayload {
  return JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as ProvenancePayload;
}

describe('demo tenant', () => {
  const inv = generateDemoInventory({ profile: 'showcase', now: NOW });

  it('is deterministic: same seed, size and now give the same bytes', () => {
    const again = generateDemoInventory({ profile: 'showcase', seed: 1, size: DEMO_DEFAULT_SIZE, now: NOW });
    assert.deepStrictEqual(again, inv);
    assert.equal(JSON.stringify(again), JSON.stringify(inv));
  });

  it('differs with another seed', () => {
    const other = generateDemoInventory({ profile: 'showcase', seed: 2, now: NOW });
    assert.notDeepStrictEqual(other, inv);
    assert.notEqual(other.tenantId, inv.tenantId);
  });

  it('honours the requested size (secrets + keys + certificates)', () => {
    assert.equal(vaultAssets(inv), DEMO_DEFAULT_SIZE);
    for (const size of [150, 10_000]) {
      const n = vaultAssets(generateDemoInventory({ profile: 'showcase', seed: 3, size, now: NOW }));
      assert.ok(Math.abs(n - size) <= size * 0.01, `size ${size}: got ${n}`);
    }
  });

  it('keeps its proportions as it grows', () => {
    const big = generateDemoInventory({ profile: 'showcase', seed: 4, size: 10_000, now: NOW });
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
    const later = generateDemoInventory({ profile: 'showcase', now: NOW + 10 * DAY_MS });
    let times = 0;
    const shifted = (a: string, b: string, path: string) => {
      times++;
      assert.equal(Date.parse(b) - Date.parse(a), 10 * DAY_MS, path);
    };
    // Certificates sign their times, so their JWS differ: compare the signed payloads instead.
    const { provenance: p1, ...rest1 } = inv;
    const { provenance: p2, ...rest2 } = later;
    compareShifted(rest1, rest2, 'inventory', shifted);
    assert.ok(times > inv.secrets.length * 3);
    assert.equal(p2!.certificates.length, p1!.certificates.length);
    p1!.certificates.forEach((c, i) => {
      compareShifted(payloadOf(c.jws), payloadOf(p2!.certificates[i]!.jws), `certificates[${i}]`, shifted);
    });
    const expiring = inv.secrets.filter((s) => s.expires !== null).length;
    assert.ok(expiring > 0 && expiring < inv.secrets.length);
  });

  it('gives no two assets the same id', () => {
    for (const tenant of [
      inv,
      generateDemoInventory({ profile: 'showcase', seed: 7, size: 5_000, now: NOW }),
    ]) {
      const ids = allIds(tenant);
      const seen = new Set<string>();
      const dupes = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
      assert.deepEqual(dupes, []);
    }
  });

  it('keeps names unique within a vault, and certificates share the secret namespace', () => {
    const big = generateDemoInventory({ profile: 'showcase', seed: 5, size: 20_000, now: NOW });
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

  it('passes the snapshot validator, provenance section included', () => {
    const result = validateInventory(JSON.parse(JSON.stringify(inv)));
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
    assert.deepEqual(result.inventory.provenance, inv.provenance);
  });

  it('has kv-prod/db-password, enabled and uncertified, for the playground rotation', () => {
    for (const tenant of [
      inv,
      generateDemoInventory({ profile: 'showcase', seed: 7, size: 5_000, now: NOW }),
    ]) {
      const vaults = tenant.vaults.filter((v) => v.name === 'kv-prod');
      assert.equal(vaults.length, 1);
      assert.equal(vaults[0]!.accessError, null);
      const db = tenant.secrets.filter((s) => s.vault === 'kv-prod' && s.name === 'db-password');
      assert.equal(db.length, 1);
      assert.equal(db[0]!.id, 'https://kv-prod.vault.azure.net/secrets/db-password');
      assert.ok(db[0]!.enabled && !db[0]!.managed);
      assert.equal(PROVENANCE_TAG in db[0]!.tags, false);
    }
  });

  it('certifies a few secrets with a seeded key: valid ones, and tampered, copied and missing ones', () => {
    for (const [seed, size] of [
      [1, DEMO_DEFAULT_SIZE],
      [7, 5_000],
    ] as const) {
      const tenant = generateDemoInventory({ profile: 'showcase', seed, size, now: NOW });
      const section = tenant.provenance!;
      assert.equal(section.jwks.keys.length, 1);
      const judge = new ProvenanceJudge(section);
      const held = new Map(section.certificates.map((c) => [c.id, c.jws]));
      assert.equal(held.size, section.certificates.length, 'unique certificate ids');
      const seen = { valid: 0, tampered: 0, copied: 0, missing: 0 };
      for (const s of tenant.secrets) {
        const id = s.tags[PROVENANCE_TAG];
        if (id === undefined) continue;
        assert.ok(s.enabled && !s.managed, s.id);
        assert.match(s.tags[PRESET_TAG] ?? '', /^[a-z0-9]+@\d{4}\.\d+$/, s.id);
        const v = judge.judge(s);
        if (v.kind === 'missing') {
          seen.missing++;
          continue;
        }
        assert.equal(v.kind, 'checked');
        const check = verifyCertificate(held.get(id)!, section.jwks, {
          expectTarget: { vault: s.vault, secret: s.name },
        });
        assert.deepEqual(check.problems, v.kind === 'checked' ? v.problems : [], s.id);
        if (check.ok) {
          seen.valid++;
          // Generated when the current version was written: its `created` (P008's clock).
          assert.equal(check.payload?.generatedAt, s.created, s.id);
        } else if (/^signature does not verify/.test(check.problems[0]!)) seen.tampered++;
        else if (/^target is /.test(check.problems[0]!)) seen.copied++;
        else assert.fail(`${s.id}: ${check.problems.join('; ')}`);
      }
      assert.ok(seen.valid >= 1 && seen.tampered >= 1 && seen.copied >= 1, JSON.stringify(seen));
      if (size >= 5_000) assert.equal(seen.missing, 1);
    }
  });

  it('caps certified secrets at 200 in a large tenant, and gives each seed its own key', () => {
    const big = generateDemoInventory({ profile: 'showcase', seed: 8, size: 60_000, now: NOW });
    const certified = big.secrets.filter((s) => PROVENANCE_TAG in s.tags).length;
    // 200 picked: 194 valid, 2 tampered, 2 copied tags and 1 missing certificate carry the tag;
    // 1 more has a certificate but lost its tag. Copied and missing ones bring no certificate.
    assert.equal(certified, 199);
    assert.equal(big.provenance!.certificates.length, 197);
    const other = generateDemoInventory({ profile: 'showcase', seed: 9, now: NOW });
    assert.notEqual(other.provenance!.jwks.keys[0]!.kid, inv.provenance!.jwks.keys[0]!.kid);
  });

  it('refuses a size or seed that is not an integer', () => {
    assert.throws(() => generateDemoInventory({ profile: 'showcase', size: -1, now: NOW }), RangeError);
    assert.throws(() => generateDemoInventory({ profile: 'showcase', size: 1.5, now: NOW }), RangeError);
    assert.throws(
      () => generateDemoInventory({ profile: 'showcase', seed: Number.NaN, now: NOW }),
      RangeError,
    );
  });

  it('is a source with id "demo" whose dates follow the scan time', async () => {
    const source = demoSource({ profile: 'showcase', seed: 9, size: 300 });
    assert.equal(source.id, 'demo');
    const collected = await source.collect({ now: NOW });
    assert.deepStrictEqual(
      collected,
      generateDemoInventory({ profile: 'showcase', seed: 9, size: 300, now: NOW }),
    );
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
      const inventory = generateDemoInventory({ profile: 'showcase', seed, size, now: NOW });
      assert.equal(BUILTIN_RULES.length, 47);
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
