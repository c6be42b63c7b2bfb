/**
 * Custom rules (rules.md, "Custom rules"): the whitelist validation, as tables of inputs and
 * the exact problems they produce, and the compiled rules, as tables of small inventories and
 * the exact assets they select.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { CertifyError } from '../../base/errors.js';
import type { Inventory } from '../../scanner/inventory/types.js';
import {
  CUSTOM_FIELD_OPERATORS,
  compileCustomRule,
  describeCondition,
  validateCustomRule,
} from '../../scanner/rules/custom.js';
import { CUSTOM_FIELDS, CUSTOM_OPERATORS, CUSTOM_SCOPES } from '../../scanner/rules/custom-types.js';
import type {
  CustomCondition,
  CustomField,
  CustomOperator,
  CustomRuleDef,
  CustomScope,
} from '../../scanner/rules/custom-types.js';
import { NOW, assetUrl, cert, daysFromNow, inventory, key, secret } from '../support/builders.js';
import type { RuleCase } from './case.js';

const BUILTIN_IDS: ReadonlySet<string> = new Set([
  'P001',
  'P015',
  'C006',
  'K007',
  'CIS-8.5',
  'CIS-RBAC',
  'SYN001',
]);
const opts = { builtinIds: BUILTIN_IDS };

/** The matrix of rules.md, written out here rather than imported, so the test checks the code. */
const ALLOWED: Record<CustomField, CustomOperator[]> = {
  expires_within_days: ['greater_than', 'less_than', 'equals', 'not_equals', 'exists', 'not_exists'],
  tag_present: ['exists', 'equals', 'not_exists', 'not_equals'],
  enabled: ['equals', 'not_equals'],
  name_contains: ['exists', 'equals', 'not_exists', 'not_equals'],
  vault_name: ['equals', 'not_equals'],
  asset_type: ['equals', 'not_equals', 'exists', 'not_exists'],
};

type Kind = 'none' | 'number' | 'boolean' | 'string' | 'tag';

/** What value each field/operator pair takes, per rules.md. */
function kindOf(field: CustomField, op: CustomOperator): Kind {
  if (
    (field === 'expires_within_days' || field === 'asset_type') &&
    (op === 'exists' || op === 'not_exists')
  ) {
    return 'none';
  }
  return (
    {
      expires_within_days: 'number',
      tag_present: 'tag',
      enabled: 'boolean',
      name_contains: 'string',
      vault_name: 'string',
      asset_type: 'string',
    } as const
  )[field];
}

const SAMPLE: Record<Exclude<Kind, 'none'>, string | number | boolean> = {
  number: 30,
  boolean: true,
  string: 'prod',
  tag: 'env=production',
};

const NEEDS: Record<Exclude<Kind, 'none'>, string> = {
  number: 'a number',
  boolean: 'true or false',
  string: 'a non-empty string',
  tag: 'a string "key" or "key=value" with a non-empty key',
};

function base(condition: unknown, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'CUSTOM-1', name: 'Production secrets are tagged', severity: 'High', condition, ...over };
}

const TAG_COND = {
  operator: 'not_exists',
  asset_field: 'tag_present',
  asset_scope: 'secrets',
  value: 'env=production',
} as const;

function problemsOf(input: unknown): string[] {
  const r = validateCustomRule(input, opts);
  assert.equal(r.ok, false, `expected ${JSON.stringify(input)} to be refused`);
  return r.ok ? [] : r.problems;
}

function valueOf(input: unknown): CustomRuleDef {
  const r = validateCustomRule(input, opts);
  if (!r.ok) assert.fail(`expected a valid rule, got:\n${r.problems.join('\n')}`);
  return r.value;
}

const OPERATOR_LIST = 'use one of equals, not_equals, greater_than, less_than, exists, not_exists';
const FIELD_LIST =
  'use one of expires_within_days, tag_present, enabled, name_contains, vault_name, asset_type';
const ID_RULE =
  'a string matching ^[A-Z][A-Z0-9_-]{1,39}$ (an uppercase letter, then 1–39 uppercase letters, digits, "_" or "-")';
const RULE_KEYS = 'id, name, description, severity, weight, enabled, condition';
const COND_KEYS = 'operator, asset_field, asset_scope, value';

