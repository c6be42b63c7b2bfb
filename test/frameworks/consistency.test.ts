/**
 * Frameworks cite rules; rules know nothing of frameworks. This keeps the two in step
 * (frameworks.md, last paragraph): every cited id is a built-in rule, every rule of class
 * "framework" is cited somewhere, and no operational rule is cited.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';

import { allCitedRuleIds, FRAMEWORKS } from '../../scanner/frameworks/index.js';
import { BUILTIN_RULES } from '../../scanner/rules/builtin/index.js';

const OPERATIONAL = ['P004', 'P005', 'P006', 'P015', 'P016', 'C004', 'K004', 'SYN003'];

describe('frameworks ↔ built-in rules', () => {
  const byId = new Map(BUILTIN_RULES.map((r) => [r.meta.id, r]));
  const cited = allCitedRuleIds();

  it('every cited rule id is a built-in rule', () => {
    for (const f of FRAMEWORKS) {
      for (const c of f.controls) {
        for (const x of c.citations)
          assert.ok(byId.has(x.rule), `${f.id} ${c.id} cites unknown rule ${x.rule}`);
      }
    }
  });

  it('every rule of class "framework" is cited by at least one framework', () => {
    const uncited = BUILTIN_RULES.filter((r) => r.meta.class === 'framework' && !cited.has(r.meta.id)).map(
      (r) => r.meta.id,
    );
    assert.deepEqual(uncited, []);
  });

  it('no operational rule is cited, and the operational rules of frameworks.md are class "operational"', () => {
    const citedOperational = BUILTIN_RULES.filter(
      (r) => r.meta.class === 'operational' && cited.has(r.meta.id),
    ).map((r) => r.meta.id);
    assert.deepEqual(citedOperational, []);
    for (const id of OPERATIONAL) {
      assert.equal(byId.get(id)?.meta.class, 'operational', id);
      assert.ok(!cited.has(id), id);
    }
  });

  it('rules cited over a subset (CIS 8.1–8.4) read the section the subset names', () => {
    for (const f of FRAMEWORKS) {
      for (const c of f.controls) {
        for (const x of c.citations) {
          if (!x.subset) continue;
          const category = byId.get(x.rule)?.meta.category;
          assert.equal(category, x.subset.section, `${f.id} ${c.id} ${x.rule}`);
        }
      }
    }
  });
});
