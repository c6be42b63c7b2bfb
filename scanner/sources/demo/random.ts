/**
 * Seeded randomness for the demo tenant. The tenant must be byte-identical for the same seed, so
 * nothing here reads Math.random or the clock.
 */

const TWO_POW_32 = 4_294_967_296;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const DASH = 0x2d;

/**
 * sfc32: fast, 128-bit state. A 32-bit-state generator (mulberry32) would repeat GUIDs after
 * ~65k draws by the birthday bound, and a million-asset tenant draws far more than that.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private buffer: Buffer = Buffer.alloc(128);

  constructor(seed: number) {
    // splitmix32 spreads a small integer seed over the whole state, so seeds 1 and 2 diverge at once.
    let s = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix() ^ high;
    this.d = 1;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform unsigned 32-bit integer. */
  next(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    const rotated = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (rotated + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi], both ends included. */
  intBetween(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** `prefix` then `digits` random lowercase hex digits, as one flat string. */
  hex(digits: number, prefix = ''): string {
    const buf = this.scratch(prefix.length + digits);
    let at = buf.write(prefix, 'latin1');
    for (let i = 0; i < digits; i += 8) {
      const word = this.next();
      for (let j = 0; j < 8 && i + j < digits; j++) buf[at++] = HEX[(word >>> (28 - 4 * j)) & 0xf] as number;
    }
    return buf.toString('latin1', 0, at);
  }

  /** A version-4 GUID, as Entra ID and ARM print them. */
  uuid(): string {
    const buf = this.scratch(36);
    let at = 0;
    for (let w = 0; w < 4; w++) {
      const word = this.next();
      for (let j = 0; j < 8; j++) {
        if (at === 8 || at === 13 || at === 18 || at === 23) buf[at++] = DASH;
        buf[at++] = HEX[(word >>> (28 - 4 * j)) & 0xf] as number;
      }
    }
    buf[14] = HEX[4] as number;
    buf[19] = HEX[(HEX.indexOf(buf[19] as number) & 0x3) | 0x8] as number;
    return buf.toString('latin1', 0, 36);
  }

  /**
   * A reusable byte buffer: building hashes by string concatenation left chains of string pieces
   * that cost hundreds of bytes per hash in a million-asset tenant.
   */
  private scratch(length: number): Buffer {
    if (this.buffer.length < length) this.buffer = Buffer.alloc(length * 2);
    return this.buffer;
  }
}

/**
 * Exactly `k` of `n`, clamped so that a population of two or more keeps members on both sides:
 * every rule must see passing and failing assets, whatever the seed.
 */
export function quota(n: number, fraction: number, min = 1, max = n - 1): number {
  if (n <= 0) return 0;
  const lo = Math.min(min, n);
  const hi = Math.max(0, Math.min(max, n));
  return Math.min(Math.max(Math.round(n * fraction), lo), hi);
}

/**
 * Counts for categories given by fractions plus a last "everything else" category. With more
 * members than categories, every category gets at least one.
 */
export function split(n: number, fractions: readonly number[]): number[] {
  if (n <= 0) return [...fractions.map(() => 0), 0];
  const floor = n > fractions.length ? 1 : 0;
  const counts = fractions.map((f) => Math.max(floor, Math.round(n * f)));
  let sum = counts.reduce((a, b) => a + b, 0);
  // Trim the largest category until the remainder keeps its own member.
  while (sum > n - floor) {
    let largest = 0;
    for (let i = 1; i < counts.length; i++) if ((counts[i] ?? 0) > (counts[largest] ?? 0)) largest = i;
    counts[largest] = (counts[largest] ?? 0) - 1;
    sum--;
  }
  counts.push(n - sum);
  return counts;
}

/**
 * Draws categories without replacement from fixed counts (a shuffled deck, dealt one card at a
 * time), so the proportions are exact for any size while positions stay random.
 */
export class Deck {
  private readonly left: number[];
  private total: number;

  constructor(counts: readonly number[]) {
    this.left = [...counts];
    this.total = counts.reduce((a, b) => a + b, 0);
  }

  get remaining(): number {
    return this.total;
  }

  draw(rng: Rng): number {
    if (this.total <= 0) throw new Error('demo tenant: deck drawn past its size');
    let r = rng.int(this.total);
    this.total--;
    for (let i = 0; i < this.left.length; i++) {
      const c = this.left[i] as number;
      if (r < c) {
        this.left[i] = c - 1;
        return i;
      }
      r -= c;
    }
    throw new Error('demo tenant: deck out of balance');
  }
}
