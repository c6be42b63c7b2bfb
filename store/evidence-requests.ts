/**
 * Evidence bundle requests over `evidence.json`: who asked for what, where the request stands,
 * who signed or rejected it, and the download links (only their SHA-256: a link is a bearer
 * secret, so the store could not hand one out even if the file leaked).
 */
import { join } from 'node:path';
import { createDocument, isPlainObject, updateById } from './json-file.js';
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
}

export interface EvidenceRequestStore {
  readonly path: string;
  get(id: string): DeepReadonly<EvidenceRequest> | null;
  list(): DeepReadonly<EvidenceRequest>[];
  add(request: EvidenceRequest): Promise<void>;
  /**
   * Read-modify-write of one request, serialised with every other write: what the mutator sees
   * is the stored state at that moment, so two clicks cannot both pass a status check.
   * Returns the mutator's result; throws what it throws (nothing is written then).
   */
  update<T>(id: string, mutator: (request: EvidenceRequest) => T): Promise<T>;
  findLink(
    tokenSha256: string,
  ): { request: DeepReadonly<EvidenceRequest>; link: DeepReadonly<DownloadLink> } | null;
  reload(): Promise<void>;
}

interface Data {
  requests: EvidenceRequest[];
}

const MAX_REQUESTS = 5000;

export function createEvidenceRequestStore(dir: string): EvidenceRequestStore {
  const doc: JsonDocument<Data> = createDocument({
    path: join(dir, EVIDENCE_FILE),
    kind: 'certify.evidence-requests',
    version: 1,
    empty: () => ({ requests: [] }),
    check: (data) =>
      isPlainObject(data) && Array.isArray(data.requests) ? [] : ['"data.requests" must be an array'],
  });
  return {
    path: doc.path,
    get: (id) => doc.read().requests.find((r) => r.id === id) ?? null,
    list: () => [...doc.read().requests],
    async add(request) {
      await doc.update((data) => {
        data.requests.push(request);
        // Oldest first out; their zips are removed by the service's own pruning.
        if (data.requests.length > MAX_REQUESTS) data.requests.splice(0, data.requests.length - MAX_REQUESTS);
      });
    },
    update: (id, mutator) => updateById(doc, (d) => d.requests, id, mutator),
    findLink(tokenSha256) {
      for (const request of doc.read().requests) {
        const link = request.links.find((l) => l.tokenSha256 === tokenSha256);
        if (link) return { request, link };
      }
      return null;
    },
    reload: () => doc.reload(),
  };
}