describe('validateCustomRule: valid rules and their defaults', () => {
  const rows: { name: string; input: unknown; expect: CustomRuleDef }[] = [
    {
      name: 'minimal rule: description, weight and enabled take their defaults',
      input: base(TAG_COND),
      expect: {
        id: 'CUSTOM-1',
        name: 'Production secrets are tagged',
        description: '',
        severity: 'High',
        weight: 15,
        enabled: true,
        condition: { ...TAG_COND },
      },
    },
    {
      name: 'every field given, at its bounds',
      input: base(TAG_COND, { description: 'd'.repeat(2000), weight: 30, enabled: false, severity: 'Low' }),
      expect: {
        id: 'CUSTOM-1',
        name: 'Production secrets are tagged',
        description: 'd'.repeat(2000),
        severity: 'Low',
        weight: 30,
        enabled: false,
        condition: { ...TAG_COND },
      },
    },
    {
      name: 'exists on expires_within_days without a value: value becomes null',
      input: base(
        { operator: 'exists', asset_field: 'expires_within_days', asset_scope: 'keys' },
        { weight: 1 },
      ),
      expect: {
        id: 'CUSTOM-1',
        name: 'Production secrets are tagged',
        description: '',
        severity: 'High',
        weight: 1,
        enabled: true,
        condition: {
          operator: 'exists',
          asset_field: 'expires_within_days',
          asset_scope: 'keys',
          value: null,
        },
      },
    },
  ];
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(valueOf(row.input), row.expect));
  }

  it('default weight follows the severity', () => {
    for (const [severity, weight] of [
      ['Critical', 25],
      ['High', 15],
      ['Medium', 8],
      ['Low', 3],
    ] as const) {
      assert.equal(valueOf(base(TAG_COND, { severity })).weight, weight);
    }
  });

  it('accepts ids, names and values at their bounds', () => {
    const accepted: Record<string, unknown>[] = [
      { id: 'AB' },
      { id: `A${'B'.repeat(39)}` },
      { id: 'X_1-2' },
      { id: 'P016' }, // in the built-in style, but not a built-in id
      { name: 'n' },
      { name: 'n'.repeat(120) },
      { name: '🔑'.repeat(120) }, // 120 characters, 240 UTF-16 units
      { description: '' },
      { weight: 1 },
      { weight: 30 },
      { enabled: true },
    ];
    for (const over of accepted) valueOf(base(TAG_COND, over));
  });

  it('accepts every value that fits its field and operator', () => {
    const conditions: Record<string, unknown>[] = [
      { operator: 'less_than', asset_field: 'expires_within_days', value: -5 },
      { operator: 'greater_than', asset_field: 'expires_within_days', value: 0 },
      { operator: 'equals', asset_field: 'expires_within_days', value: 29.5 },
      { operator: 'not_exists', asset_field: 'expires_within_days', value: null },
      { operator: 'exists', asset_field: 'tag_present', value: 'env' },
      { operator: 'equals', asset_field: 'tag_present', value: 'url=https://x/?a=b' },
      { operator: 'equals', asset_field: 'tag_present', value: 'env=' },
      { operator: 'equals', asset_field: 'enabled', value: false },
      { operator: 'not_exists', asset_field: 'name_contains', value: 'tmp' },
      { operator: 'not_equals', asset_field: 'vault_name', value: 'kv-prod' },
      { operator: 'equals', asset_field: 'asset_type', value: 'application/x-pkcs12' },
      { operator: 'not_exists', asset_field: 'asset_type' },
    ];
    for (const c of conditions) {
      for (const scope of CUSTOM_SCOPES) {
        const def = valueOf(base({ ...c, asset_scope: scope }));
        assert.equal(def.condition.value, c.value ?? null);
      }
    }
  });

  it('keeps nothing it was not asked to keep and does not alias the input', () => {
    const input = base({ ...TAG_COND });
    const def = valueOf(input);
    assert.notEqual(def.condition, input.condition);
    assert.deepEqual(Object.keys(def), [
      'id',
      'name',
      'description',
      'severity',
      'weight',
      'enabled',
      'condition',
    ]);
    assert.deepEqual(Object.keys(def.condition), ['operator', 'asset_field', 'asset_scope', 'value']);
  });
});

