import { test } from 'vitest';
import assert from 'node:assert/strict';
import { getFips, randomBytes, randomInt } from 'node:crypto';
import { CertifyError } from '../../base/errors.js';
import {
  CHAR_CLASSES,
  ENTROPY_SOURCE,
  classAlphabets,
  countValidStrings,
  entropyBitsFor,
  findPreset,
  fipsMode,
  generateCredential,
  log2BigInt,
  presetEntropyBits,
  requiredClasses,
  type CharClass,
  type Preset,
  type RandomSource,
} from '../../provenance/index.js';

// ---- statistics --------------------------------------------------------------------------

/** Inverse standard normal CDF (Acklam's rational approximation, relative error below 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const tail = (q: number): number =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Upper-tail critical value of χ²(df) at significance alpha (Wilson–Hilferty cube-root normal approximation). */
function chiSquareCritical(df: number, alpha: number): number {
  const z = normalQuantile(1 - alpha);
  const v = 2 / (9 * df);
  return df * (1 - v + z * Math.sqrt(v)) ** 3;
}

const ALPHA = 1e-4;

/** Pearson's statistic of `counts` against `probabilities` (same keys), with its degrees of freedom. */
function chiSquare(
  counts: Map<string, number>,
  probabilities: Map<string, number>,
): { stat: number; df: number } {
  const n = [...counts.values()].reduce((s, x) => s + x, 0);
  let stat = 0;
  for (const [ch, prob] of probabilities) {
    const expected = n * prob;
    const observed = counts.get(ch) ?? 0;
    stat += (observed - expected) ** 2 / expected;
  }
  for (const ch of counts.keys()) assert.ok(probabilities.has(ch), `unexpected character ${ch}`);
  return { stat, df: probabilities.size - 1 };
}

function rejectsAtAlpha(counts: Map<string, number>, probabilities: Map<string, number>): boolean {
  const { stat, df } = chiSquare(counts, probabilities);
  return stat > chiSquareCritical(df, ALPHA);
}

/**
 * The probability of each character at any one position when strings are uniform over the valid
 * set. It is NOT 1/alphabet: conditioning on "contains a digit" makes digits commoner than 10/82.
 * A character of class k fills a position in V(L−1, R∖{k}) of the V(L, R) valid strings.
 */
function exactCharProbabilities(preset: Preset): Map<string, number> {
  const alphabets = classAlphabets(preset);
  const sizes = Object.fromEntries(CHAR_CLASSES.map((c) => [c, alphabets[c].length]));
  const required = requiredClasses(preset);
  const log2All = log2BigInt(countValidStrings(preset.length, sizes, required));
  const probs = new Map<string, number>();
  for (const k of CHAR_CLASSES) {
    const rest = countValidStrings(
      preset.length - 1,
      sizes,
      required.filter((c) => c !== k),
    );
    const p = 2 ** (log2BigInt(rest) - log2All);
    for (const ch of alphabets[k]) probs.set(ch, p);
  }
  return probs;
}

function tally(values: string[], position?: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) {
    const chars = position === undefined ? [...v] : [v[position]!];
    for (const ch of chars) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  return counts;
}

const SAMPLE = 20_000;
const pci = findPreset('pci');
const pciProbabilities = exactCharProbabilities(pci);

/** The classic bug: a byte reduced modulo an alphabet size that does not divide 256. */
const moduloBiased: RandomSource = { randomInt: (max) => randomBytes(1)[0]! % max };

/** The other classic bug: draw freely, then force one character of each required class into the first positions. */
function naiveClassForcing(preset: Preset): string {
  const alphabets = classAlphabets(preset);
  const alphabet = CHAR_CLASSES.map((c) => alphabets[c]).join('');
  const chars = Array.from({ length: preset.length }, () => alphabet[randomInt(alphabet.length)]!);
  requiredClasses(preset).forEach((c, i) => (chars[i] = alphabets[c][randomInt(alphabets[c].length)]!));
  return chars.join('');
}

// ---- tests -------------------------------------------------------------------------------

