/**
 * The operator audit log: every command, approval, rejection, download, rule or configuration
 * change, as one line of `audit-log.jsonl`. Each entry carries the hash of the one before, so an
 * edit, deletion, insertion or reordering breaks the chain; signed checkpoints
 * (`audit-checkpoints.jsonl`) and a signed head (`audit-head.jws`) pin the hashes, so an attacker
 * who edits an entry and recomputes every following hash, or cuts entries off the end, is caught
 * too (as long as they cannot sign with the bot's key).
 *
 * This module is the log's one public face. The pure parts are the evidence format
 * (evidence/audit/: the chain, the signed points, event screening, the verifier); the file I/O
 * is here in store/: the writer with its tail repair, checkpoints and cross-process lock
 * (audit-writer.ts), and the verification of a data directory (audit-verify.ts).
 */
export { canonicalJson } from '../base/canonical-json.js';
export { entryHash } from '../evidence/audit/chain.js';
export { AUDIT_CHECKPOINTS_FILE, AUDIT_HEAD_FILE, AUDIT_LOG_FILE } from '../evidence/audit/format.js';
export {
  verifyAuditContents,
  type AuditProblem,
  type AuditProblemKind,
  type AuditVerification,
} from '../evidence/audit/verify.js';
export { verifyAuditLog } from './audit-verify.js';
export { AUDIT_LOCK_FILE, openAuditLog, type AuditLog, type AuditLogOptions } from './audit-writer.js';
