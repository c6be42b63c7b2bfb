/**
 * The demo tenant's two profiles. `showcase` is the tenant every rule test and golden output was
 * written against, byte for byte; `organisation`, the default, is the first impression: a score
 * between 55 and 90, a few Critical findings, things expiring this month, one sloppy
 * development vault, and a history (`daysAgo`) that climbs with a dip.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'vitest';
import { DAY_MS } from '../../base/time.js';
import { FRAMEWORKS } from '../../scanner/frameworks/index.js';
import type { Inventory } from '../../scanner/inventory/types.js';
import { BUILTIN_RULES } from '../../scanner/rules/builtin/index.js';
import { runScan, type ScanResult } from '../../scanner/scan.js';
import {
  DEFAULT_DEMO_PROFILE,
  DEMO_HISTORY_DAYS,
  generateDemoInventory,
  parseDemoProfile,
} from '../../scanner/sources/demo/index.js';
import { resolveSource } from '../../scanner/sources/registry.js';
import { CertifyError } from '../../base/errors.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');

const sha256 = (inv: Inventory) => createHash('sha256').update(JSON.stringify(inv)).digest('hex');

function scanOf(inv: Inventory, now = NOW): ScanResult {
  return runScan({
    inventory: inv,
    rules: BUILTIN_RULES,
    frameworks: FRAMEWORKS,
    now,
    source: 'demo',
    scanId: 's',
  });
}

/** The vault a failing id names: a URL's host label, or an ARM id's vault or site's resource group. */
function vaultOfFinding(id: string, inv: Inventory): string | null {
  const host = /^https:\/\/([^.]+)\.vault\.azure\.net\//.exec(id);
  if (host) return host[1]!;
  const vault = inv.vaults.find((v) => id === v.id || id.startsWith(`${v.id}/`));
  if (vault) return vault.name;
  const group = /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1];
  return inv.vaults.find((v) => v.resourceGroup === group)?.name ?? null;
}

const organisation = generateDemoInventory({ now: NOW });
const result = scanOf(organisation);