describe('validateCustomRule: refused rules and their exact problems', () => {
  const rows: { name: string; input: unknown; problems: string[] }[] = [
    {
      name: 'not an object',
      input: null,
      problems: [`custom rule: must be an object with ${RULE_KEYS} (got null)`],
    },
    {
      name: 'an array',
      input: [TAG_COND],
      problems: [`custom rule: must be an object with ${RULE_KEYS} (got an array)`],
    },
    {
      name: 'a string (never evaluated)',
      input: 'process.exit(1)',
      problems: [`custom rule: must be an object with ${RULE_KEYS} (got string "process.exit(1)")`],
    },
    {
      name: 'empty object: every required field missing',
      input: {},
      problems: [
        `id: missing; use ${ID_RULE}`,
        'name: missing; use a string of 1–120 characters',
        'severity: missing; use one of Critical, High, Medium, Low',
        `condition: missing; use an object with exactly ${COND_KEYS}`,
      ],
    },
    {
      name: 'built-in id',
      input: base(TAG_COND, { id: 'P001' }),
      problems: ['id: "P001" is a built-in rule id and is read-only'],
    },
    {
      name: 'built-in id outside the custom pattern',
      input: base(TAG_COND, { id: 'CIS-8.5' }),
      problems: ['id: "CIS-8.5" is a built-in rule id and is read-only'],
    },
    {
      name: 'built-in id in another case',
      input: base(TAG_COND, { id: 'cis-rbac' }),
      problems: ['id: "cis-rbac" is a built-in rule id and is read-only'],
    },
    { name: 'id too short', input: base(TAG_COND, { id: 'A' }), problems: [`id: "A" is not ${ID_RULE}`] },
    {
      name: 'id too long (41)',
      input: base(TAG_COND, { id: `A${'B'.repeat(40)}` }),
      problems: [`id: "A${'B'.repeat(40)}" is not ${ID_RULE}`],
    },
    {
      name: 'id lowercase',
      input: base(TAG_COND, { id: 'my-rule' }),
      problems: [`id: "my-rule" is not ${ID_RULE}`],
    },
    {
      name: 'id starts with a digit',
      input: base(TAG_COND, { id: '1AB' }),
      problems: [`id: "1AB" is not ${ID_RULE}`],
    },
    {
      name: 'id with a space',
      input: base(TAG_COND, { id: 'AB C' }),
      problems: [`id: "AB C" is not ${ID_RULE}`],
    },
    {
      name: 'id with a dot',
      input: base(TAG_COND, { id: 'AB.C' }),
      problems: [`id: "AB.C" is not ${ID_RULE}`],
    },
    {
      name: 'id not a string',
      input: base(TAG_COND, { id: 7 }),
      problems: [`id: must be ${ID_RULE} (got number 7)`],
    },
    {
      name: 'name empty',
      input: base(TAG_COND, { name: '' }),
      problems: ['name: must not be blank; use a string of 1–120 characters'],
    },
    {
      name: 'name blank',
      input: base(TAG_COND, { name: ' \t ' }),
      problems: ['name: must not be blank; use a string of 1–120 characters'],
    },
    {
      name: 'name of 121 characters',
      input: base(TAG_COND, { name: 'n'.repeat(121) }),
      problems: ['name: must be 1–120 characters (got 121 characters)'],
    },
    {
      name: 'name not a string',
      input: base(TAG_COND, { name: ['a'] }),
      problems: ['name: must be a string of 1–120 characters (got an array)'],
    },
    {
      name: 'description of 2,001 characters',
      input: base(TAG_COND, { description: 'd'.repeat(2001) }),
      problems: ['description: must be at most 2,000 characters (got 2001 characters)'],
    },
    {
      name: 'description null',
      input: base(TAG_COND, { description: null }),
      problems: ['description: must be a string of at most 2,000 characters (got null)'],
    },
    {
      name: 'severity in the wrong case',
      input: base(TAG_COND, { severity: 'high' }),
      problems: ['severity: "high" is not allowed; use one of Critical, High, Medium, Low'],
    },
    {
      name: 'severity a number',
      input: base(TAG_COND, { severity: 1 }),
      problems: ['severity: number 1 is not allowed; use one of Critical, High, Medium, Low'],
    },
    {
      name: 'weight 0',
      input: base(TAG_COND, { weight: 0 }),
      problems: ['weight: must be an integer from 1 to 30 (got number 0)'],
    },
    {
      name: 'weight 31',
      input: base(TAG_COND, { weight: 31 }),
      problems: ['weight: must be an integer from 1 to 30 (got number 31)'],
    },
    {
      name: 'weight 1.5',
      input: base(TAG_COND, { weight: 1.5 }),
      problems: ['weight: must be an integer from 1 to 30 (got number 1.5)'],
    },
    {
      name: 'weight a numeric string',
      input: base(TAG_COND, { weight: '5' }),
      problems: ['weight: must be an integer from 1 to 30 (got string "5")'],
    },
    {
      name: 'weight NaN',
      input: base(TAG_COND, { weight: Number.NaN }),
      problems: ['weight: must be an integer from 1 to 30 (got number NaN)'],
    },
    {
      name: 'enabled a string',
      input: base(TAG_COND, { enabled: 'yes' }),
      problems: ['enabled: must be true or false (got string "yes")'],
    },
    {
      name: 'enabled 1',
      input: base(TAG_COND, { enabled: 1 }),
      problems: ['enabled: must be true or false (got number 1)'],
    },
    {
      name: 'unknown top-level keys',
      input: base(TAG_COND, { extra: 1, 'two words': 2 }),
      problems: [
        `extra: unknown key; a custom rule has only ${RULE_KEYS}`,
        `["two words"]: unknown key; a custom rule has only ${RULE_KEYS}`,
      ],
    },
    {
      name: '__proto__ from JSON is an unknown key, not a prototype',
      input: JSON.parse(
        `{"id":"AB","name":"n","severity":"Low","condition":${JSON.stringify(TAG_COND)},"__proto__":{"weight":5}}`,
      ),
      problems: [`__proto__: unknown key; a custom rule has only ${RULE_KEYS}`],
    },
    {
      name: 'condition not an object',
      input: base('tags.env == "production"'),
      problems: [
        `condition: must be an object with exactly ${COND_KEYS} (got string "tags.env == \\"production\\"")`,
      ],
    },
    {
      name: 'condition an array',
      input: base([]),
      problems: [`condition: must be an object with exactly ${COND_KEYS} (got an array)`],
    },
    {
      name: 'empty condition',
      input: base({}),
      problems: [
        `condition.operator: missing; ${OPERATOR_LIST}`,
        `condition.asset_field: missing; ${FIELD_LIST}`,
        'condition.asset_scope: missing; use one of secrets, certificates, keys',
      ],
    },
    {
      name: 'unknown operator',
      input: base({ ...TAG_COND, operator: 'matches' }),
      problems: [`condition.operator: "matches" is not allowed; ${OPERATOR_LIST}`],
    },
    {
      name: 'operator in the wrong case',
      input: base({ ...TAG_COND, operator: 'EQUALS' }),
      problems: [`condition.operator: "EQUALS" is not allowed; ${OPERATOR_LIST}`],
    },
    {
      name: 'unknown field',
      input: base({ ...TAG_COND, asset_field: 'owner' }),
      problems: [`condition.asset_field: "owner" is not allowed; ${FIELD_LIST}`],
    },
    {
      name: 'unknown scope',
      input: base({ ...TAG_COND, asset_scope: 'vaults' }),
      problems: ['condition.asset_scope: "vaults" is not allowed; use one of secrets, certificates, keys'],
    },
    {
      name: 'operator the field does not take',
      input: base({ ...TAG_COND, operator: 'greater_than' }),
      problems: [
        'condition.operator: "greater_than" does not apply to tag_present; it takes exists, equals, not_exists, not_equals',
      ],
    },
    {
      name: 'number given as a string',
      input: base({
        operator: 'less_than',
        asset_field: 'expires_within_days',
        asset_scope: 'secrets',
        value: '30',
      }),
      problems: ['condition.value: expires_within_days with less_than needs a number (got string "30")'],
    },
    {
      name: 'number missing',
      input: base({ operator: 'greater_than', asset_field: 'expires_within_days', asset_scope: 'secrets' }),
      problems: ['condition.value: expires_within_days with greater_than needs a number (got nothing)'],
    },
    {
      name: 'number not finite',
      input: base({
        operator: 'less_than',
        asset_field: 'expires_within_days',
        asset_scope: 'secrets',
        value: Number.POSITIVE_INFINITY,
      }),
      problems: ['condition.value: expires_within_days with less_than needs a number (got number Infinity)'],
    },
    {
      name: 'a value where the operator takes none',
      input: base({
        operator: 'exists',
        asset_field: 'expires_within_days',
        asset_scope: 'secrets',
        value: 30,
      }),
      problems: [
        'condition.value: expires_within_days with exists takes no value; omit it or use null (got number 30)',
      ],
    },
    {
      name: 'boolean given as a string',
      input: base({ operator: 'equals', asset_field: 'enabled', asset_scope: 'keys', value: 'true' }),
      problems: ['condition.value: enabled with equals needs true or false (got string "true")'],
    },
    {
      name: 'tag with an empty key',
      input: base({ ...TAG_COND, value: '=production' }),
      problems: [
        'condition.value: tag_present with not_exists needs a string "key" or "key=value" with a non-empty key (got string "=production")',
      ],
    },
    {
      name: 'empty tag',
      input: base({ ...TAG_COND, value: '' }),
      problems: [
        'condition.value: tag_present with not_exists needs a string "key" or "key=value" with a non-empty key (got string "")',
      ],
    },
    {
      name: 'empty substring',
      input: base({ operator: 'equals', asset_field: 'name_contains', asset_scope: 'secrets', value: '' }),
      problems: ['condition.value: name_contains with equals needs a non-empty string (got string "")'],
    },
    {
      name: 'vault name an object',
      input: base({
        operator: 'equals',
        asset_field: 'vault_name',
        asset_scope: 'secrets',
        value: { $ne: 1 },
      }),
      problems: ['condition.value: vault_name with equals needs a non-empty string (got an object)'],
    },
    {
      name: 'asset type null with equals',
      input: base({ operator: 'equals', asset_field: 'asset_type', asset_scope: 'keys', value: null }),
      problems: ['condition.value: asset_type with equals needs a non-empty string (got null)'],
    },
    {
      name: 'unknown condition keys',
      input: base({ ...TAG_COND, extra: true, expression: 'x > 1' }),
      problems: [
        `condition.extra: unknown key; a condition has exactly ${COND_KEYS}`,
        `condition.expression: unknown key; a condition has exactly ${COND_KEYS}`,
      ],
    },
    {
      name: 'a field whose value kind is fixed is still checked when the operator is wrong',
      input: base({ operator: 'matches', asset_field: 'enabled', asset_scope: 'secrets', value: 'yes' }),
      problems: [
        `condition.operator: "matches" is not allowed; ${OPERATOR_LIST}`,
        'condition.value: enabled needs true or false (got string "yes")',
      ],
    },
    {
      name: 'long and hostile strings are clipped and escaped in problems',
      input: base({ ...TAG_COND, operator: `${'x'.repeat(70)}\n` }, { 'a\nb': 1 }),
      problems: [
        `condition.operator: "${'x'.repeat(60)}…" is not allowed; ${OPERATOR_LIST}`,
        `["a\\nb"]: unknown key; a custom rule has only ${RULE_KEYS}`,
      ],
    },
    {
      name: 'every problem at once, in a stable order',
      input: {
        id: 'bad id',
        name: '',
        description: 5,
        severity: 'Urgent',
        weight: 0,
        enabled: 'no',
        condition: {
          operator: 'greater_than',
          asset_field: 'tag_present',
          asset_scope: 'vaults',
          value: 3,
          script: 'rm -rf /',
        },
        owner: 'me',
      },
      problems: [
        `id: "bad id" is not ${ID_RULE}`,
        'name: must not be blank; use a string of 1–120 characters',
        'description: must be a string of at most 2,000 characters (got number 5)',
        'severity: "Urgent" is not allowed; use one of Critical, High, Medium, Low',
        'weight: must be an integer from 1 to 30 (got number 0)',
        'enabled: must be true or false (got string "no")',
        'condition.asset_scope: "vaults" is not allowed; use one of secrets, certificates, keys',
        'condition.operator: "greater_than" does not apply to tag_present; it takes exists, equals, not_exists, not_equals',
        'condition.value: tag_present needs a string "key" or "key=value" with a non-empty key (got number 3)',
        `condition.script: unknown key; a condition has exactly ${COND_KEYS}`,
        `owner: unknown key; a custom rule has only ${RULE_KEYS}`,
      ],
    },
  ];
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(problemsOf(row.input), row.problems));
  }
});

