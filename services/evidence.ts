/**
 * The evidence workflow behind `/certify evidence` and `certify evidence`: gather the saved scan
 * and audit entries for a period, stage the bundle (as a job any replica runs), wait for an
 * approver's signature (never the requester's), release it through expiring single-use links, and
 * write every step — refusals included — to the operator audit log. Every port is passed in;
 * `now` is always a parameter.
 */
import { approvalGate, personOf } from './approval-gate.js';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { scan, type CertifyPorts } from './scan.js';
import type { SigningKey } from '../store/signing-key.js';
import { CertifyError, isCertifyError } from '../base/errors.js';
import type { Framework } from '../scanner/frameworks/types.js';
import { findFramework } from '../scanner/frameworks/index.js';
import type { Source } from '../scanner/sources/types.js';
import type { EvidencePerson, EvidenceRequest, EvidenceRequestStore } from '../store/evidence-requests.js';
import type { DeepReadonly } from '../store/json-file.js';
import type { ScanSummary } from '../scanner/summary.js';
import type { AuditLog } from '../store/audit-log.js';
import type { EvidenceFiles } from '../store/evidence-files.js';
import { isRetryable } from '../store/jobs/types.js';
import { finalizeBundle, stageBundle } from '../evidence/bundle.js';
import {
  downloadTokenSha256,
  isWellFormedDownloadToken,
  newDownloadToken,
} from '../evidence/download-token.js';
import { linkRefusal, linkState, NOT_VALID } from './link-state.js';
import type { TimestampAuthority } from '../evidence/timestamp/index.js';
import type { Actor, Assertion, EvidenceInput, EvidenceSnapshot, Period } from '../evidence/types.js';

export const DEFAULT_LINK_TTL_MS = 24 * 3_600_000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Gathers what a bundle for `period` is built from; scans (and saves) when nothing is saved yet.
 * Such a scan is recorded in the audit log for `actor` (the one asking for the bundle) at `clock`.
 */
export async function gatherEvidence(
  deps: { ports: CertifyPorts; source: Source; audit: AuditLog; actor: Actor; clock: () => number },
  framework: Framework,
  period: Period,
  now: number,
): Promise<EvidenceInput> {
  const history = await deps.ports.scans.history();
  const to = Date.parse(period.to);
  const from = Date.parse(period.from);
  // The state at the period's end: the newest saved scan at or before it whose snapshot is kept;
  // failing that, the oldest kept scan after it — the closest evidence, and it says so.
  const firstKept = async (summaries: readonly ScanSummary[], afterPeriod: boolean) => {
    for (const summary of summaries) {
      const saved = await deps.ports.snapshots.load(summary.scanId);
      if (saved) {
        const { scanId, now: at, source, inventory, result } = saved;
        return { scanId, at, source, inventory, result, afterPeriod };
      }
    }
    return null;
  };
  let snapshot: EvidenceSnapshot | null =
    (await firstKept(
      history.filter((s) => Date.parse(s.now) <= to),
      false,
    )) ?? (await firstKept([...history].reverse(), true));
  if (!snapshot) {
    const run = await scan(deps.ports, deps.source, {
      now,
      save: true,
      audit: { log: deps.audit, actor: deps.actor, clock: deps.clock },
    });
    snapshot = {
      scanId: run.result.scanId,
      at: run.result.now,
      source: run.result.source,
      inventory: run.inventory,
      result: run.result,
      afterPeriod: Date.parse(run.result.now) > to,
    };
  }
  return {
    framework,
    period,
    now,
    snapshot,
    history: history.filter((s) => {
      const at = Date.parse(s.now);
      return at >= from && at <= to;
    }),
    auditEntries: await deps.audit.entries({ from: period.from, to: period.to }),
  };
}

/**
 * Where request() hands its builds: a queue whose 'evidence-build' job calls `build`
 * (services/evidence-build.ts), on whichever replica takes it.
 */
export interface EvidenceBuildQueue {
  enqueue(id: string): Promise<void>;
}

