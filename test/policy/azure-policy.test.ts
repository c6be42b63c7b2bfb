/**
 * The Azure Policy cross-reference (scanner/rules/azure-policy.ts) held to the built-in
 * definitions it names: on every case of test/policy/cases.ts the rule's verdict on the asset
 * equals Azure Policy's, except where the cross-reference documents a deliberate difference, and
 * there the case states Certify's verdict instead.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  AZURE_POLICY,
  UNMAPPED_AZURE_POLICIES,
  azurePolicyFor,
  type PolicyCorrespondence,
} from '../../scanner/rules/azure-policy.js';
import { BUILTIN_RULES } from '../../scanner/rules/builtin/index.js';
import { NOW } from '../support/builders.js';
import { POLICY_CASES, type PolicyCase, type Verdict } from './cases.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const rules = new Map(BUILTIN_RULES.map((r) => [r.meta.id, r]));

function correspondence(c: Pick<PolicyCase, 'rule' | 'definitionId'>): PolicyCorrespondence | undefined {
  return azurePolicyFor(c.rule).find((p) => p.definitionId === c.definitionId);
}

const mappings = Object.entries(AZURE_POLICY).flatMap(([rule, refs]) => refs.map((p) => ({ rule, p })));

describe('Azure Policy cross-reference data', () => {
  it('names built-in rules only', () => {
    for (const rule of Object.keys(AZURE_POLICY)) {
      assert.ok(rules.has(rule), `${rule} is not a built-in rule (BUILTIN_RULES)`);
    }
  });

  it('names every definition by its GUID, once per rule, with one display name per GUID', () => {
    const names = new Map<string, string>();
    for (const { rule, p } of mappings) {
      assert.match(p.definitionId, GUID, `${rule}: ${p.definitionId}`);
      assert.ok(p.displayName.length > 0);
      const seen = names.get(p.definitionId);
      assert.ok(seen === undefined || seen === p.displayName, `${p.definitionId} has two display names`);
      names.set(p.definitionId, p.displayName);
    }
    for (const [rule, refs] of Object.entries(AZURE_POLICY)) {
      const ids = refs.map((p) => p.definitionId);
      assert.equal(new Set(ids).size, ids.length, `${rule} names a definition twice`);
    }
    for (const u of UNMAPPED_AZURE_POLICIES) {
      assert.match(u.definitionId, GUID, u.displayName);
      assert.ok(!names.has(u.definitionId), `${u.definitionId} is both mapped and unmapped`);
      assert.ok(u.reason.length >= 20, `${u.displayName}: a reason`);
    }
    const unmapped = UNMAPPED_AZURE_POLICIES.map((u) => u.definitionId);
    assert.equal(new Set(unmapped).size, unmapped.length, 'an unmapped definition is listed twice');
  });

  it('states every difference as one sentence', () => {
    for (const { rule, p } of mappings) {
      if (p.difference === null) continue;
      assert.match(p.difference, /^[A-Z].*\.$/, `${rule} / ${p.displayName}`);
      assert.doesNotMatch(p.difference.slice(0, -1), /\.\s/, `${rule} / ${p.displayName}: one sentence`);
    }
  });

  it('has, for every definition that maps to a rule, compliant, non-compliant and boundary cases', () => {
    for (const { rule, p } of mappings) {
      const cases = POLICY_CASES.filter((c) => c.rule === rule && c.definitionId === p.definitionId);
      const name = `${rule} / ${p.displayName}`;
      assert.ok(
        cases.some((c) => c.azure === 'compliant'),
        `${name}: no compliant case`,
      );
      assert.ok(
        cases.some((c) => c.azure === 'non-compliant'),
        `${name}: no non-compliant case`,
      );
      const numeric = [p.parameter?.default, p.parameter?.certify].some((v) => typeof v === 'number');
      if (numeric)
        assert.ok(
          cases.some((c) => c.boundary === true),
          `${name}: no boundary case`,
        );
    }
  });

  it('builds every case from a definition the cross-reference maps to that rule', () => {
    for (const c of POLICY_CASES) {
      assert.ok(correspondence(c), `${c.rule} / ${c.name}: ${c.definitionId} is not mapped to ${c.rule}`);
    }
  });
});

describe('Certify agrees with Azure Policy except where documented', () => {
  for (const c of POLICY_CASES) {
    const p = correspondence(c);
    it(`${c.rule} ↔ ${p?.displayName ?? c.definitionId}: ${c.name} → Azure ${c.azure}`, () => {
      const rule = rules.get(c.rule);
      assert.ok(rule, `${c.rule} is not a built-in rule yet`);
      assert.ok(p, `${c.definitionId} is not mapped to ${c.rule}`);
      const out = rule.evaluate(c.inventory, NOW);
      const certify: Verdict = out.failing.includes(c.assetId) ? 'non-compliant' : 'compliant';
      if (c.certify === undefined) {
        assert.equal(
          certify,
          c.azure,
          "Certify's verdict differs from Azure Policy's, and no difference is documented",
        );
      } else {
        assert.notEqual(c.certify, c.azure, 'a documented difference must differ');
        assert.ok(
          p.difference,
          `${c.rule} / ${p.displayName}: the case differs but the docs state no difference`,
        );
        assert.equal(certify, c.certify, "Certify's verdict is not the documented difference");
      }
    });
  }
});
