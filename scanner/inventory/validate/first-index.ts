/**
 * Duplicate detection for a list's keys: the index of the first element that had each key.
 *
 * An open-addressing table sized once from the list's length: a Map filled as the list is
 * walked keeps growing and rehashing itself, and that was half the time of validating a
 * million assets. The hash is seeded per table, so that a hostile snapshot cannot pick ids
 * that all land in one slot.
 */
export class FirstIndex {
  /** Position + 1 in `keys` of the key held in each slot; 0 for an empty slot. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** The distinct keys in the order first seen (pushed: a preallocated large array is slow). */
  private readonly keys: string[] = [];
  /** The element index of each of `keys`. */
  private readonly firstOf: Int32Array;
  private readonly seed = (Math.random() * 0x1_0000_0000) | 0;

  /** A table for the keys of a list of `length` elements (at most half full). */
  constructor(length: number) {
    let size = 16;
    while (size < 2 * length) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    this.firstOf = new Int32Array(length);
  }

  /** Records `key` for element `i`; returns the index of an earlier element with that key, or -1. */
  firstOr(key: string, i: number): number {
    const { slots, mask, keys } = this;
    let slot = hash(key, this.seed) & mask;
    for (;;) {
      const e = slots[slot]!;
      if (e === 0) {
        this.firstOf[keys.length] = i;
        slots[slot] = keys.push(key);
        return -1;
      }
      if (keys[e - 1] === key) return this.firstOf[e - 1]!;
      slot = (slot + 1) & mask;
    }
  }
}

/** FNV-1a over the UTF-16 code units, from `seed`, with the high bits folded into the low ones. */
function hash(s: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let j = 0; j < s.length; j++) h = Math.imul(h ^ s.charCodeAt(j), 0x01000193);
  return h ^ (h >>> 16);
}
