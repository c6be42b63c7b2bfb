/**
 * Evidence bundle requests over `evidence.json`: who asked for what, where the request stands,
 * who signed or rejected it, and the download links (only their SHA-256: a link is a bearer
 * secret, so the store could not hand one out even if the file leaked).
 *
 * Bounded, but never at the cost of evidence: beyond the limit only settled requests nobody
 * waits on (rejected, failed, or a build killed long ago) are dropped; a pending or signed one is
 * kept however many newer ones there are, and the file grows past the limit rather than lose it.
 */
import { join } from 'node:path';
import { createDocument, freshReader, isPlainObject, updateById } from './json-file.js';
import type { DeepReadonly, JsonDocument } from './json-file.js';

export const EVIDENCE_FILE = 'evidence.json';

export interface EvidencePerson {
  id: string;
  name: string;
  channel: string;
}

export interface DownloadLink {
  tokenSha256: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  usedAt: string | null;
  /** When a newer link for the same request replaced this unused one (absent in older files). */
  revokedAt?: string | null;
}

export interface EvidenceRequest {
  id: string;
  framework: string;
  period: { from: string; to: string; label: string };
  requestedBy: EvidencePerson;
  /** Where the request was made and the approval card lives. */
  channel: { kind: string; id: string };
  createdAt: string;
  status: 'building' | 'pending' | 'signed' | 'rejected' | 'failed';
  scan: { id: string; at: string; afterPeriod: boolean } | null;
  dataManifestSha256: string | null;
  timestamp: { time: string; authority: string; trustedThirdParty: boolean } | null;
  rows: number;
  /** The management assertion's statement, in full, once built. */
  statement: string | null;
  signature: { by: EvidencePerson; role: string; at: string; manifestSha256: string } | null;
  rejection: { by: EvidencePerson; reason: string; at: string } | null;
  links: DownloadLink[];
  error: string | null;
  /**
   * The requester was answered "building…" rather than with the card, so the end of the build
   * posts the card to `channel` (absent: the answer showed it).
   */
  postCard?: boolean;
}

export interface EvidenceRequestStore {
  readonly path: string;
  /** The request as stored now, or null. */
  get(id: string): Promise<DeepReadonly<EvidenceRequest> | null>;
  /** Every request as stored now, oldest first. */
  list(): Promise<DeepReadonly<EvidenceRequest>[]>;
  add(request: EvidenceRequest): Promise<void>;
  /**
   * Read-modify-write of one request, serialised with every other write: what the mutator sees
   * is the stored state at that moment, so two clicks cannot both pass a status check.
   * Returns the mutator's result; throws what it throws (nothing is written then).
   */
  update<T>(id: string, mutator: (request: EvidenceRequest) => T): Promise<T>;
  findLink(
    tokenSha256: string,
  ): Promise<{ request: DeepReadonly<EvidenceRequest>; link: DeepReadonly<DownloadLink> } | null>;
  /** Re-reads the file if another process changed it (reads do so themselves). */
  reload(): Promise<void>;
}

interface Data {
  requests: EvidenceRequest[];
}

export const MAX_REQUESTS = 5000;
/** A request still `building` after this long was being built by a process that was killed. */
export const ABANDONED_BUILD_MS = 24 * 3_600_000;

export interface EvidenceRequestStoreOptions {
  /** Requests kept before settled ones are dropped (default MAX_REQUESTS). */
  limit?: number;
  /** Epoch ms, to tell an abandoned build (default Date.now). */
  clock?: () => number;
}

/** Whether the request is evidence, or is still to become evidence: never dropped. */
function isNeeded(r: DeepReadonly<EvidenceRequest>, now: number): boolean {
  switch (r.status) {
    case 'pending':
    case 'signed':
      return true;
    case 'building':
      // An unreadable time counts as recent: when in doubt, keep.
      return !(now - Date.parse(r.createdAt) >= ABANDONED_BUILD_MS);
    default:
      return false;
  }
}

/**
 * Pure: the requests to keep, in order, when `requests` (oldest first) may exceed `limit`: the
 * oldest not-needed ones go first, and only as many as bring the count down to the limit.
 */
export function retainedRequests<R extends DeepReadonly<EvidenceRequest>>(
  requests: readonly R[],
  limit: number,
  now: number,
): R[] {
  let excess = requests.length - limit;
  if (excess <= 0) return [...requests];
  return requests.filter((r) => {
    if (excess > 0 && !isNeeded(r, now)) {
      excess -= 1;
      return false;
    }
    return true;
  });
}

/** Pure: the scans whose snapshots evidence is built from (bundles being built, pending and signed). */
export function scanIdsInUse(requests: readonly DeepReadonly<EvidenceRequest>[]): Set<string> {
  const ids = new Set<string>();
  for (const r of requests) {
    if (r.scan !== null && (r.status === 'building' || r.status === 'pending' || r.status === 'signed'))
      ids.add(r.scan.id);
  }
  return ids;
}

export function createEvidenceRequestStore(
  dir: string,
  options: EvidenceRequestStoreOptions = {},
): EvidenceRequestStore {
  const limit = options.limit ?? MAX_REQUESTS;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`evidence request store: limit must be a whole number ≥ 1, got ${limit}`);
  }
  const clock = options.clock ?? Date.now;
  const doc: JsonDocument<Data> = createDocument({
    path: join(dir, EVIDENCE_FILE),
    kind: 'certify.evidence-requests',
    version: 1,
    empty: () => ({ requests: [] }),
    check: (data) =>
      isPlainObject(data) && Array.isArray(data.requests) ? [] : ['"data.requests" must be an array'],
  });
  const current = freshReader(doc);
  return {
    path: doc.path,
    get: async (id) => (await current()).requests.find((r) => r.id === id) ?? null,
    list: async () => [...(await current()).requests],
    async add(request) {
      await doc.update((data) => {
        // Room is made among the older ones: the request being added is always kept.
        data.requests = [...retainedRequests(data.requests, limit - 1, clock()), request];
      });
    },
    update: (id, mutator) => updateById(doc, (d) => d.requests, id, mutator),
    async findLink(tokenSha256) {
      for (const request of (await current()).requests) {
        const link = request.links.find((l) => l.tokenSha256 === tokenSha256);
        if (link) return { request, link };
      }
      return null;
    },
    reload: () => doc.reload(),
  };
}