describe('validateCustomRule: the operator × field × scope whitelist', () => {
  it('exports the matrix of rules.md', () => {
    assert.deepEqual(CUSTOM_FIELD_OPERATORS, ALLOWED);
  });

  it('accepts exactly the allowed pairs, for every scope, and names the allowed ones otherwise', () => {
    let accepted = 0;
    let refused = 0;
    for (const field of CUSTOM_FIELDS) {
      for (const operator of CUSTOM_OPERATORS) {
        for (const scope of CUSTOM_SCOPES) {
          const allowed = ALLOWED[field].includes(operator);
          // A value of the right kind for the field, so the operator is the only possible problem.
          const kind = allowed ? kindOf(field, operator) : kindOf(field, 'equals');
          const condition = {
            operator,
            asset_field: field,
            asset_scope: scope,
            value: kind === 'none' ? null : SAMPLE[kind],
          };
          const r = validateCustomRule(base(condition), opts);
          if (allowed) {
            assert.equal(r.ok, true, `${field} ${operator} ${scope} should be accepted`);
            accepted++;
          } else {
            assert.deepEqual(r.ok ? [] : r.problems, [
              `condition.operator: "${operator}" does not apply to ${field}; it takes ${ALLOWED[field].join(', ')}`,
            ]);
            refused++;
          }
        }
      }
    }
    assert.equal(accepted, 22 * 3);
    assert.equal(refused, (36 - 22) * 3);
  });

  it('accepts exactly the values of the right kind for every allowed pair', () => {
    const candidates: { label: string; v: unknown; omit?: boolean }[] = [
      { label: 'omitted', v: undefined, omit: true },
      { label: 'null', v: null },
      { label: 'number', v: 30 },
      { label: 'negative fraction', v: -0.5 },
      { label: 'NaN', v: Number.NaN },
      { label: 'true', v: true },
      { label: 'false', v: false },
      { label: 'string', v: 'env' },
      { label: 'numeric string', v: '30' },
      { label: 'empty string', v: '' },
      { label: 'key=value', v: 'env=prod' },
      { label: 'empty key', v: '=prod' },
      { label: 'array', v: ['env'] },
      { label: 'object', v: { env: 'prod' } },
    ];
    const fits = (kind: Kind, v: unknown): boolean => {
      switch (kind) {
        case 'none':
          return v === undefined || v === null;
        case 'number':
          return typeof v === 'number' && Number.isFinite(v);
        case 'boolean':
          return typeof v === 'boolean';
        case 'string':
          return typeof v === 'string' && v !== '';
        case 'tag':
          return typeof v === 'string' && v !== '' && !v.startsWith('=');
      }
    };
    for (const field of CUSTOM_FIELDS) {
      for (const operator of ALLOWED[field]) {
        const kind = kindOf(field, operator);
        for (const c of candidates) {
          const condition: Record<string, unknown> = { operator, asset_field: field, asset_scope: 'secrets' };
          if (!c.omit) condition.value = c.v;
          const r = validateCustomRule(base(condition), opts);
          const label = `${field} ${operator} ${c.label}`;
          if (fits(kind, c.v)) {
            assert.equal(r.ok, true, `${label} should be accepted`);
            continue;
          }
          if (r.ok) assert.fail(`${label} should be refused`);
          assert.equal(r.problems.length, 1, `${label} should give one problem`);
          const problem = r.problems[0]!;
          if (kind === 'none') {
            assert.match(
              problem,
              new RegExp(
                `^condition\\.value: ${field} with ${operator} takes no value; omit it or use null \\(got `,
              ),
            );
          } else {
            assert.ok(
              problem.startsWith(`condition.value: ${field} with ${operator} needs ${NEEDS[kind]} (got `),
              `${label}: ${problem}`,
            );
          }
        }
      }
    }
  });

  it('is pure: the same input gives the same answer and is not modified', () => {
    const input = base({ ...TAG_COND, operator: 'matches' }, { weight: 99 });
    const copy = structuredClone(input);
    assert.deepEqual(validateCustomRule(input, opts), validateCustomRule(input, opts));
    assert.deepEqual(input, copy);
  });
});

