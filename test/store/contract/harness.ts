/**
 * Contract tests: one suite per storage port, run against every kind of store behind it, so the
 * embedded (JSON files) and PostgreSQL adapters are held to one behaviour. A suite asserts what a
 * caller of the port can see, never a file or a table; what only one kind has (a torn file, a
 * hand-edited row) stays in that kind's own tests.
 *
 *   import { byKind, STORE_KINDS } from './harness.js';
 *
 *   const openScans = byKind({
 *     embedded: (dir, options?: ScanStoreOptions) => createScanStore<R>(dir, options),
 *     postgres: (pool, options?: ScanStoreOptions) => createPgScanStore<R>(pool, options),
 *   });
 *
 *   describe.each(STORE_KINDS)('scan store ($name)', (kind) => {
 *     it('…', async () => {
 *       const [a, b] = await kind.open(2); // a fresh, empty store, seen by two replicas
 *       const one = openScans(a!, { limit: 5 });
 *       const two = openScans(b!, { limit: 5 });
 *       …
 *     });
 *   });
 *
 * - `open(n)` gives n replicas (default 1) of a new, empty backing store: `embedded`, a new temp
 *   data dir (each replica is the same dir, as two processes share one); `postgres`, a new
 *   migrated database (test/support/pg.ts), each replica its own pool on it. A store built on a
 *   replica is a separate instance, as another process would hold. What a test opens is removed
 *   when that test ends (pools ended, database dropped, dir deleted), so that a file of many
 *   tests does not hold the server's connection slots; what a beforeAll opens, after the file.
 * - `byKind` turns one builder per kind into one function of a replica (and any extra arguments).
 * - PostgreSQL must be running: without it the postgres suites fail, saying how to start it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, onTestFinished } from 'vitest';
import { createTestDatabase } from '../../support/pg.js';

export type StoreKindName = 'embedded' | 'postgres';

/** One replica's way to the backing store: what an adapter of that kind is built on. */
export type Replica =
  { readonly kind: 'embedded'; readonly dir: string } | { readonly kind: 'postgres'; readonly pool: pg.Pool };

export interface StoreKind {
  readonly name: StoreKindName;
  /** A new, empty backing store with `replicas` replicas on it (default 1). */
  open(replicas?: number): Promise<Replica[]>;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function removeLater(cleanup: () => Promise<void>): void {
  try {
    onTestFinished(cleanup);
  } catch {
    cleanups.push(cleanup); // opened outside a test (beforeAll): kept for the whole file
  }
}

function count(replicas: number): number {
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new RangeError(`contract harness: replicas must be ≥ 1, got ${replicas}`);
  return replicas;
}

const embedded: StoreKind = {
  name: 'embedded',
  async open(replicas = 1) {
    const dir = await mkdtemp(join(tmpdir(), 'certify-contract-'));
    removeLater(() => rm(dir, { recursive: true, force: true }));
    return Array.from({ length: count(replicas) }, () => ({ kind: 'embedded', dir }) as const);
  },
};

const postgres: StoreKind = {
  name: 'postgres',
  async open(replicas = 1) {
    const n = count(replicas);
    const db = await createTestDatabase({ migrated: true });
    removeLater(() => db.drop());
    const pools = [db.pool, ...(await Promise.all(Array.from({ length: n - 1 }, () => db.newPool())))];
    return pools.map((pool) => ({ kind: 'postgres', pool }) as const);
  },
};

/** Every kind of store, for `describe.each(STORE_KINDS)('… ($name)', (kind) => …)`. */
export const STORE_KINDS: readonly StoreKind[] = [embedded, postgres];

/** One function of a replica from one builder per kind; extra arguments are passed through. */
export function byKind<A extends unknown[], T>(build: {
  embedded: (dir: string, ...args: A) => T;
  postgres: (pool: pg.Pool, ...args: A) => T;
}): (replica: Replica, ...args: A) => T {
  return (replica, ...args) =>
    replica.kind === 'embedded'
      ? build.embedded(replica.dir, ...args)
      : build.postgres(replica.pool, ...args);
}
