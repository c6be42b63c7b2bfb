import { test } from 'vitest';
import assert from 'node:assert/strict';
import { CertifyError } from '../../base/errors.js';
import {
  CHAR_CLASSES,
  DEFAULT_PRESET_ID,
  FORBIDDEN_SYMBOLS,
  classAlphabets,
  findPreset,
  generateCredential,
  listPresets,
  presetEntropyBits,
  presetProblems,
  requiredClasses,
  type Preset,
} from '../../provenance/index.js';

const presets = listPresets();

test('the preset ids are exactly the documented ones, the default first', () => {
  assert.deepEqual(
    presets.map((p) => p.id),
    ['strict', 'nist', 'pci', 'hipaa', 'soc2', 'iso27001', 'fips'],
  );
  assert.equal(DEFAULT_PRESET_ID, 'strict');
});

test('every preset is sound, cited and versioned', () => {
  for (const p of presets) {
    assert.deepEqual(presetProblems(p), [], p.id);
    assert.match(p.version, /^\d{4}\.\d+$/, p.id);
    assert.ok(p.name.length > 0 && p.summary.length > 0, p.id);
    assert.ok(p.requirements.length >= 3, p.id);
    for (const r of p.requirements)
      assert.match(r, /\([^)]*(§|Req\.|CC6\.1|Annex|SP 800|FIPS|policy|P00)/, `${p.id}: ${r}`);
    assert.ok(p.sources.length >= 1, p.id);
    for (const s of p.sources) {
      assert.ok(s.title.length > 0, p.id);
      assert.match(s.ref, /^https:\/\//, p.id);
    }
    for (const ch of FORBIDDEN_SYMBOLS) assert.ok(!p.symbols.includes(ch), `${p.id} contains ${ch}`);
    assert.ok(presetEntropyBits(p) >= p.minEntropyBits, p.id);
    assert.ok(
      p.maxLifetimeDays > 0 && p.maxLifetimeDays <= 90,
      `${p.id}: Certify's P008 flags secrets older than 90 days`,
    );
  }
});

test('strict is at least as strong as every other preset', () => {
  const strict = findPreset('strict');
  for (const p of presets) {
    assert.ok(strict.length >= p.length, p.id);
    assert.ok(strict.minEntropyBits >= p.minEntropyBits, p.id);
    assert.ok(presetEntropyBits(strict) >= presetEntropyBits(p), p.id);
    assert.ok(strict.maxLifetimeDays <= p.maxLifetimeDays, p.id);
    for (const c of CHAR_CLASSES) if (p.classes[c]) assert.ok(strict.classes[c], `${p.id} requires ${c}`);
  }
});

test('presets encode what their standards state', () => {
  const pci = findPreset('pci');
  assert.ok(pci.length >= 12, 'PCI DSS 8.3.6: at least 12 characters');
  assert.ok(
    pci.classes.digits && (pci.classes.lower || pci.classes.upper),
    'PCI DSS 8.3.6: alphabetic and numeric',
  );
  assert.ok(
    pci.requirements.some((r) => r.includes('8.3.6')) && pci.requirements.some((r) => r.includes('8.6.3')),
  );

  const nist = findPreset('nist');
  assert.ok(nist.length >= 15, 'SP 800-63B-4: at least 15 characters for single-factor passwords');
  assert.deepEqual(requiredClasses(nist), [], 'SP 800-63B-4: no composition rules');

  const hipaa = findPreset('hipaa');
  assert.ok(hipaa.requirements.some((r) => r.includes('164.308(a)(5)(ii)(D)')));
  assert.ok(hipaa.requirements.some((r) => /HIPAA states no password length/.test(r)));

  assert.ok(findPreset('soc2').requirements.some((r) => r.includes('CC6.1')));
  assert.ok(findPreset('iso27001').requirements.some((r) => r.includes('5.17')));

  const fips = findPreset('fips');
  assert.ok(fips.minEntropyBits >= 112, 'SP 800-131A: at least 112 bits');
  assert.ok(fips.requirements.some((r) => r.includes('SP 800-90A') && r.includes('FIPS mode')));
});

test('every preset: generated credentials meet its length, classes, alphabet and entropy', () => {
  for (const p of presets) {
    const alphabets = classAlphabets(p);
    const alphabet = CHAR_CLASSES.map((c) => alphabets[c]).join('');
    for (let i = 0; i < 500; i++) {
      const g = generateCredential(p);
      assert.equal(g.value.length, p.length, p.id);
      assert.equal(g.length, p.length, p.id);
      assert.equal(g.alphabetSize, alphabet.length, p.id);
      assert.deepEqual(g.classes, requiredClasses(p), p.id);
      assert.ok(g.entropyBits >= p.minEntropyBits, p.id);
      for (const ch of g.value) assert.ok(alphabet.includes(ch), `${p.id}: ${ch}`);
      for (const c of g.classes)
        assert.ok(
          [...g.value].some((ch) => alphabets[c].includes(ch)),
          `${p.id} lacks ${c}`,
        );
    }
  }
});

test('findPreset is case-insensitive and suggests the nearest id', () => {
  assert.equal(findPreset('PCI').id, 'pci');
  assert.equal(findPreset('  Nist ').id, 'nist');
  assert.equal(findPreset('ISO27001').id, 'iso27001');
  assert.throws(
    () => findPreset('pcj'),
    (e: unknown) =>
      e instanceof CertifyError &&
      e.code === 'BAD_INPUT' &&
      e.exitCode === 2 &&
      e.message === 'unknown preset "pcj"' &&
      e.hint === 'Known presets: strict, nist, pci, hipaa, soc2, iso27001, fips; did you mean "pci"?',
  );
  assert.throws(
    () => findPreset('zzzzzzzzzzzz'),
    (e: unknown) =>
      e instanceof CertifyError && e.hint === 'Known presets: strict, nist, pci, hipaa, soc2, iso27001, fips',
  );
});

test('callers get copies: changing one does not change the table', () => {
  const p = findPreset('pci');
  p.length = 4;
  p.classes.symbols = true;
  p.requirements.push('x');
  listPresets()[0]!.sources.pop();
  assert.equal(findPreset('pci').length, 16);
  assert.equal(findPreset('pci').classes.symbols, false);
  assert.ok(!findPreset('pci').requirements.includes('x'));
  assert.ok(findPreset('strict').sources.length >= 1);
});

test('presetProblems names each misconfiguration', () => {
  const base = findPreset('pci');
  const bad: Preset = {
    ...base,
    symbols: '$$',
    length: 2,
    classes: { lower: true, upper: true, digits: true, symbols: true },
  };
  const problems = presetProblems(bad);
  assert.ok(problems.includes('preset pci: symbol "$" is not allowed'), problems.join('\n'));
  assert.ok(problems.includes('preset pci: symbol "$" appears twice'), problems.join('\n'));
  assert.ok(
    problems.includes('preset pci: 4 required classes do not fit in 2 characters'),
    problems.join('\n'),
  );
  assert.deepEqual(presetProblems({ ...base, symbols: 'a' }), [
    'preset pci: symbol "a" is not printable ASCII punctuation',
  ]);
  assert.deepEqual(presetProblems({ ...base, symbols: '', classes: { ...base.classes, symbols: true } }), [
    'preset pci: symbols are required but the set is empty',
  ]);
});