// ---------------------------------------------------------------------------------------------
// Evaluation

function def(condition: CustomCondition, over: Partial<CustomRuleDef> = {}): CustomRuleDef {
  return {
    id: 'CUSTOM-1',
    name: 'Custom',
    description: '',
    severity: 'Medium',
    weight: 8,
    enabled: true,
    condition,
    ...over,
  };
}

function cond(
  asset_scope: CustomScope,
  asset_field: CustomField,
  operator: CustomOperator,
  value: CustomCondition['value'] = null,
): CustomCondition {
  return { operator, asset_field, asset_scope, value };
}

interface CustomCase extends RuleCase {
  condition: CustomCondition;
}

const s = (name: string) => assetUrl('secrets', 'kv-test', name);
const k = (name: string) => assetUrl('keys', 'kv-test', name);
const c = (name: string) => assetUrl('certificates', 'kv-test', name);

/** Secrets that differ only in their expiry, in days from NOW (null: none). */
function expiring(...days: (number | null)[]): Inventory {
  return inventory({
    secrets: days.map((d) =>
      secret(d === null ? 'none' : `d${d}`, { expires: d === null ? null : daysFromNow(d) }),
    ),
  });
}
const d = (days: number | null) => s(days === null ? 'none' : `d${days}`);

function tagged(...tags: Record<string, string>[]): Inventory {
  return inventory({ secrets: tags.map((t, i) => secret(`t${i}`, { tags: t })) });
}
const t = (...i: number[]) => i.map((n) => s(`t${n}`));

