/**
 * The credential generator. Output is uniform over the set of strings that meet the preset
 * (right length, every required class present), and the entropy it reports is exactly
 * log2 of that set's size, so the number on a certificate is a fact rather than an estimate.
 */
import { getFips, randomInt } from 'node:crypto';
import { CertifyError } from '../base/errors.js';
import {
  CHAR_CLASSES,
  DIGITS,
  LOWER,
  UPPER,
  presetProblems,
  type CharClass,
  type Preset,
} from './presets.js';

/** Source of uniform integers in [0, max). Injected only by tests. */
export interface RandomSource {
  randomInt(max: number): number;
}

export interface GeneratedCredential {
  value: string;
  /** log2 of the number of strings the generator could have produced. */
  entropyBits: number;
  length: number;
  alphabetSize: number;
  /** The classes every output contains. */
  classes: CharClass[];
}

/**
 * Node's crypto.randomInt draws from OpenSSL's RAND_bytes (a CTR_DRBG seeded by the OS) and
 * rejects out-of-range draws internally, so it has no modulo bias.
 */
export const ENTROPY_SOURCE = `node:crypto.randomInt (OpenSSL ${process.versions.openssl} RAND_bytes, CTR_DRBG per NIST SP 800-90A)`;

const NODE_RNG: RandomSource = { randomInt: (max) => randomInt(max) };

/** Whether Node runs with OpenSSL's FIPS provider; only then is the DRBG a validated module. */
export function fipsMode(): boolean {
  return getFips() === 1;
}

export function classAlphabets(preset: Pick<Preset, 'symbols'>): Record<CharClass, string> {
  return { lower: LOWER, upper: UPPER, digits: DIGITS, symbols: preset.symbols };
}

/**
 * How many strings of `length` characters over the union of the (disjoint) classes contain at
 * least one character of every required class. Inclusion–exclusion over the required classes:
 * Σ over subsets S of (−1)^|S| · (alphabet − |∪S|)^length. BigInt, because 82^32 does not fit
 * in a double and the subtraction would cancel catastrophically.
 */
export function countValidStrings(
  length: number,
  classSizes: Readonly<Record<string, number>>,
  requiredClasses: Iterable<string>,
): bigint {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer`);
  const sizes = Object.entries(classSizes);
  for (const [name, size] of sizes) {
    if (!Number.isInteger(size) || size < 0)
      throw new RangeError(`class ${name} has an invalid size ${size}`);
  }
  const required = [...new Set(requiredClasses)];
  for (const name of required) {
    if (!(name in classSizes)) throw new RangeError(`required class ${name} has no size`);
  }
  const total = sizes.reduce((sum, [, size]) => sum + size, 0);
  const L = BigInt(length);
  let count = 0n;
  for (let mask = 0; mask < 1 << required.length; mask++) {
    let excluded = 0;
    let bits = 0;
    for (let i = 0; i < required.length; i++) {
      if (mask & (1 << i)) {
        excluded += classSizes[required[i]!]!;
        bits++;
      }
    }
    const term = BigInt(total - excluded) ** L;
    count += bits % 2 === 0 ? term : -term;
  }
  return count;
}

/** log2 of a positive BigInt without losing precision to Number overflow. */
export function log2BigInt(n: bigint): number {
  if (n <= 0n) throw new RangeError('log2 of a non-positive number');
  const bitLength = n.toString(2).length;
  const shift = Math.max(0, bitLength - 53);
  return shift + Math.log2(Number(n >> BigInt(shift)));
}

/**
 * Exact entropy in bits of a uniform draw from the valid strings. Throws BAD_INPUT when no
 * string qualifies (e.g. more required classes than characters), since there is nothing to draw.
 */
export function entropyBitsFor(
  length: number,
  classSizes: Readonly<Record<string, number>>,
  requiredClasses: Iterable<string>,
): number {
  const count = countValidStrings(length, classSizes, requiredClasses);
  if (count <= 0n) {
    throw new CertifyError('BAD_INPUT', `no string of ${length} characters contains every required class`);
  }
  return log2BigInt(count);
}

/** Required classes of a preset, in the canonical order. */
export function requiredClasses(preset: Pick<Preset, 'classes'>): CharClass[] {
  return CHAR_CLASSES.filter((c) => preset.classes[c]);
}

/** Exact entropy of what `generateCredential(preset)` produces. */
export function presetEntropyBits(preset: Preset): number {
  const alphabets = classAlphabets(preset);
  const sizes = Object.fromEntries(CHAR_CLASSES.map((c) => [c, alphabets[c].length]));
  return entropyBitsFor(preset.length, sizes, requiredClasses(preset));
}

/**
 * Enough attempts that a sound preset never runs out (the worst built-in one accepts about 87%
 * of candidates); reaching it means a broken random source, not bad luck.
 */
const MAX_ATTEMPTS = 10_000;

/**
 * A credential drawn uniformly from the strings that meet `preset`. Required classes are met by
 * discarding whole candidates that miss one: forcing a class into some position instead would
 * make that position predictable and the output non-uniform.
 */
export function generateCredential(preset: Preset, rng: RandomSource = NODE_RNG): GeneratedCredential {
  const problems = presetProblems(preset);
  if (problems.length > 0) {
    throw new CertifyError('BAD_INPUT', `preset ${preset.id} is misconfigured`, problems);
  }
  const alphabets = classAlphabets(preset);
  const alphabet = CHAR_CLASSES.map((c) => alphabets[c]).join('');
  const required = requiredClasses(preset);
  const entropyBits = presetEntropyBits(preset);
  if (entropyBits < preset.minEntropyBits) {
    throw new CertifyError(
      'BAD_INPUT',
      `preset ${preset.id} is misconfigured: it yields ${entropyBits.toFixed(2)} bits, below its minimum ${preset.minEntropyBits}`,
    );
  }
  const classOf = new Map<string, CharClass>();
  for (const c of CHAR_CLASSES) for (const ch of alphabets[c]) classOf.set(ch, c);
  const chars = new Array<string>(preset.length);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const seen = new Set<CharClass>();
    for (let i = 0; i < preset.length; i++) {
      const r = rng.randomInt(alphabet.length);
      if (!Number.isInteger(r) || r < 0 || r >= alphabet.length) {
        throw new Error(`the random source returned ${r}, outside [0, ${alphabet.length})`);
      }
      const ch = alphabet[r]!;
      chars[i] = ch;
      seen.add(classOf.get(ch)!);
    }
    if (required.every((c) => seen.has(c))) {
      return {
        value: chars.join(''),
        entropyBits,
        length: preset.length,
        alphabetSize: alphabet.length,
        classes: required,
      };
    }
  }
  throw new Error(
    `no credential met preset ${preset.id} after ${MAX_ATTEMPTS} attempts: the random source is broken`,
  );
}
