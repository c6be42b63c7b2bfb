import type { Inventory } from '../inventory/types.js';

/** Progress of a long collection, for a live line on a terminal or periodic log lines. */
export interface SourceProgress {
  phase: string;
  done: number;
  total: number | null;
  /** What `done` and `total` count (default: vaults). */
  unit?: string;
  detail?: Record<string, number>;
}

export interface CollectContext {
  /** Evaluation time (epoch ms); synthetic sources date their assets relative to it. */
  now: number;
  onProgress?: (progress: SourceProgress) => void;
  /** Something the user should know about the collection (e.g. a section left out, and why). */
  onNotice?: (message: string) => void;
  signal?: AbortSignal;
}

/** A place inventories come from (demo tenant, snapshot file, Azure). */
export interface Source {
  /** As given to --source, e.g. `demo` or `snapshot:fixtures/x.json`. */
  readonly id: string;
  collect(ctx: CollectContext): Promise<Inventory>;
}
