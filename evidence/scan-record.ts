/**
 * The operator audit entry a saved scan leaves (`scan.saved`): the scan id, who or what ran it,
 * its source, its asset counts and the digest of the inventory its snapshot keeps. Evidence is
 * built from saved scans, so this entry is the link an auditor follows from a bundle's scope to
 * the log, and from the log to the snapshot. Pure.
 */
import type { ScanResult } from '../scanner/scan.js';
import { INVENTORY_DIGEST_METHOD } from './inventory-digest.js';
import type { Actor, AuditEvent } from './types.js';

export const SCAN_SAVED = 'scan.saved';

export function scanSavedEvent(result: ScanResult, inventorySha256: string, actor: Actor): AuditEvent {
  const a = result.assets;
  return {
    action: SCAN_SAVED,
    actor,
    subject: result.scanId,
    details: {
      source: result.source,
      scannedAt: result.now,
      // Credentials in Key Vault; the vaults that hold them are counted on their own.
      assets: a.secrets + a.keys + a.certificates,
      vaults: a.vaults,
      secrets: a.secrets,
      keys: a.keys,
      certificates: a.certificates,
      inventorySha256,
      inventoryDigest: INVENTORY_DIGEST_METHOD,
    },
  };
}