/** One attempt at a build, as the job queue runs it. */
export interface BuildAttempt {
  /** No attempt follows this one: a failure is final (status 'failed'), not retried. */
  final: boolean;
  /** Aborted once this attempt no longer owns the job: it then saves nothing. */
  signal?: AbortSignal;
}

export type BuildOutcome =
  /** This attempt settled the build; `postCard`: the requester was answered "building…" and waits for the card. */
  | { kind: 'built' | 'failed'; request: DeepReadonly<EvidenceRequest>; postCard: boolean }
  /** There was nothing to build: no such request, or it was built (or settled) already. */
  | { kind: 'nothing'; request: DeepReadonly<EvidenceRequest> | null }
  /** A passing failure (a time-stamping authority or the store unavailable): try again later. */
  | { kind: 'retry'; error: unknown }
  /** The attempt lost its job (expired, or the queue stopped) and left everything as it was. */
  | { kind: 'abandoned' };

/** A signed zip as the download route serves it. */
export interface BundleDownload {
  filename: string;
  bytes: number;
  open(): Promise<Readable>;
}

export interface EvidenceServiceDeps {
  ports: CertifyPorts;
  source: Source;
  requests: EvidenceRequestStore;
  /** Staged bundles and signed zips: shared by the replicas that share `requests`. */
  files: EvidenceFiles;
  /** Where builds go; `withBuildQueue` gives a service whose builds go elsewhere. */
  builds: EvidenceBuildQueue;
  signer: SigningKey;
  tsa: TimestampAuthority;
  audit: AuditLog;
  /** User ids allowed to sign or reject. */
  approvers: readonly string[];
  /** Base of download links, e.g. `https://certify.example.com` (no trailing slash needed). */
  publicUrl: string;
  linkTtlMs?: number;
  productVersion: string;
  newId?: () => string;
  /** Real time, for the embedded TSA's timestamps (default Date.now); `now` parameters may be "as of" times. */
  clock?: () => number;
}

export interface IssuedLink {
  url: string;
  expiresAt: string;
}

export interface EvidenceService {
  get(id: string): Promise<DeepReadonly<EvidenceRequest> | null>;
  /**
   * Records the request (status 'building') and queues its build; resolves with it then, or
   * 'failed' when the build could not even be queued.
   */
  request(args: {
    framework: Framework;
    period: Period;
    requester: Actor;
    channel: { kind: string; id: string };
    now: number;
  }): Promise<DeepReadonly<EvidenceRequest>>;
  /**
   * The 'evidence-build' job's work: stages the bundle of a 'building' request, saves its files,
   * then makes it 'pending' — in that order, so a build cut off anywhere shows nothing half
   * done, and a repeat starts over. A request no longer 'building' is left as it is.
   */
  build(id: string, attempt: BuildAttempt): Promise<BuildOutcome>;
  /**
   * The request once its build has ended, if that happens within `withinMs`; otherwise null,
   * and the build's job posts the card to the request's channel when it ends.
   */
  awaitBuilt(id: string, withinMs: number): Promise<DeepReadonly<EvidenceRequest> | null>;
  /** The same service, its builds handed to `queue`. */
  withBuildQueue(queue: EvidenceBuildQueue): EvidenceService;
  /** Checks that `actor` may sign it now (the card then asks for name and role). */
  checkCanDecide(
    id: string,
    actor: Actor,
    now: number,
    intent: 'sign' | 'reject',
  ): Promise<DeepReadonly<EvidenceRequest>>;
  /** Signs the assertion and releases the bundle; a repeat by the same signer changes nothing (link null). */
  sign(
    id: string,
    actor: Actor,
    fields: { name: string; role: string },
    now: number,
  ): Promise<{ request: DeepReadonly<EvidenceRequest>; link: IssuedLink | null }>;
  reject(id: string, actor: Actor, reason: string, now: number): Promise<DeepReadonly<EvidenceRequest>>;
  /**
   * Another single-use link to a signed bundle (approvers and the requester). The request's
   * earlier unused links stop working: only the newest one posted in chat is live.
   */
  newLink(id: string, actor: Actor, now: number): Promise<IssuedLink>;
  /**
   * Redeems a download token: the zip, once. A token not in the issued format is refused
   * without a trace in the audit log (anyone can send junk; the log must not grow with it).
   */
  redeem(token: string, now: number, client: { address: string | null }): Promise<BundleDownload>;
  /** What `redeem` would answer now, without spending the link or logging (HTTP HEAD). */
  check(token: string, now: number): Promise<BundleDownload>;
  /** The unsigned bundle for local use (CLI): staged and finalised at once. */
  buildLocal(
    input: EvidenceInput,
    actor: Actor,
  ): Promise<{ zip: Buffer; bundleId: string; manifestSha256: string }>;
}

