/** Proactive alerts: what changed between scans, dedup, per-channel filters, digests. */
export {
  clearedKeys,
  DEFAULT_DIGEST_MAX,
  DEFAULT_SCORE_DROP_POINTS,
  diffScans,
  digestOrSingle,
  filterFor,
  keyOf,
  openEvents,
  selectNew,
  THRESHOLD_RULES,
  THRESHOLDS,
  vaultOf,
} from './diff.js';
export type { AlertDigest, AlertEvent, AlertFilters, AlertMessage, DiffOptions, Threshold } from './diff.js';
