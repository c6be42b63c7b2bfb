/**
 * Runs every built-in rule against its table in test/rules/cases/<ID>.ts, and fails when a
 * rule has no table, a table lacks a pass, fail or not_applicable row, or a rule's metadata
 * or documentation is incomplete.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { BUILTIN_RULES } from '../../scanner/rules/builtin/index.js';
import { DEFAULT_PARAMETERS } from '../../scanner/rules/parameters.js';
import { SEVERITIES } from '../../scanner/rules/types.js';
import { renderRuleDocs } from '../../scripts/rule-docs.js';
import { NOW } from '../support/builders.js';
import type { RuleCase } from './case.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

async function loadCases(id: string): Promise<RuleCase[] | null> {
  const file = join(here, 'cases', `${id}.ts`);
  if (!existsSync(file)) return null;
  // The file itself, by path: the table files are named after rule ids known only at run time.
  return ((await import(/* @vite-ignore */ file)) as { default: RuleCase[] }).default;
}

describe('built-in rule catalogue', () => {
  it('has the 47 rules of rules.md with unique ids', () => {
    const ids = BUILTIN_RULES.map((r) => r.meta.id);
    assert.equal(ids.length, 47);
    assert.equal(new Set(ids).size, 47);
  });

  for (const rule of BUILTIN_RULES) {
    it(`${rule.meta.id} has complete metadata`, () => {
      const m = rule.meta;
      assert.match(m.name, /\S/);
      assert.ok(m.description.length >= 30, 'description in our own words');
      assert.ok(m.remediation.length >= 20, 'remediation hint');
      assert.ok(SEVERITIES.includes(m.severity));
      assert.ok(Number.isInteger(m.weight) && m.weight >= 1 && m.weight <= 30);
      assert.ok(m.class === 'framework' || m.class === 'operational');
    });
  }

  it('docs/rules.md documents every rule and is up to date', () => {
    const docs = readFileSync(join(root, 'docs', 'rules.md'), 'utf8');
    for (const rule of BUILTIN_RULES) {
      assert.ok(docs.includes(`### ${rule.meta.id} `), `docs/rules.md has no section for ${rule.meta.id}`);
    }
    assert.equal(docs, renderRuleDocs(), 'docs/rules.md is stale: run `npm run docs:rules`');
  });
});

// Loaded before the suites are declared: a suite's body is synchronous.
const casesById = new Map(
  await Promise.all(
    BUILTIN_RULES.map(async (rule) => [rule.meta.id, await loadCases(rule.meta.id)] as const),
  ),
);

for (const rule of BUILTIN_RULES) {
  describe(`rule ${rule.meta.id}`, () => {
    const cases = casesById.get(rule.meta.id) ?? null;

    it('has a table with pass, fail and not_applicable rows', () => {
      assert.ok(cases, `test/rules/cases/${rule.meta.id}.ts is missing`);
      const statuses = new Set(cases.map((c) => c.expect.status));
      for (const s of ['pass', 'fail', 'not_applicable'] as const) {
        assert.ok(statuses.has(s), `${rule.meta.id} has no '${s}' row`);
      }
    });

    it('without parameters evaluates as with DEFAULT_PARAMETERS', () => {
      for (const c of (cases ?? []).filter((x) => x.parameters === undefined)) {
        const now = c.now ?? NOW;
        assert.deepEqual(
          rule.evaluate(c.inventory, now, DEFAULT_PARAMETERS),
          rule.evaluate(c.inventory, now),
          c.name,
        );
      }
    });

    for (const c of cases ?? []) {
      it(c.name, () => {
        const out = c.parameters
          ? rule.evaluate(c.inventory, c.now ?? NOW, c.parameters)
          : rule.evaluate(c.inventory, c.now ?? NOW);
        assert.equal(out.status, c.expect.status, 'status');
        assert.deepEqual(out.failing, c.expect.failing ?? [], 'failing ids');
        if (c.expect.evaluated !== undefined) assert.equal(out.evaluated, c.expect.evaluated, 'evaluated');
        if (c.expect.metric !== undefined) {
          if (c.expect.metric === null) assert.equal(out.metric, null, 'metric');
          else {
            assert.ok(out.metric, 'metric expected');
            assert.ok(
              Math.abs(out.metric.value - c.expect.metric.value) < 1e-9,
              `metric.value ${out.metric.value}`,
            );
            assert.equal(out.metric.threshold, c.expect.metric.threshold, 'metric.threshold');
          }
        }
      });
    }
  });
}