export function newBundleId(): string {
  return `ev-${randomBytes(8).toString('hex')}`;
}

const NAME_MAX = 120;

/** Failures that another attempt may not meet: a time-stamping authority or the store unavailable. */
function isPassing(error: unknown): boolean {
  return isRetryable(error) || (isCertifyError(error) && error.code === 'STORE_IO');
}

const messageOf = (e: unknown) => (isCertifyError(e) ? e.message : ((e as Error).message ?? String(e)));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createEvidenceService(deps: EvidenceServiceDeps): EvidenceService {
  const ttl = deps.linkTtlMs ?? DEFAULT_LINK_TTL_MS;
  const gate = approvalGate(deps.audit, deps.approvers, 'sign or reject evidence bundles');
  const { log, refuse, mayDecide } = gate;
  const newId = deps.newId ?? newBundleId;
  const clock = deps.clock ?? Date.now;
  const { files } = deps;

  async function requireRequest(id: string, actor: Actor, action: string, now: number) {
    const request = await deps.requests.get(id);
    if (!request) return refuse('NOT_FOUND', `there is no evidence bundle ${id}`, action, actor, id, now);
    return request;
  }

  async function issueLink(id: string, actor: Actor, now: number): Promise<IssuedLink> {
    const token = newDownloadToken();
    const expiresAt = iso(now + ttl);
    // In the same write as the new link: no moment in which an old and the new link both work.
    const revoked = await deps.requests.update(id, (r) => {
      let count = 0;
      for (const link of r.links) {
        if (linkState(r, link, now) === 'ok') {
          link.revokedAt = iso(now);
          count += 1;
        }
      }
      r.links.push({
        tokenSha256: downloadTokenSha256(token),
        createdAt: iso(now),
        createdBy: actor.id,
        expiresAt,
        usedAt: null,
        revokedAt: null,
      });
      return count;
    });
    await log('evidence.link-issued', actor, id, { expiresAt, revoked }, now);
    return { url: `${deps.publicUrl.replace(/\/+$/, '')}/downloads/${token}`, expiresAt };
  }

  /** The stored link a token names, or null (the token itself is never looked up or kept). */
  async function findLink(token: string) {
    if (!isWellFormedDownloadToken(token)) return null;
    const hash = downloadTokenSha256(token);
    const found = await deps.requests.findLink(hash);
    return found ? { ...found, hash } : null;
  }

  /**
   * Records a build that will not be tried again, unless another attempt settled it first; null
   * then, else whether the requester waits for its card.
   */
  async function fail(
    id: string,
    requester: Actor,
    error: unknown,
    now: number,
  ): Promise<{ postCard: boolean } | null> {
    const message = messageOf(error);
    const failed = await deps.requests.update(id, (r) => {
      if (r.status !== 'building') return null;
      r.status = 'failed';
      r.error = message;
      return { postCard: r.postCard === true };
    });
    if (failed) await log('evidence.failed', requester, id, { reason: message }, now);
    return failed;
  }

  return {
    get: (id) => deps.requests.get(id),

    async request({ framework, period, requester, channel, now }) {
      const id = newId();
      await deps.requests.add({
        id,
        framework: framework.id,
        period,
        requestedBy: personOf(requester),
        channel,
        createdAt: iso(now),
        status: 'building',
        scan: null,
        dataManifestSha256: null,
        timestamp: null,
        rows: 0,
        statement: null,
        signature: null,
        rejection: null,
        links: [],
        error: null,
      });
      await log(
        'evidence.requested',
        requester,
        id,
        { framework: framework.id, from: period.from, to: period.to },
        now,
      );
      try {
        // The entries up to this request belong to the bundle's audit-log report; a checkpoint
        // makes them verifiable against a signature.
        await deps.audit.checkpoint(now);
        await deps.builds.enqueue(id);
      } catch (e) {
        await fail(id, requester, e, now);
      }
      return (await deps.requests.get(id))!;
    },

    async build(id, attempt) {
      const owned = () => !attempt.signal?.aborted;
      let request: DeepReadonly<EvidenceRequest> | null;
      try {
        request = await deps.requests.get(id);
      } catch (e) {
        if (!attempt.final && isPassing(e)) return { kind: 'retry', error: e };
        throw e;
      }
      // Built (or settled) by an earlier attempt, on this replica or another: nothing to redo.
      if (request?.status !== 'building') return { kind: 'nothing', request };
      const requester: Actor = { ...request.requestedBy };
      const now = Date.parse(request.createdAt);
      try {
        const input = await gatherEvidence(
          { ...deps, actor: requester, clock },
          findFramework(request.framework),
          { ...request.period },
          now,
        );
        // Recorded at once, so a scan in another process does not prune this snapshot mid-build.
        const chosen = {
          id: input.snapshot.scanId,
          at: input.snapshot.at,
          afterPeriod: input.snapshot.afterPeriod,
        };
        await deps.requests.update(id, (r) => {
          if (r.status === 'building') r.scan = chosen;
        });
        const staged = await stageBundle({
          bundleId: id,
          input,
          productVersion: deps.productVersion,
          tsa: deps.tsa,
          requestedBy: personOf(requester),
          local: false,
          stampAt: clock(),
        });
        // Files first, status last: until the status says 'pending' nobody reads the files, and a
        // retry replaces whatever this attempt saved before it was cut off.
        if (!owned()) return { kind: 'abandoned' };
        await files.saveStaged(id, staged);
        if (!owned()) return { kind: 'abandoned' };
        const settled = await deps.requests.update(id, (r) => {
          // Another attempt, still alive past its expiry, may have settled it meanwhile; while
          // unsigned, the files just saved are the ones to describe.
          if (r.status !== 'building' && r.status !== 'pending') return null;
          const first = r.status === 'building';
          r.status = 'pending';
          r.dataManifestSha256 = staged.dataManifestSha256;
          r.timestamp = staged.timestamp;
          r.rows = staged.rows;
          r.statement = staged.pendingAssertion.statement;
          r.error = null;
          return { first, postCard: first && r.postCard === true };
        });
        if (settled === null) {
          await files.removeStaged(id);
          return { kind: 'nothing', request: await deps.requests.get(id) };
        }
        if (!settled.first) return { kind: 'nothing', request: await deps.requests.get(id) };
        await log(
          'evidence.built',
          requester,
          id,
          { scan: input.snapshot.scanId, dataManifestSha256: staged.dataManifestSha256, rows: staged.rows },
          Math.max(now, clock()),
        );
        return { kind: 'built', request: (await deps.requests.get(id))!, postCard: settled.postCard };
      } catch (e) {
        if (!owned()) return { kind: 'abandoned' };
        if (!attempt.final && isPassing(e)) return { kind: 'retry', error: e };
        const failed = await fail(id, requester, e, Math.max(now, clock()));
        if (!failed) return { kind: 'nothing', request: await deps.requests.get(id) };
        // Whatever this attempt saved before it failed is read by nobody now.
        await files.removeStaged(id).catch(() => undefined);
        return { kind: 'failed', request: (await deps.requests.get(id))!, postCard: failed.postCard };
      }
    },

    async awaitBuilt(id, withinMs) {
      const until = Date.now() + withinMs;
      for (let wait = 20; ; wait = Math.min(wait * 2, 200)) {
        const request = await deps.requests.get(id);
        if (!request) throw new CertifyError('NOT_FOUND', `there is no evidence bundle ${id}`);
        if (request.status !== 'building') return request;
        if (Date.now() + wait > until) break;
        await sleep(wait);
      }
      // Under the request's lock, as the build's last step: either that step sees this and posts
      // the card, or it came first and the card is the answer.
      const deferred = await deps.requests.update(id, (r) => {
        if (r.status !== 'building') return false;
        r.postCard = true;
        return true;
      });
      return deferred ? null : (await deps.requests.get(id))!;
    },

    withBuildQueue: (queue) => createEvidenceService({ ...deps, builds: queue }),

    async checkCanDecide(id, actor, now, intent) {
      const action = intent === 'sign' ? 'evidence.sign' : 'evidence.reject';
      const request = await requireRequest(id, actor, action, now);
      await mayDecide(request, actor, action, now);
      if (request.status !== 'pending') {
        await refuse('CONFLICT', describeSettled(request), action, actor, id, now);
      }
      return request;
    },

    async sign(id, actor, fields, now) {
      const request = await requireRequest(id, actor, 'evidence.sign', now);
      await mayDecide(request, actor, 'evidence.sign', now);
      const name = fields.name.trim();
      const role = fields.role.trim();
      if (!name || !role || name.length > NAME_MAX || role.length > NAME_MAX) {
        await refuse(
          'BAD_INPUT',
          `a signature needs your name and role (each 1–${NAME_MAX} characters)`,
          'evidence.sign',
          actor,
          id,
          now,
        );
      }
      // Double click by the signer: the bundle is already released; nothing changes.
      if (request.status === 'signed' && request.signature?.by.id === actor.id)
        return { request, link: null };
      if (request.status !== 'pending')
        await refuse('CONFLICT', describeSettled(request), 'evidence.sign', actor, id, now);

      // Claim the request first, so a second approver's click in the meantime is refused.
      const signer: EvidencePerson = { id: actor.id, name, channel: actor.channel };
      const claimed = await deps.requests.update(id, (r) => {
        if (r.status !== 'pending') return false;
        r.status = 'signed';
        r.signature = { by: signer, role, at: iso(now), manifestSha256: '' };
        return true;
      });
      if (!claimed) {
        const current = (await deps.requests.get(id))!;
        if (current.signature?.by.id === actor.id) return { request: current, link: null };
        await refuse('CONFLICT', describeSettled(current), 'evidence.sign', actor, id, now);
      }
      try {
        const staged = await files.loadStaged(id);
        if (!staged) throw new CertifyError('NOT_FOUND', `the staged bundle of ${id} is missing`);
        const assertion: Assertion = {
          ...staged.pendingAssertion,
          status: 'signed',
          signer: { id: actor.id, name, role, channel: actor.channel },
          signedAt: iso(now),
        };
        const final = await finalizeBundle({
          staged,
          assertion,
          signer: deps.signer,
          tsa: deps.tsa,
          now,
          stampAt: clock(),
        });
        await files.saveZip(id, final.zip);
        await deps.requests.update(id, (r) => {
          r.signature = { by: signer, role, at: iso(now), manifestSha256: final.manifestSha256 };
        });
        await files.removeStaged(id);
        await log('evidence.signed', actor, id, { name, role, manifestSha256: final.manifestSha256 }, now);
      } catch (e) {
        // The signature could not be turned into a bundle: put the request back, say why.
        await deps.requests.update(id, (r) => {
          r.status = 'pending';
          r.signature = null;
        });
        await log('evidence.sign.failed', actor, id, { reason: (e as Error).message }, now);
        throw e;
      }
      const link = await issueLink(id, actor, now);
      return { request: (await deps.requests.get(id))!, link };
    },

    async reject(id, actor, reason, now) {
      const request = await requireRequest(id, actor, 'evidence.reject', now);
      return gate.reject('evidence', request, actor, reason, now, {
        update: (mutate) => deps.requests.update(id, mutate),
        current: async () => (await deps.requests.get(id))!,
        settled: describeSettled,
        afterReject: () => files.removeStaged(id),
      });
    },

    async newLink(id, actor, now) {
      const request = await requireRequest(id, actor, 'evidence.link', now);
      if (!gate.isApprover(actor.id) && request.requestedBy.id !== actor.id) {
        await refuse(
          'FORBIDDEN',
          'only approvers and the requester can ask for a download link',
          'evidence.link',
          actor,
          id,
          now,
        );
      }
      if (request.status !== 'signed')
        await refuse(
          'CONFLICT',
          `${id} is ${request.status}: only a signed bundle can be downloaded`,
          'evidence.link',
          actor,
          id,
          now,
        );
      return issueLink(id, actor, now);
    },

    async redeem(token, now, client) {
      const anonymous: Actor = { id: client.address ?? 'unknown', name: 'download link', channel: 'http' };
      if (!isWellFormedDownloadToken(token)) throw new CertifyError('NOT_FOUND', NOT_VALID);
      const found = await findLink(token);
      if (!found) return refuse('NOT_FOUND', NOT_VALID, 'evidence.download', anonymous, null, now);
      const { hash } = found;
      const id = found.request.id;
      // Marked used before a byte is sent: a second request, even a concurrent one, is refused.
      const outcome = await deps.requests.update(id, (r) => {
        const link = r.links.find((l) => l.tokenSha256 === hash)!;
        const state = linkState(r, link, now);
        if (state === 'ok') {
          link.usedAt = iso(now);
          return null;
        }
        return linkRefusal(state, link, id);
      });
      if (outcome) return refuse(outcome.code, outcome.message, 'evidence.download', anonymous, id, now);
      const zip = await files.zip(id);
      // Signed, but its zip was never saved (the process died while writing it).
      if (!zip) return refuse('NOT_FOUND', missingZip(id), 'evidence.download', anonymous, id, now);
      await log('evidence.downloaded', anonymous, id, { address: client.address }, now);
      return { filename: `${id}.zip`, ...zip };
    },

    async check(token, now) {
      const found = await findLink(token);
      if (!found) throw new CertifyError('NOT_FOUND', NOT_VALID);
      const id = found.request.id;
      const state = linkState(found.request, found.link, now);
      if (state !== 'ok') {
        const { code, message } = linkRefusal(state, found.link, id);
        throw new CertifyError(code, message);
      }
      const zip = await files.zip(id);
      if (!zip) throw new CertifyError('NOT_FOUND', missingZip(id));
      return { filename: `${id}.zip`, ...zip };
    },

    async buildLocal(input, actor) {
      const bundleId = newId();
      const staged = await stageBundle({
        bundleId,
        input,
        productVersion: deps.productVersion,
        tsa: deps.tsa,
        requestedBy: personOf(actor),
        local: true,
        stampAt: clock(),
      });
      const final = await finalizeBundle({
        staged,
        assertion: staged.pendingAssertion,
        signer: deps.signer,
        tsa: deps.tsa,
        now: input.now,
        stampAt: clock(),
      });
      await log(
        'evidence.local-bundle',
        actor,
        bundleId,
        {
          framework: input.framework.id,
          from: input.period.from,
          to: input.period.to,
          manifestSha256: final.manifestSha256,
        },
        input.now,
      );
      return { zip: final.zip, bundleId, manifestSha256: final.manifestSha256 };
    },
  };
}

const missingZip = (id: string) =>
  `the signed bundle ${id} was not saved: ask an approver to sign a new request`;

/** Why a request can no longer be signed or rejected, naming who settled it. */
export function describeSettled(r: DeepReadonly<EvidenceRequest>): string {
  switch (r.status) {
    case 'signed':
      return `${r.id} is already signed by ${r.signature?.by.name ?? '?'} at ${r.signature?.at ?? '?'}`;
    case 'rejected':
      return `${r.id} was rejected by ${r.rejection?.by.name ?? '?'} at ${r.rejection?.at ?? '?'}`;
    case 'building':
      return `${r.id} is still being built`;
    case 'failed':
      return `${r.id} failed to build: ${r.error ?? 'unknown error'}`;
    default:
      return `${r.id} is ${r.status}`;
  }
}