const CASES: CustomCase[] = [
  // expires_within_days
  {
    name: 'less_than 30: 29.9 days and expired are selected; exactly 30, 60 and no expiry are not',
    condition: cond('secrets', 'expires_within_days', 'less_than', 30),
    inventory: expiring(29.9, 30, -1, null, 60),
    expect: { status: 'fail', failing: [d(29.9), d(-1)], evaluated: 5 },
  },
  {
    name: 'less_than 0 selects expired assets only; expiring exactly now is 0 days, not < 0',
    condition: cond('secrets', 'expires_within_days', 'less_than', 0),
    inventory: expiring(-0.001, 0, 1, null),
    expect: { status: 'fail', failing: [d(-0.001)], evaluated: 4 },
  },
  {
    name: 'greater_than 30: more than 30 days only',
    condition: cond('secrets', 'expires_within_days', 'greater_than', 30),
    inventory: expiring(30, 30.01, 365, -400, null),
    expect: { status: 'fail', failing: [d(30.01), d(365)], evaluated: 5 },
  },
  {
    name: 'equals 30 compares whole days: 30 and 30.5 match, 29.99 and 31 do not, nor no expiry',
    condition: cond('secrets', 'expires_within_days', 'equals', 30),
    inventory: expiring(30.5, 30, 29.99, 31, null),
    expect: { status: 'fail', failing: [d(30.5), d(30)], evaluated: 5 },
  },
  {
    name: 'equals -1: expired within the last day (floor of a negative fraction)',
    condition: cond('secrets', 'expires_within_days', 'equals', -1),
    inventory: expiring(-0.5, 0.5, -1.5),
    expect: { status: 'fail', failing: [d(-0.5)], evaluated: 3 },
  },
  {
    name: 'not_equals 30: any other whole-day count; no expiry never matches',
    condition: cond('secrets', 'expires_within_days', 'not_equals', 30),
    inventory: expiring(30.5, 29, 31, null),
    expect: { status: 'fail', failing: [d(29), d(31)], evaluated: 4 },
  },
  {
    name: 'exists selects assets with an expiry date',
    condition: cond('secrets', 'expires_within_days', 'exists'),
    inventory: expiring(10, null, -3),
    expect: { status: 'fail', failing: [d(10), d(-3)], evaluated: 3 },
  },
  {
    name: 'not_exists selects assets without an expiry date',
    condition: cond('secrets', 'expires_within_days', 'not_exists'),
    inventory: expiring(10, null, -3),
    expect: { status: 'fail', failing: [d(null)], evaluated: 3 },
  },
  {
    name: 'not_exists passes when every asset has an expiry',
    condition: cond('secrets', 'expires_within_days', 'not_exists'),
    inventory: expiring(10, -3),
    expect: { status: 'pass', failing: [], evaluated: 2 },
  },
  {
    name: 'the evaluation time is the one given',
    condition: cond('secrets', 'expires_within_days', 'less_than', 30),
    inventory: expiring(40, 50),
    now: NOW + 15 * 86_400_000,
    expect: { status: 'fail', failing: [d(40)], evaluated: 2 },
  },

  // tag_present
  {
    name: 'tag key only: present in any case of the key',
    condition: cond('secrets', 'tag_present', 'exists', 'env'),
    inventory: tagged({ env: 'x' }, { ENV: 'y' }, { other: 'env' }, {}),
    expect: { status: 'fail', failing: t(0, 1), evaluated: 4 },
  },
  {
    name: 'tag key=value missing: key case-insensitive, value case-sensitive',
    condition: cond('secrets', 'tag_present', 'not_exists', 'env=production'),
    inventory: tagged(
      { env: 'production' },
      { Env: 'production' },
      { env: 'Production' },
      {},
      { env: 'dev' },
    ),
    expect: { status: 'fail', failing: t(2, 3, 4), evaluated: 5 },
  },
  {
    name: 'equals is exists: the key of the condition may be in any case',
    condition: cond('secrets', 'tag_present', 'equals', 'ENV=production'),
    inventory: tagged({ env: 'production' }, { env: 'prod' }),
    expect: { status: 'fail', failing: t(0), evaluated: 2 },
  },
  {
    name: 'not_equals is not_exists for a key',
    condition: cond('secrets', 'tag_present', 'not_equals', 'owner'),
    inventory: tagged({ owner: 'a' }, { env: 'production' }, { Owner: '' }),
    expect: { status: 'fail', failing: t(1), evaluated: 3 },
  },
  {
    name: 'the tag splits at the first "=", so values may contain "="',
    condition: cond('secrets', 'tag_present', 'exists', 'url=a=b'),
    inventory: tagged({ url: 'a=b' }, { url: 'a' }, { 'url=a': 'b' }),
    expect: { status: 'fail', failing: t(0), evaluated: 3 },
  },
  {
    name: 'an empty tag value is a value',
    condition: cond('secrets', 'tag_present', 'exists', 'env='),
    inventory: tagged({ env: '' }, { env: 'x' }, {}),
    expect: { status: 'fail', failing: t(0), evaluated: 3 },
  },
  {
    name: 'inherited properties are not tags',
    condition: cond('secrets', 'tag_present', 'exists', 'constructor'),
    inventory: tagged({}, { constructor: 'x' }),
    expect: { status: 'fail', failing: t(1), evaluated: 2 },
  },

  // enabled (the population is enabled assets only)
  {
    name: 'enabled equals true selects every enabled asset',
    condition: cond('secrets', 'enabled', 'equals', true),
    inventory: inventory({ secrets: [secret('a'), secret('b', { enabled: false })] }),
    expect: { status: 'fail', failing: [s('a')], evaluated: 1 },
  },
  {
    name: 'enabled equals false can never select: disabled assets are outside the population',
    condition: cond('secrets', 'enabled', 'equals', false),
    inventory: inventory({ secrets: [secret('a'), secret('b', { enabled: false })] }),
    expect: { status: 'pass', failing: [], evaluated: 1 },
  },
  {
    name: 'enabled not_equals false selects every enabled asset',
    condition: cond('keys', 'enabled', 'not_equals', false),
    inventory: inventory({ keys: [key('a'), key('b', { enabled: false })] }),
    expect: { status: 'fail', failing: [k('a')], evaluated: 1 },
  },

  // name_contains
  {
    name: 'name_contains equals: case-insensitive substring',
    condition: cond('secrets', 'name_contains', 'equals', 'TMP'),
    inventory: inventory({
      secrets: [secret('db-tmp-1'), secret('TmpFile'), secret('password'), secret('t-m-p')],
    }),
    expect: { status: 'fail', failing: [s('db-tmp-1'), s('TmpFile')], evaluated: 4 },
  },
  {
    name: 'name_contains not_exists: names without the substring',
    condition: cond('certificates', 'name_contains', 'not_exists', 'prod'),
    inventory: inventory({ certificates: [cert('api-prod'), cert('api-staging'), cert('PRODUCTION-web')] }),
    expect: { status: 'fail', failing: [c('api-staging')], evaluated: 3 },
  },
  {
    name: 'name_contains treats its value as text, not a pattern',
    condition: cond('secrets', 'name_contains', 'exists', '.*'),
    inventory: inventory({ secrets: [secret('anything'), secret('a.*b')] }),
    expect: { status: 'fail', failing: [s('a.*b')], evaluated: 2 },
  },

  // vault_name
  {
    name: 'vault_name equals: case-insensitive',
    condition: cond('secrets', 'vault_name', 'equals', 'KV-Prod'),
    inventory: inventory({
      secrets: [
        secret('a', { vault: 'kv-prod' }),
        secret('b', { vault: 'kv-dev' }),
        secret('c', { vault: 'KV-PROD' }),
      ],
    }),
    expect: {
      status: 'fail',
      failing: [assetUrl('secrets', 'kv-prod', 'a'), assetUrl('secrets', 'KV-PROD', 'c')],
      evaluated: 3,
    },
  },
  {
    name: 'vault_name not_equals: every other vault',
    condition: cond('keys', 'vault_name', 'not_equals', 'kv-prod'),
    inventory: inventory({ keys: [key('a', { vault: 'kv-prod' }), key('b', { vault: 'kv-prod-2' })] }),
    expect: { status: 'fail', failing: [assetUrl('keys', 'kv-prod-2', 'b')], evaluated: 2 },
  },

  // asset_type
  {
    name: 'secrets: asset_type is the content type, compared case-insensitively; null never equals',
    condition: cond('secrets', 'asset_type', 'equals', 'application/x-pkcs12'),
    inventory: inventory({
      secrets: [
        secret('a', { contentType: 'Application/X-PKCS12' }),
        secret('b', { contentType: 'text/plain' }),
        secret('c', { contentType: null }),
      ],
    }),
    expect: { status: 'fail', failing: [s('a')], evaluated: 3 },
  },
  {
    name: 'secrets: not_equals selects other types and unset ones',
    condition: cond('secrets', 'asset_type', 'not_equals', 'text/plain'),
    inventory: inventory({
      secrets: [
        secret('a', { contentType: 'TEXT/PLAIN' }),
        secret('b', { contentType: 'application/json' }),
        secret('c', { contentType: null }),
        secret('e', { contentType: '' }),
      ],
    }),
    expect: { status: 'fail', failing: [s('b'), s('c'), s('e')], evaluated: 4 },
  },
  {
    name: 'secrets: not_exists selects secrets without a content type (empty counts as none)',
    condition: cond('secrets', 'asset_type', 'not_exists'),
    inventory: inventory({
      secrets: [
        secret('a', { contentType: 'text/plain' }),
        secret('b', { contentType: null }),
        secret('e', { contentType: '' }),
      ],
    }),
    expect: { status: 'fail', failing: [s('b'), s('e')], evaluated: 3 },
  },
  {
    name: 'secrets: exists selects secrets with a content type',
    condition: cond('secrets', 'asset_type', 'exists'),
    inventory: inventory({
      secrets: [secret('a', { contentType: 'text/plain' }), secret('b', { contentType: null })],
    }),
    expect: { status: 'fail', failing: [s('a')], evaluated: 2 },
  },
  {
    name: 'keys: asset_type is the key type',
    condition: cond('keys', 'asset_type', 'equals', 'rsa-hsm'),
    inventory: inventory({
      keys: [key('a', { keyType: 'RSA-HSM' }), key('b', { keyType: 'RSA' }), key('c', { keyType: 'EC' })],
    }),
    expect: { status: 'fail', failing: [k('a')], evaluated: 3 },
  },
  {
    name: 'keys: not_equals RSA-HSM selects software keys',
    condition: cond('keys', 'asset_type', 'not_equals', 'RSA-HSM'),
    inventory: inventory({ keys: [key('a', { keyType: 'RSA-HSM' }), key('b', { keyType: 'RSA' })] }),
    expect: { status: 'fail', failing: [k('b')], evaluated: 2 },
  },
  {
    name: 'certificates: asset_type is the key type; unknown type is not_exists',
    condition: cond('certificates', 'asset_type', 'not_exists'),
    inventory: inventory({ certificates: [cert('a'), cert('b', { keyType: null })] }),
    expect: { status: 'fail', failing: [c('b')], evaluated: 2 },
  },
  {
    name: 'certificates: equals EC; an unknown type never equals',
    condition: cond('certificates', 'asset_type', 'equals', 'ec'),
    inventory: inventory({
      certificates: [cert('a', { keyType: 'EC', curve: 'P-256' }), cert('b'), cert('n', { keyType: null })],
    }),
    expect: { status: 'fail', failing: [c('a')], evaluated: 3 },
  },

  // population
  {
    name: 'managed secrets are ignored (they back certificates)',
    condition: cond('secrets', 'expires_within_days', 'not_exists'),
    inventory: inventory({
      secrets: [secret('m', { managed: true, expires: null }), secret('u', { expires: null }), secret('ok')],
    }),
    expect: { status: 'fail', failing: [s('u')], evaluated: 2 },
  },
  {
    name: 'managed keys are ignored',
    condition: cond('keys', 'expires_within_days', 'not_exists'),
    inventory: inventory({ keys: [key('m', { managed: true, expires: null }), key('u', { expires: null })] }),
    expect: { status: 'fail', failing: [k('u')], evaluated: 1 },
  },
  {
    name: 'disabled assets are ignored',
    condition: cond('certificates', 'expires_within_days', 'less_than', 30),
    inventory: inventory({
      certificates: [
        cert('off', { enabled: false, expires: daysFromNow(1) }),
        cert('on', { expires: daysFromNow(2) }),
      ],
    }),
    expect: { status: 'fail', failing: [c('on')], evaluated: 1 },
  },
  {
    name: 'empty scope: not_applicable',
    condition: cond('keys', 'tag_present', 'not_exists', 'env'),
    inventory: inventory({ secrets: [secret('a', { tags: {} })] }),
    expect: { status: 'not_applicable', failing: [], evaluated: 0 },
  },
  {
    name: 'only disabled or managed assets: not_applicable',
    condition: cond('secrets', 'tag_present', 'not_exists', 'env'),
    inventory: inventory({
      secrets: [secret('a', { enabled: false, tags: {} }), secret('b', { managed: true, tags: {} })],
    }),
    expect: { status: 'not_applicable', failing: [], evaluated: 0 },
  },
  {
    name: 'each scope reads only its own section, failing ids in inventory order',
    condition: cond('certificates', 'name_contains', 'equals', 'x'),
    inventory: inventory({
      secrets: [secret('x1')],
      keys: [key('x2')],
      certificates: [cert('x3'), cert('y'), cert('x0')],
    }),
    expect: { status: 'fail', failing: [c('x3'), c('x0')], evaluated: 3 },
  },
  {
    name: 'keys scope',
    condition: cond('keys', 'name_contains', 'equals', 'x'),
    inventory: inventory({
      secrets: [secret('x1')],
      keys: [key('x2'), key('y')],
      certificates: [cert('x3')],
    }),
    expect: { status: 'fail', failing: [k('x2')], evaluated: 2 },
  },
  {
    name: 'secrets scope, passing',
    condition: cond('secrets', 'name_contains', 'equals', 'x'),
    inventory: inventory({ secrets: [secret('y')], keys: [key('x2')], certificates: [cert('x3')] }),
    expect: { status: 'pass', failing: [], evaluated: 1 },
  },
];

