/**
 * The checks of organisation parameters (rules.md, "Organisation parameters"): what each one
 * allows, and that every refusal names the parameter and what it allows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { DEFAULT_PARAMETERS, PARAMETER_NAMES } from '../../scanner/rules/parameters.js';
import {
  applyParameterChanges,
  effectiveParameters,
  nonDefaultLine,
  parameterLines,
  parseAssignments,
  PARAMETER_SPECS,
  resetParameters,
  storedValuesProblems,
} from '../../scanner/rules/parameters-check.js';

describe('applyParameterChanges: valid values', () => {
  const valid: [string, [string, unknown][], Partial<typeof DEFAULT_PARAMETERS>][] = [
    [
      'expiringSoonDays at its lower bound above critical',
      [['expiringSoonDays', 8]],
      { expiringSoonDays: 8 },
    ],
    ['expiringSoonDays at its upper bound', [['expiringSoonDays', 365]], { expiringSoonDays: 365 }],
    ['expiringCriticalDays at 1', [['expiringCriticalDays', 1]], { expiringCriticalDays: 1 }],
    [
      'expiringCriticalDays at 90 with expiringSoonDays above it',
      [
        ['expiringSoonDays', 91],
        ['expiringCriticalDays', 90],
      ],
      { expiringSoonDays: 91, expiringCriticalDays: 90 },
    ],
    ['secretMaxAgeDays 1', [['secretMaxAgeDays', 1]], { secretMaxAgeDays: 1 }],
    ['secretMaxAgeDays 3650', [['secretMaxAgeDays', 3650]], { secretMaxAgeDays: 3650 }],
    [
      'certificateMaxValidityMonths 1',
      [['certificateMaxValidityMonths', 1]],
      { certificateMaxValidityMonths: 1 },
    ],
    [
      'certificateMaxValidityMonths 120',
      [['certificateMaxValidityMonths', 120]],
      { certificateMaxValidityMonths: 120 },
    ],
    ['keyMaxAgeDays 3650', [['keyMaxAgeDays', 3650]], { keyMaxAgeDays: 3650 }],
    ['a name in another case', [['KEYMAXAGEDAYS', 730]], { keyMaxAgeDays: 730 }],
    ['the default value sets nothing', [['expiringSoonDays', 30]], {}],
  ];
  for (const [name, changes, values] of valid) {
    it(name, () => {
      const out = applyParameterChanges({}, changes);
      assert.ok(out.ok, out.ok ? '' : out.problems.join('\n'));
      assert.deepEqual(out.values, values);
      assert.deepEqual(out.effective, { ...DEFAULT_PARAMETERS, ...values });
    });
  }
});

describe('applyParameterChanges: refusals name the parameter and what it allows', () => {
  const invalid: [string, [string, unknown][], RegExp][] = [
    [
      'zero',
      [['expiringSoonDays', 0]],
      /^expiringSoonDays: must be a whole number of days from 1 to 365, got 0$/,
    ],
    ['above the range', [['expiringSoonDays', 366]], /^expiringSoonDays: .*from 1 to 365, got 366$/],
    [
      'negative',
      [['keyMaxAgeDays', -1]],
      /^keyMaxAgeDays: must be a whole number of days from 1 to 3650, got -1$/,
    ],
    ['a fraction', [['secretMaxAgeDays', 4.5]], /^secretMaxAgeDays: .*from 1 to 3650, got 4\.5$/],
    ['text', [['secretMaxAgeDays', 'ninety']], /^secretMaxAgeDays: .*, got "ninety"$/],
    ['a numeric string is not a number', [['keyMaxAgeDays', '365']], /^keyMaxAgeDays: .*, got "365"$/],
    [
      'no value',
      [['expiringCriticalDays', undefined]],
      /^expiringCriticalDays: .*from 1 to 90, got no value/,
    ],
    ['null', [['expiringCriticalDays', null]], /^expiringCriticalDays: .*, got null$/],
    ['critical above 90', [['expiringCriticalDays', 91]], /^expiringCriticalDays: .*from 1 to 90, got 91$/],
    [
      'months above 120',
      [['certificateMaxValidityMonths', 121]],
      /^certificateMaxValidityMonths: must be a whole number of months from 1 to 120, got 121$/,
    ],
    [
      'critical not below soon',
      [['expiringCriticalDays', 30]],
      /^expiringCriticalDays: must be less than expiringSoonDays, got 30 with expiringSoonDays 30/,
    ],
    [
      'soon lowered below critical',
      [['expiringSoonDays', 5]],
      /^expiringCriticalDays: must be less than expiringSoonDays, got 7 with expiringSoonDays 5/,
    ],
    [
      'an unknown name, with the closest and the list',
      [['expiringSoonDay', 45]],
      /^expiringSoonDay: not an organisation parameter \(did you mean expiringSoonDays\?\); the parameters are expiringSoonDays, expiringCriticalDays, secretMaxAgeDays, certificateMaxValidityMonths, keyMaxAgeDays$/,
    ],
    ['an unrelated name', [['colour', 1]], /^colour: not an organisation parameter; the parameters are /],
    [
      'a name given twice',
      [
        ['keyMaxAgeDays', 400],
        ['keymaxagedays', 500],
      ],
      /^keyMaxAgeDays: given twice \(400 and 500\); give it once$/,
    ],
    ['nothing to set', [], /^name at least one parameter to set: expiringSoonDays, /],
  ];
  for (const [name, changes, message] of invalid) {
    it(name, () => {
      const out = applyParameterChanges({}, changes);
      assert.equal(out.ok, false);
      assert.ok(!out.ok);
      assert.equal(out.problems.length, 1, out.problems.join('\n'));
      assert.match(out.problems[0]!, message);
    });
  }

  it('names every problem at once, and changes nothing', () => {
    const out = applyParameterChanges({ keyMaxAgeDays: 400 }, [
      ['expiringSoonDays', 0],
      ['nope', 3],
      ['secretMaxAgeDays', 'x'],
      ['keyMaxAgeDays', 800],
    ]);
    assert.ok(!out.ok);
    assert.deepEqual(
      out.problems.map((p) => p.split(':')[0]),
      ['expiringSoonDays', 'nope', 'secretMaxAgeDays'],
    );
  });

  it('every parameter has bounds a refusal states', () => {
    for (const name of PARAMETER_NAMES) {
      const s = PARAMETER_SPECS[name];
      const low = applyParameterChanges({}, [[name, s.min - 1]]);
      assert.ok(!low.ok);
      assert.match(low.problems[0]!, new RegExp(`^${name}: .* from ${s.min} to ${s.max}`));
      assert.ok(s.min <= DEFAULT_PARAMETERS[name] && DEFAULT_PARAMETERS[name] <= s.max, name);
    }
  });
});

describe('resetParameters', () => {
  it('removes the names given, or every one', () => {
    const values = { expiringSoonDays: 45, keyMaxAgeDays: 730 };
    const one = resetParameters(values, ['keymaxagedays']);
    assert.ok(one.ok);
    assert.deepEqual(one.values, { expiringSoonDays: 45 });
    const all = resetParameters(values, []);
    assert.ok(all.ok);
    assert.deepEqual(all.values, {});
    assert.deepEqual(all.effective, DEFAULT_PARAMETERS);
  });

  it('refuses an unknown name, and a reset that leaves critical not below soon', () => {
    const unknown = resetParameters({}, ['expiring']);
    assert.ok(!unknown.ok);
    assert.match(unknown.problems[0]!, /^expiring: not an organisation parameter/);
    const inconsistent = resetParameters({ expiringSoonDays: 120, expiringCriticalDays: 60 }, [
      'expiringSoonDays',
    ]);
    assert.ok(!inconsistent.ok);
    assert.match(inconsistent.problems[0]!, /^expiringCriticalDays: must be less than expiringSoonDays/);
  });
});

describe('a stored parameters file', () => {
  it('is checked like a change, each problem named', () => {
    assert.deepEqual(storedValuesProblems({}), []);
    assert.deepEqual(storedValuesProblems({ expiringSoonDays: 45 }), []);
    assert.deepEqual(storedValuesProblems({ expiringSoonDays: 30 }), []);
    assert.match(
      storedValuesProblems({ ExpiringSoonDays: 45 })[0]!,
      /^ExpiringSoonDays: not an organisation parameter/,
    );
    assert.match(
      storedValuesProblems({ keyMaxAgeDays: '365' })[0]!,
      /^keyMaxAgeDays: must be a whole number/,
    );
    assert.match(
      storedValuesProblems({ expiringCriticalDays: 40 })[0]!,
      /^expiringCriticalDays: must be less/,
    );
    assert.match(storedValuesProblems([])[0]!, /must be an object/);
  });
});

describe('parseAssignments', () => {
  it('reads NAME=VALUE words, tolerating spaces around =, numbers as numbers', () => {
    assert.deepEqual(parseAssignments('expiringSoonDays=45  keyMaxAgeDays = 730 secretMaxAgeDays=4.5'), [
      ['expiringSoonDays', 45],
      ['keyMaxAgeDays', 730],
      ['secretMaxAgeDays', 4.5],
    ]);
    assert.deepEqual(parseAssignments('a=-3 b=ten c'), [
      ['a', -3],
      ['b', 'ten'],
      ['c', undefined],
    ]);
    assert.deepEqual(parseAssignments('   '), []);
  });
});

describe('wording', () => {
  it('names the non-default values, and nothing on the defaults', () => {
    assert.equal(nonDefaultLine(DEFAULT_PARAMETERS), null);
    assert.equal(
      nonDefaultLine(effectiveParameters({ expiringSoonDays: 45, certificateMaxValidityMonths: 1 })),
      'Organisation parameters: expiringSoonDays 45 days (default 30), certificateMaxValidityMonths 1 month (default 12)',
    );
  });

  it('states every value for a cover', () => {
    const lines = parameterLines(effectiveParameters({ expiringSoonDays: 45 }));
    assert.equal(lines.length, PARAMETER_NAMES.length);
    assert.equal(lines[0], 'expiringSoonDays = 45 days (default 30 days): P003, C003, K003');
    assert.equal(lines[1], 'expiringCriticalDays = 7 days (the default): P002, C002, K002');
  });
});