test('the statistics helpers reproduce published values', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6);
  assert.ok(Math.abs(normalQuantile(1 - 1e-4) - 3.719016) < 1e-6);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  // Published χ² table values; Wilson–Hilferty is within 0.1% for these degrees of freedom.
  assert.ok(Math.abs(chiSquareCritical(10, 0.05) - 18.307) < 0.05);
  assert.ok(Math.abs(chiSquareCritical(100, 0.01) - 135.807) < 0.1);
  assert.ok(Math.abs(chiSquareCritical(80, 0.001) - 124.839) < 0.2);
  const total = [...pciProbabilities.values()].reduce((s, p) => s + p, 0);
  assert.ok(Math.abs(total - 1) < 1e-12, `per-position probabilities sum to ${total}`);
});

test('pci output fits the exact uniform-over-valid-strings distribution (χ², p > 1e-4)', () => {
  const values = Array.from({ length: SAMPLE }, () => generateCredential(pci).value);
  const all = chiSquare(tally(values), pciProbabilities);
  assert.ok(
    all.stat <= chiSquareCritical(all.df, ALPHA),
    `all positions: χ²=${all.stat.toFixed(1)} df=${all.df}`,
  );
  const first = chiSquare(tally(values, 0), pciProbabilities);
  assert.ok(first.stat <= chiSquareCritical(first.df, ALPHA), `first position: χ²=${first.stat.toFixed(1)}`);
  const last = chiSquare(tally(values, pci.length - 1), pciProbabilities);
  assert.ok(last.stat <= chiSquareCritical(last.df, ALPHA), `last position: χ²=${last.stat.toFixed(1)}`);
});

test('negative control: the same test detects a modulo-biased random source', () => {
  const alphabetSize = pciProbabilities.size;
  assert.notEqual(256 % alphabetSize, 0, 'the control needs an alphabet size that does not divide 256');
  const values = Array.from({ length: SAMPLE }, () => generateCredential(pci, moduloBiased).value);
  assert.ok(rejectsAtAlpha(tally(values), pciProbabilities), 'all positions');
  assert.ok(rejectsAtAlpha(tally(values, 0), pciProbabilities), 'first position');
});

test('negative control: the per-position test detects class forcing at fixed positions', () => {
  const values = Array.from({ length: SAMPLE }, () => naiveClassForcing(pci));
  assert.ok(rejectsAtAlpha(tally(values, 0), pciProbabilities), 'first position');
});

test('required classes are always present, length is exact, characters come from the alphabet', () => {
  for (const preset of [pci, findPreset('strict'), findPreset('soc2')]) {
    const alphabets = classAlphabets(preset);
    const alphabet = new Set(CHAR_CLASSES.map((c) => alphabets[c]).join(''));
    const required = requiredClasses(preset);
    for (let i = 0; i < 10_000; i++) {
      const { value } = generateCredential(preset);
      assert.equal(value.length, preset.length);
      const seen = new Set<CharClass>();
      for (const ch of value) {
        assert.ok(alphabet.has(ch), `${preset.id}: ${ch}`);
        seen.add(CHAR_CLASSES.find((c) => alphabets[c].includes(ch))!);
      }
      for (const c of required) assert.ok(seen.has(c), `${preset.id}: ${value} lacks ${c}`);
    }
  }
});

test('entropy of small cases, worked by hand', () => {
  // Length 2 over {a,b} ∪ {0,1}, both required: 4² = 16 strings, less 4 without a letter and 4
  // without a digit (none lacks both) = 8 strings = 3 bits: ab and 01 style strings are excluded.
  assert.equal(countValidStrings(2, { letters: 2, digits: 2 }, ['letters', 'digits']), 8n);
  assert.equal(entropyBitsFor(2, { letters: 2, digits: 2 }, ['letters', 'digits']), 3);
  // Length 3: 64 − 8 − 8 = 48.
  assert.equal(countValidStrings(3, { letters: 2, digits: 2 }, ['letters', 'digits']), 48n);
  assert.ok(
    Math.abs(entropyBitsFor(3, { letters: 2, digits: 2 }, ['letters', 'digits']) - Math.log2(48)) < 1e-12,
  );
  // Nothing required: plain length × log2(alphabet).
  assert.ok(Math.abs(entropyBitsFor(10, { a: 26, b: 26, c: 10 }, []) - 10 * Math.log2(62)) < 1e-9);
  // A required class that is not required twice counts once.
  assert.equal(countValidStrings(2, { x: 2, y: 2 }, ['x', 'x']), 12n);
  // More required classes than characters: no string qualifies.
  assert.equal(countValidStrings(1, { x: 2, y: 2 }, ['x', 'y']), 0n);
  assert.throws(() => entropyBitsFor(1, { x: 2, y: 2 }, ['x', 'y']), CertifyError);
  assert.throws(() => countValidStrings(2, { x: 2 }, ['z']), RangeError);
});

