/**
 * Verifies the operator audit log in a data directory: reads its three files and hands their
 * contents to the pure verifier (evidence/audit/verify.ts).
 */
import { join } from 'node:path';
import type { Jwks } from '../base/jws.js';
import { AUDIT_CHECKPOINTS_FILE, AUDIT_HEAD_FILE, AUDIT_LOG_FILE } from '../evidence/audit/format.js';
import { verifyAuditContents, type AuditVerification } from '../evidence/audit/verify.js';
import { readIfExists } from './audit-files.js';
import { acquireFileLock, type HeldLock } from './file-lock.js';

/** Reads the files from dataDir and verifies them; missing files = empty log (ok). */
export async function verifyAuditLog(dataDir: string, jwks: Jwks): Promise<AuditVerification> {
  // Under the writers' lock, so a concurrent append is not mistaken for a log ahead of its head.
  // Best effort: a read-only copy (an extracted bundle, a backup) is verified without it.
  let held: HeldLock | null;
  try {
    held = await acquireFileLock(join(dataDir, AUDIT_LOG_FILE), { createDir: false, waitMs: 5_000 });
  } catch {
    held = null;
  }
  try {
    const [log, checkpoints, head] = await Promise.all(
      [AUDIT_LOG_FILE, AUDIT_CHECKPOINTS_FILE, AUDIT_HEAD_FILE].map((name) =>
        readIfExists(join(dataDir, name)),
      ),
    );
    return verifyAuditContents({ log: log ?? '', checkpoints: checkpoints ?? '', head: head ?? null }, jwks);
  } finally {
    await held?.release();
  }
}