describe('demo profiles', () => {
  it('showcase is the tenant the rule tests were written against, byte for byte', () => {
    // Hashes of the generator before profiles existed (seed 1 size 150, seed 2 size 300).
    assert.equal(
      sha256(generateDemoInventory({ profile: 'showcase', now: NOW })),
      '3bb5dcfab50e053421d82638ad975e4cdc493fc25c3043b1c02c6767bff2987b',
    );
    assert.equal(
      sha256(generateDemoInventory({ profile: 'showcase', now: NOW, seed: 2, size: 300 })),
      '0582d360a035a780741841fe775d473e98ab237c29d1489f00d0c7524a0491e5',
    );
  });

  it('organisation is the default, and as deterministic as showcase', () => {
    assert.equal(DEFAULT_DEMO_PROFILE, 'organisation');
    const again = generateDemoInventory({ profile: 'organisation', now: NOW });
    assert.equal(sha256(again), sha256(organisation));
    assert.notEqual(sha256(organisation), sha256(generateDemoInventory({ profile: 'showcase', now: NOW })));
    assert.equal(organisation.vaults.filter((v) => v.accessError !== null).length, 0);
  });

  it('organisation scores between 55 and 90, every framework between 50 and 90', () => {
    assert.ok(result.score !== null && result.score >= 55 && result.score <= 90, `score ${result.score}`);
    for (const f of result.frameworks) {
      assert.ok(f.score !== null && f.score >= 50 && f.score <= 90, `${f.id} ${f.score}`);
    }
    // Not the showcase's picture, where nearly every rule fails.
    const failing = result.rules.filter((r) => r.status === 'fail').length;
    const passing = result.rules.filter((r) => r.status === 'pass').length;
    assert.ok(passing > failing, `${passing} passing, ${failing} failing`);
  });

  it('organisation has a handful of Critical findings', () => {
    const critical = result.rules
      .filter((r) => r.severity === 'Critical' && r.status === 'fail')
      .reduce((n, r) => n + r.failing.length, 0);
    assert.ok(critical >= 3 && critical <= 8, `${critical} Critical findings`);
  });

  it('organisation has things expiring within 30 days', () => {
    const soon = [...organisation.secrets, ...organisation.keys, ...organisation.certificates].filter((a) => {
      if (!a.enabled || a.expires === null) return false;
      const left = Date.parse(a.expires) - NOW;
      return left > 0 && left <= 30 * DAY_MS;
    });
    assert.ok(soon.length >= 3, `${soon.length} expiring within 30 days`);
  });

  it('production vaults are healthy; one development vault holds most of the sloppy findings', () => {
    const production = organisation.vaults.filter((v) => v.tags.env === 'production');
    assert.ok(production.length > 0);
    for (const v of production) {
      assert.ok(v.softDeleteEnabled && v.purgeProtectionEnabled && v.rbacAuthorization, v.name);
      assert.equal(v.publicNetworkAccess, 'Disabled', v.name);
      assert.ok((v.privateEndpointConnections ?? 0) > 0, v.name);
    }
    const sloppyRules = ['P001', 'P006', 'P008', 'P016', 'VM003', 'CIS-8.7', 'CIS-RBAC', 'NET001'];
    const byVault = new Map<string, number>();
    let total = 0;
    for (const r of result.rules) {
      if (!sloppyRules.includes(r.id)) continue;
      for (const id of r.failing) {
        const vault = vaultOfFinding(id, organisation) ?? '?';
        byVault.set(vault, (byVault.get(vault) ?? 0) + 1);
        total++;
      }
    }
    const [worst, count] = [...byVault].sort((a, b) => b[1] - a[1])[0]!;
    assert.equal(organisation.vaults.find((v) => v.name === worst)?.tags.env, 'development', worst);
    assert.ok(count > total / 2, `${worst} holds ${count} of ${total}`);
    // The secrets without expiry and the old ones are all there.
    for (const id of ['P001', 'P008']) {
      const rule = result.rules.find((r) => r.id === id)!;
      assert.equal(rule.status, 'fail', id);
      assert.ok(
        rule.failing.every((f) => vaultOfFinding(f, organisation) === worst),
        id,
      );
    }
  });

  it('the history climbs from the low 60s to today, with a dip on the way', () => {
    const scores: number[] = [];
    for (let daysAgo = DEMO_HISTORY_DAYS - 1; daysAgo >= 0; daysAgo--) {
      const now = NOW - daysAgo * DAY_MS;
      scores.push(scanOf(generateDemoInventory({ now, daysAgo }), now).score!);
    }
    const today = scores.at(-1)!;
    assert.equal(today, result.score);
    assert.ok(scores[0]! < today - 5, `${scores[0]} then ${today}`);
    assert.ok(new Set(scores).size >= 4, `distinct scores ${[...new Set(scores)].join(', ')}`);
    // A dip: somewhere the score falls below what it had already reached.
    const dips = scores.filter((s, i) => i > 0 && s < Math.max(...scores.slice(0, i)));
    assert.ok(dips.length > 0, scores.join(' '));
  });

  it('profile names: any case, and mistakes say which names exist', () => {
    assert.equal(parseDemoProfile(' Showcase '), 'showcase');
    assert.equal(parseDemoProfile('organisation'), 'organisation');
    assert.equal(parseDemoProfile('organization'), null);
    assert.throws(
      () => generateDemoInventory({ now: NOW, profile: 'nope' as never }),
      /organisation, showcase/,
    );
    assert.throws(() => generateDemoInventory({ now: NOW, daysAgo: -1 }), RangeError);
  });

  it('the registry takes the profile as an option; `demo:<profile>` points to it', () => {
    assert.equal(resolveSource('demo', { demoProfile: 'showcase' }).id, 'demo');
    assert.throws(
      () => resolveSource('demo:showcase'),
      (e: unknown) => e instanceof CertifyError && e.code === 'BAD_USAGE' && /--profile/.test(e.hint ?? ''),
    );
  });
});
