/**
 * Evidence bundle requests in PostgreSQL (the EvidenceRequestStore of store/evidence-requests.ts),
 * shared by every replica: a request made on one is signed on another and downloaded from a third.
 *
 * Each request is one `evidence_requests` row, the request whole in `body`. A change is one
 * transaction holding the row's lock (SELECT … FOR UPDATE) from reading the request to writing
 * it back, so the mutator sees the stored state whichever replica changed it last: of two
 * approvers clicking at once, the second sees the first's signature; of two downloads of one
 * link, the second sees its `usedAt`. `download_tokens` finds a link's request by its SHA-256;
 * it is rewritten from the request's links in the same transaction, so it never names a link the
 * request no longer has, nor misses one it has.
 *
 * Bounded as the embedded store is, by the same rule: beyond the limit only the oldest requests
 * nobody waits on (rejected, failed, a build abandoned a day ago) are deleted; pending and signed
 * ones are kept however many there are.
 */
import type pg from 'pg';
import type { DeepReadonly } from '../json-file.js';
import {
  ABANDONED_BUILD_MS,
  MAX_REQUESTS,
  type DownloadLink,
  type EvidenceRequest,
  type EvidenceRequestStore,
  type EvidenceRequestStoreOptions,
} from '../evidence-requests.js';
import { updateLocked } from './locked-update.js';
import { inTransaction, isoParam, jsonParam, rows } from './sql.js';

const WHERE = 'PostgreSQL table evidence_requests';

/**
 * The advisory lock key of adds: "CERTIFYE" as a 64-bit integer. Adds take it so that each
 * counts what the one before it kept: two at once would each trim for a count without the other.
 */
export const EVIDENCE_ADD_LOCK_KEY = '4847371095894284613';

/**
 * Whether the request in row `e` is needed at $now ($abandoned: ABANDONED_BUILD_MS in seconds),
 * as the embedded store's isNeeded decides it.
 */
const needed = (e: string, now: string, abandoned: string) =>
  `(${e}.status IN ('pending', 'signed')
    OR (${e}.status = 'building' AND ${e}.created_at > ${now}::timestamptz - make_interval(secs => ${abandoned})))`;

export interface PgEvidenceRequestStore extends EvidenceRequestStore {
  /**
   * The scans evidence is built from (bundles being built, pending and signed), as the embedded
   * store's `scanIdsInUse(await store.list())`, answered from an index rather than every body:
   * the snapshot store's `referenced` port.
   */
  scanIdsInUse(): Promise<Set<string>>;
}

/**
 * `created_at` for a request: its `createdAt`. One that does not parse is stored as `infinity`,
 * which is never a day old: the embedded store counts an unreadable time as recent.
 */
function createdAtParam(createdAt: string): string {
  const ms = Date.parse(createdAt);
  const date = new Date(ms);
  if (Number.isNaN(ms) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) return 'infinity';
  return date.toISOString();
}

/** The token hashes of a request's links, each once. */
function tokensOf(request: DeepReadonly<EvidenceRequest>): string[] {
  return [...new Set(request.links.map((l) => l.tokenSha256))];
}

/** Makes `download_tokens` name exactly `tokens` for the request. */
async function syncTokens(client: pg.PoolClient, id: string, tokens: readonly string[]): Promise<void> {
  await rows(
    client,
    `update the download links of ${id}`,
    'DELETE FROM download_tokens WHERE request_id = $1 AND NOT (token_sha256 = ANY($2::text[]))',
    [id, [...tokens]],
  );
  if (tokens.length === 0) return;
  // A hash another request holds would be a SHA-256 collision of two random tokens: the link
  // found for it stays the first request's, as the embedded store's first match is.
  await rows(
    client,
    `record the download links of ${id}`,
    `INSERT INTO download_tokens (token_sha256, request_id)
     SELECT t, $1 FROM unnest($2::text[]) AS t
     ON CONFLICT (token_sha256) DO NOTHING`,
    [id, [...tokens]],
  );
}

export function createPgEvidenceRequestStore(
  pool: pg.Pool,
  options: EvidenceRequestStoreOptions = {},
): PgEvidenceRequestStore {
  const limit = options.limit ?? MAX_REQUESTS;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`evidence request store: limit must be a whole number ≥ 1, got ${limit}`);
  }
  const clock = options.clock ?? Date.now;

  return {
    path: WHERE,

    async get(id) {
      const found = await rows<{ body: EvidenceRequest }>(
        pool,
        `read the evidence request ${id}`,
        'SELECT body FROM evidence_requests WHERE id = $1',
        [id],
      );
      return found[0]?.body ?? null;
    },

    async list() {
      const found = await rows<{ body: EvidenceRequest }>(
        pool,
        'list the evidence requests',
        'SELECT body FROM evidence_requests ORDER BY position',
      );
      return found.map((r) => r.body);
    },

    async add(request) {
      const now = isoParam(clock(), 'evidence request store clock');
      await inTransaction(pool, `add the evidence request ${request.id}`, async (client) => {
        await rows(
          client,
          'wait for other evidence requests being added',
          'SELECT pg_advisory_xact_lock($1::bigint)',
          [EVIDENCE_ADD_LOCK_KEY],
        );
        await rows(
          client,
          `add the evidence request ${request.id}`,
          'INSERT INTO evidence_requests (id, created_at, body) VALUES ($1, $2::timestamptz, $3::jsonb)',
          [request.id, createdAtParam(request.createdAt), jsonParam(request)],
        );
        await syncTokens(client, request.id, tokensOf(request));
        // Room is made among the older ones: the request being added is always kept. Whether a
        // request is needed is asked again of the row being deleted, so one that a concurrent
        // update made pending meanwhile is kept (the subquery saw it before).
        await rows(
          client,
          'drop settled evidence requests beyond the limit',
          `DELETE FROM evidence_requests e
           WHERE e.id IN (
             SELECT o.id FROM evidence_requests o
             WHERE o.id <> $1 AND NOT ${needed('o', '$3', '$4')}
             ORDER BY o.position
             LIMIT greatest(0, (SELECT count(*) FROM evidence_requests) - $2)
           ) AND NOT ${needed('e', '$3', '$4')}`,
          [request.id, limit, now, ABANDONED_BUILD_MS / 1000],
        );
      });
    },

    update: (id, mutator) =>
      updateLocked(pool, {
        table: 'evidence_requests',
        what: 'the evidence request',
        id,
        mutator,
        // A link added, revoked or used is a token to find, in the same transaction.
        written: (client, request) => syncTokens(client, id, tokensOf(request)),
      }),

    async findLink(tokenSha256) {
      const found = await rows<{ body: EvidenceRequest }>(
        pool,
        'find a download link',
        `SELECT r.body FROM download_tokens t JOIN evidence_requests r ON r.id = t.request_id
         WHERE t.token_sha256 = $1`,
        [tokenSha256],
      );
      const request = found[0]?.body;
      const link: DownloadLink | undefined = request?.links.find((l) => l.tokenSha256 === tokenSha256);
      return request && link ? { request, link } : null;
    },

    async scanIdsInUse() {
      const found = await rows<{ scan_id: string }>(
        pool,
        'list the scans evidence is built from',
        // The statuses spelled as the partial index evidence_requests_in_use spells them.
        `SELECT DISTINCT scan_id FROM evidence_requests
         WHERE status IN ('building', 'pending', 'signed') AND scan_id IS NOT NULL`,
      );
      return new Set(found.map((r) => r.scan_id));
    },

    // Every read asks the database: there is nothing to re-read.
    reload: async () => undefined,
  };
}
