/** Bounds that keep a hostile snapshot from exhausting memory or the stack. */
export const INVENTORY_LIMITS = {
  /** Largest snapshot accepted, in bytes (UTF-16 code units for text already decoded). */
  maxBytes: 512 * 1024 * 1024,
  /** Deepest nesting of arrays and objects; a real inventory needs 5 levels. */
  maxDepth: 64,
  /** Longest single string (property name or value), in characters after unescaping. */
  maxStringLength: 64 * 1024,
  /** Problems listed in full; the rest are counted in one final line. */
  maxProblems: 20,
} as const;
