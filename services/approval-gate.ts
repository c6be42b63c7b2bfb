/**
 * The approval rules shared by evidence bundles and credential rotations, kept in one place so
 * they cannot drift apart: only configured approvers decide, never on their own request, and
 * every step — a refusal included, with its reason — is written to the operator audit log.
 */
import { CertifyError } from '../base/errors.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Actor } from '../evidence/types.js';

export type RefusalCode = 'FORBIDDEN' | 'CONFLICT' | 'NOT_FOUND' | 'EXPIRED' | 'BAD_INPUT';

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
  return {
    log,
    refuse,
    isApprover: (userId) => approvers.has(userId),
    async mayDecide(request, actor, action, now) {
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
    },
  };
}