describe('compileCustomRule: evaluation', () => {
  for (const row of CASES) {
    it(row.name, () => {
      // The condition goes through validation first, as a stored rule would have.
      const rule = compileCustomRule(valueOf(base(row.condition)));
      const out = rule.evaluate(row.inventory, row.now ?? NOW);
      assert.equal(out.status, row.expect.status);
      assert.deepEqual(out.failing, row.expect.failing ?? []);
      if (row.expect.evaluated !== undefined) assert.equal(out.evaluated, row.expect.evaluated);
      assert.equal(out.metric, null);
    });
  }

  it('is pure: evaluating twice gives the same outcome and leaves the inventory untouched', () => {
    const inv = expiring(29.9, 30, -1, null);
    const copy = structuredClone(inv);
    const rule = compileCustomRule(def(cond('secrets', 'expires_within_days', 'less_than', 30)));
    assert.deepEqual(rule.evaluate(inv, NOW), rule.evaluate(inv, NOW));
    assert.deepEqual(inv, copy);
  });
});

describe('compileCustomRule: metadata', () => {
  it('carries the definition and is a custom rule with no optional inputs', () => {
    const rule = compileCustomRule(
      def(cond('secrets', 'tag_present', 'not_exists', 'env=production'), {
        id: 'TAG-ENV',
        name: 'Secrets carry env=production',
        description: 'Production secrets must say so.',
        severity: 'High',
        weight: 12,
      }),
    );
    assert.deepEqual(rule.meta, {
      id: 'TAG-ENV',
      name: 'Secrets carry env=production',
      description: 'Production secrets must say so.',
      severity: 'High',
      weight: 12,
      class: 'custom',
      category: 'custom',
      remediation: 'Add the tag env=production to each listed secret.',
      needs: [],
    });
  });

  it('describes the condition when the rule has no description', () => {
    const rule = compileCustomRule(def(cond('keys', 'expires_within_days', 'not_exists')));
    assert.equal(rule.meta.description, 'Custom rule: flags keys that have no expiry date.');
    assert.equal(
      rule.meta.remediation,
      'Set an expiry date on each listed key, in line with your rotation policy.',
    );
  });

  it('refuses to compile a condition that validation would refuse', () => {
    const bad = def({
      operator: 'greater_than',
      asset_field: 'tag_present',
      asset_scope: 'secrets',
      value: 3,
    });
    assert.throws(
      () => compileCustomRule(bad),
      (e: unknown) =>
        e instanceof CertifyError &&
        e.code === 'INVALID_CUSTOM_RULE' &&
        e.problems.includes(
          'condition.operator: "greater_than" does not apply to tag_present; it takes exists, equals, not_exists, not_equals',
        ),
    );
  });

  it('gives every allowed pair, in every scope, a description and a remediation in plain words', () => {
    for (const field of CUSTOM_FIELDS) {
      for (const operator of ALLOWED[field]) {
        for (const scope of CUSTOM_SCOPES) {
          const kind = kindOf(field, operator);
          const condition = cond(scope, field, operator, kind === 'none' ? null : SAMPLE[kind]);
          const rule = compileCustomRule(def(condition));
          const text = describeCondition(condition);
          assert.ok(text.startsWith(`${scope} `), text);
          assert.doesNotMatch(text, /undefined|null|_/, text);
          assert.match(rule.meta.remediation, /^[A-Z].*\.$/, rule.meta.remediation);
          assert.doesNotMatch(rule.meta.remediation, /undefined|null/, rule.meta.remediation);
        }
      }
    }
  });
});

