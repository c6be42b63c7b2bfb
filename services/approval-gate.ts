/**
 * The approval rules shared by evidence bundles and credential rotations, kept in one place so
 * they cannot drift apart: only configured approvers decide, never on their own request, and
 * every step — a refusal included, with its reason — is written to the operator audit log.
 */
import { CertifyError } from '../base/errors.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Actor } from '../evidence/types.js';

export type RefusalCode = 'FORBIDDEN' | 'CONFLICT' | 'NOT_FOUND' | 'EXPIRED' | 'BAD_INPUT';

/** Who asked or decided, as a stored request records them. */
export interface DecisionPerson {
  id: string;
  name: string;
  channel: string;
}

export function personOf(actor: Actor): DecisionPerson {
  return { id: actor.id, name: actor.name, channel: actor.channel };
}

/** A rejection as a stored request records it. */
export interface Rejection {
  by: DecisionPerson;
  reason: string;
  at: string;
}

/** The longest reason kept; a longer one is cut. */
export const REASON_MAX = 1000;

/** What the reject flow reads of a request. */
export interface Rejectable {
  id: string;
  status: string;
  requestedBy: { id: string };
  rejection: { by: { id: string } } | null;
}

/** The request's store, as the reject flow needs it. */
export interface RejectSteps<R> {
  /** Serialised read-modify-write of the request; returns what `mutate` returns. */
  update(mutate: (stored: { status: string; rejection: Rejection | null }) => boolean): Promise<boolean>;
  /** The request as stored now. */
  current(): Promise<R>;
  /** Why a request can no longer be decided, naming who settled it. */
  settled(request: R): string;
  /** Runs once the rejection is stored, before it is logged (e.g. removing a staged bundle). */
  afterReject?(): Promise<unknown>;
}

export interface ApprovalGate {
  log(
    action: string,
    actor: Actor,
    subject: string | null,
    details: Record<string, string | number | boolean | null>,
    now: number,
  ): Promise<void>;
  /** Logs `<action>.refused` with the reason, then throws it. */
  refuse(
    code: RefusalCode,
    message: string,
    action: string,
    actor: Actor,
    subject: string | null,
    now: number,
    hint?: string,
  ): Promise<never>;
  isApprover(userId: string): boolean;
  /** Refuses (and logs) anyone but an approver other than the requester. */
  mayDecide(
    request: { id: string; requestedBy: { id: string } },
    actor: Actor,
    action: string,
    now: number,
  ): Promise<void>;
  /**
   * The reject flow of a `kind` (`evidence`, `rotation`): an approver other than the requester
   * rejects a pending request with a reason (logged as `<kind>.rejected`; a refusal as
   * `<kind>.reject.refused`). A repeat by the same approver changes nothing; a request settled
   * meanwhile is refused with `settled`.
   */
  reject<R extends Rejectable>(
    kind: string,
    request: R,
    actor: Actor,
    reason: string,
    now: number,
    steps: RejectSteps<R>,
  ): Promise<R>;
}

/** `what` completes "only the users in CERTIFY_APPROVERS can …", e.g. "sign or reject evidence bundles". */
export function approvalGate(audit: AuditLog, approverIds: readonly string[], what: string): ApprovalGate {
  const approvers = new Set(approverIds);
  const log: ApprovalGate['log'] = async (action, actor, subject, details, now) => {
    await audit.append({ action, actor, subject, details }, now);
  };
  const refuse: ApprovalGate['refuse'] = async (code, message, action, actor, subject, now, hint) => {
    await log(`${action}.refused`, actor, subject, { reason: message }, now);
    throw new CertifyError(code, message, [], hint);
  };
  const mayDecide: ApprovalGate['mayDecide'] = async (request, actor, action, now) => {
    const who = actor.name || actor.id;
    if (!approvers.has(actor.id)) {
      await refuse(
        'FORBIDDEN',
        `${who} is not an approver: only the users in CERTIFY_APPROVERS can ${what}`,
        action,
        actor,
        request.id,
        now,
        approvers.size === 0
          ? 'No approvers are configured: set CERTIFY_APPROVERS to a comma-separated list of user ids.'
          : undefined,
      );
    }
    if (request.requestedBy.id === actor.id) {
      await refuse(
        'FORBIDDEN',
        `${who} requested ${request.id} and cannot approve their own request: another approver must`,
        action,
        actor,
        request.id,
        now,
      );
    }
  };
  return {
    log,
    refuse,
    isApprover: (userId) => approvers.has(userId),
    mayDecide,
    async reject(kind, request, actor, reason, now, steps) {
      const action = `${kind}.reject`;
      await mayDecide(request, actor, action, now);
      const why = reason.trim();
      if (!why) await refuse('BAD_INPUT', 'a rejection needs a reason', action, actor, request.id, now);
      if (request.status === 'rejected' && request.rejection?.by.id === actor.id) return request;
      const rejection: Rejection = {
        by: personOf(actor),
        reason: why.slice(0, REASON_MAX),
        at: new Date(now).toISOString(),
      };
      const done = await steps.update((stored) => {
        if (stored.status !== 'pending') return false;
        stored.status = 'rejected';
        stored.rejection = rejection;
        return true;
      });
      if (!done)
        await refuse('CONFLICT', steps.settled(await steps.current()), action, actor, request.id, now);
      await steps.afterReject?.();
      await log(`${kind}.rejected`, actor, request.id, { reason: rejection.reason }, now);
      return await steps.current();
    },
  };
}
