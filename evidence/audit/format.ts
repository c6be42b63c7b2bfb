/**
 * The operator audit log's file format, shared by its writer (store/) and its verifier: the three
 * files, the genesis hash, and the error every audit-log failure is reported as.
 */
import { CertifyError } from '../../base/errors.js';

export const AUDIT_LOG_FILE = 'audit-log.jsonl';
export const AUDIT_CHECKPOINTS_FILE = 'audit-checkpoints.jsonl';
export const AUDIT_HEAD_FILE = 'audit-head.jws';

/** The `prev` of entry 1. */
export const GENESIS = '0'.repeat(64);

export const HEX64 = /^[0-9a-f]{64}$/;

export function auditError(message: string, hint?: string): CertifyError {
  return new CertifyError('AUDIT_LOG', message, [], hint);
}

/** A hash as messages show it: its first 12 hex digits. */
export function short(hash: string): string {
  return `${hash.slice(0, 12)}…`;
}

export function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
