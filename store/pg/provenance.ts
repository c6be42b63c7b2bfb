/**
 * Provenance state in PostgreSQL (the ProvenanceStore of store/provenance.ts), shared by every
 * replica: the certificates Certify issued and the rotation requests, each a `jsonb` body in
 * insertion order. A rotation's change is one transaction holding its row's lock (SELECT … FOR
 * UPDATE) from reading to writing, so of two approvers pressing *Approve and rotate* on two
 * replicas, the second sees the first's approval and the secret is written once.
 *
 * Each list keeps the newest `max` (default the embedded store's MAX_KEPT), the oldest going
 * first; the trim follows the insert, so a replica that fails to trim has still added.
 */
import type pg from 'pg';
import {
  MAX_KEPT,
  type ProvenanceStore,
  type RotationRequest,
  type StoredCertificate,
} from '../provenance.js';
import { updateLocked } from './locked-update.js';
import { jsonParam, rows } from './sql.js';

export interface PgProvenanceStoreOptions {
  /** The most certificates, and the most rotations, kept (default MAX_KEPT). */
  max?: number;
}

export function createPgProvenanceStore(
  pool: pg.Pool,
  options: PgProvenanceStoreOptions = {},
): ProvenanceStore {
  const max = options.max ?? MAX_KEPT;
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`provenance store: max must be ≥ 1, got ${max}`);

  /** Appends `body` to `table` and drops what falls beyond the newest `max`. */
  async function append(table: 'certificates' | 'rotations', id: string, body: unknown): Promise<void> {
    await rows(pool, `add ${id} to ${table}`, `INSERT INTO ${table} (id, body) VALUES ($1, $2::jsonb)`, [
      id,
      jsonParam(body),
    ]);
    await pool
      .query(
        `DELETE FROM ${table} WHERE position <= (
           SELECT position FROM ${table} ORDER BY position DESC OFFSET $1 LIMIT 1)`,
        [max],
      )
      .catch(() => undefined);
  }

  async function one<T>(table: 'certificates' | 'rotations', id: string): Promise<T | null> {
    const found = await rows<{ body: T }>(
      pool,
      `read ${id} from ${table}`,
      `SELECT body FROM ${table} WHERE id = $1`,
      [id],
    );
    return found[0]?.body ?? null;
  }

  async function all<T>(table: 'certificates' | 'rotations'): Promise<T[]> {
    const found = await rows<{ body: T }>(
      pool,
      `list ${table}`,
      `SELECT body FROM ${table} ORDER BY position`,
    );
    return found.map((r) => r.body);
  }

  return {
    certificate: (id) => one<StoredCertificate>('certificates', id),
    certificates: () => all<StoredCertificate>('certificates'),
    addCertificate: (cert) => append('certificates', cert.id, cert),
    rotation: (id) => one<RotationRequest>('rotations', id),
    rotations: () => all<RotationRequest>('rotations'),
    addRotation: (request) => append('rotations', request.id, request),

    updateRotation: (id, mutator) =>
      updateLocked(pool, {
        table: 'rotations',
        what: 'the rotation',
        id,
        mutator,
      }),

    // Every read asks the database: there is nothing to re-read.
    reload: async () => undefined,
  };
}