describe('describeCondition', () => {
  const rows: [CustomCondition, string][] = [
    [
      cond('secrets', 'tag_present', 'not_exists', 'env=production'),
      'secrets whose tag env=production is missing',
    ],
    [cond('keys', 'tag_present', 'exists', 'owner'), 'keys whose tag owner is present'],
    [
      cond('certificates', 'expires_within_days', 'less_than', 30),
      'certificates with less than 30 days left before they expire (expired ones included)',
    ],
    [
      cond('secrets', 'expires_within_days', 'greater_than', 1),
      'secrets with more than 1 day left before they expire',
    ],
    [
      cond('secrets', 'expires_within_days', 'equals', 30),
      'secrets with exactly 30 days left before they expire (whole days)',
    ],
    [cond('secrets', 'expires_within_days', 'not_exists'), 'secrets that have no expiry date'],
    [cond('secrets', 'enabled', 'equals', true), 'secrets that are enabled'],
    [cond('secrets', 'enabled', 'not_equals', true), 'secrets that are disabled'],
    [cond('secrets', 'name_contains', 'equals', 'tmp'), 'secrets whose name contains "tmp" (ignoring case)'],
    [
      cond('keys', 'name_contains', 'not_equals', 'prod'),
      'keys whose name does not contain "prod" (ignoring case)',
    ],
    [cond('secrets', 'vault_name', 'equals', 'kv-prod'), 'secrets in vault kv-prod'],
    [cond('secrets', 'vault_name', 'not_equals', 'kv-prod'), 'secrets outside vault kv-prod'],
    [cond('secrets', 'asset_type', 'equals', 'text/plain'), 'secrets whose content type is text/plain'],
    [
      cond('keys', 'asset_type', 'not_equals', 'RSA-HSM'),
      'keys whose key type is not RSA-HSM (or is not set)',
    ],
    [cond('certificates', 'asset_type', 'not_exists'), 'certificates that have no key type'],
  ];
  for (const [condition, text] of rows) {
    it(text, () => assert.equal(describeCondition(condition), text));
  }
});