test('inclusion–exclusion agrees with brute-force enumeration', () => {
  const sizes = { a: 2, b: 3, c: 1 };
  const classOf = ['a', 'a', 'b', 'b', 'b', 'c'];
  for (const required of [[], ['a'], ['a', 'c'], ['a', 'b', 'c']]) {
    for (let length = 1; length <= 5; length++) {
      let count = 0;
      for (let n = 0; n < 6 ** length; n++) {
        const seen = new Set<string>();
        for (let i = 0, x = n; i < length; i++, x = Math.floor(x / 6)) seen.add(classOf[x % 6]!);
        if (required.every((c) => seen.has(c))) count++;
      }
      assert.equal(
        countValidStrings(length, sizes, required),
        BigInt(count),
        `${required.join('')} L=${length}`,
      );
    }
  }
});

test('preset entropy is exact, and below the naive length × log2(alphabet)', () => {
  const strict = findPreset('strict');
  const naive = 32 * Math.log2(82);
  const exact = presetEntropyBits(strict);
  assert.ok(exact < naive);
  // Independent float computation: log2(82^32 · P(all classes present)), via inclusion–exclusion on probabilities.
  const sizes = [26, 26, 10, 20];
  let p = 0;
  for (let mask = 0; mask < 16; mask++) {
    const excluded = sizes.reduce((s, n, i) => (mask & (1 << i) ? s + n : s), 0);
    const sign = (mask.toString(2).match(/1/g)?.length ?? 0) % 2 === 0 ? 1 : -1;
    p += sign * ((82 - excluded) / 82) ** 32;
  }
  assert.ok(Math.abs(exact - (naive + Math.log2(p))) < 1e-9);
  assert.equal(exact.toFixed(2), '203.42');
  assert.equal(presetEntropyBits(pci).toFixed(2), '101.52');
  assert.equal(generateCredential(pci).entropyBits, presetEntropyBits(pci));
});

test('a misconfigured preset is refused before anything is generated', () => {
  const tooWeak: Preset = { ...pci, minEntropyBits: 200 };
  assert.throws(
    () => generateCredential(tooWeak),
    (e: unknown) => e instanceof CertifyError && /yields 101\.52 bits, below its minimum 200/.test(e.message),
  );
  const impossible: Preset = { ...pci, length: 2, minEntropyBits: 1 };
  assert.throws(
    () => generateCredential(impossible),
    (e: unknown) =>
      e instanceof CertifyError &&
      e.problems.includes('preset pci: 3 required classes do not fit in 2 characters'),
  );
  const badSymbols: Preset = { ...pci, symbols: `${pci.symbols}'` };
  assert.throws(() => generateCredential(badSymbols), CertifyError);
});

test('a broken random source is caught, not looped on', () => {
  assert.throws(() => generateCredential(pci, { randomInt: () => 82 }), /outside \[0, 82\)/);
  assert.throws(() => generateCredential(pci, { randomInt: () => 0.5 }), /outside/);
  assert.throws(() => generateCredential(pci, { randomInt: () => 0 }), /random source is broken/);
});

test('the entropy source is described and FIPS mode is reported truthfully', () => {
  assert.equal(fipsMode(), getFips() === 1);
  assert.match(ENTROPY_SOURCE, /crypto\.randomInt/);
  assert.ok(ENTROPY_SOURCE.includes(process.versions.openssl));
});
