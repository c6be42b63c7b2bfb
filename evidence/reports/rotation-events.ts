/**
 * Report 2: the rotation event population over the period, from the source's rotation events
 * and from the rotations Certify itself performed (audit entries `credential.rotated`).
 */
import { parseAssetUrl } from '../../base/asset-url.js';
import { toMs } from '../../base/time.js';
import type { AuditEntry, Cell } from '../types.js';
import { col, count, iso, notCollected, type ReportSpec } from './common.js';

export const CERTIFY_ROTATION_ACTION = 'credential.rotated';

interface Row {
  sortMs: number;
  source: string;
  id: string;
  cells: Cell[];
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function certifyRow(e: AuditEntry, vaultUris: ReadonlyMap<string, string>): Row {
  const d = e.details;
  const vault = str(d.vault);
  const secret = str(d.secretName ?? d.secret);
  const uri = vault === null ? undefined : vaultUris.get(vault.toLowerCase());
  // The URL is only formed from a vault the inventory knows: guessing the DNS suffix would be
  // wrong for sovereign clouds.
  const credentialId = uri !== undefined && secret !== null ? `${uri}/secrets/${secret}` : null;
  const status = str(d.status) ?? 'succeeded';
  const fullStack = typeof d.fullStack === 'boolean' ? d.fullStack : null;
  const at = iso(e.at);
  return {
    sortMs: toMs(e.at),
    source: 'certify',
    id: `audit:${e.seq}`,
    cells: [
      `audit:${e.seq}`,
      'certify',
      credentialId,
      vault,
      secret,
      str(d.version),
      fullStack,
      status,
      null,
      at,
      null,
      e.actor.name,
      str(d.preset),
      str(d.certificateId),
    ],
  };
}

export const rotationEvents: ReportSpec = {
  id: 'rotation-events',
  title: 'Rotation events',
  basis: 'period',
  describe: (ctx) =>
    `Every credential rotation that overlaps ${ctx.period}: the rotation events the source reported ` +
    '(an event counts when it started or finished inside the period, or ran across it) and the ' +
    'rotations Certify performed itself, taken from the operator audit log. Ordered by start time ' +
    '(finish time when the start is unknown).',
  columns: [
    col('event_id', "The source's event id, or audit:<seq> for a rotation Certify performed."),
    col(
      'source',
      'inventory (reported by the scanned source) or certify (recorded in the operator audit log).',
    ),
    col('credential_id', 'URL of the rotated credential without version; empty when it cannot be formed.'),
    col('vault', 'Name of the vault holding the credential.'),
    col('credential_name', 'Name of the credential in its vault.'),
    col('version', 'The new version written by the rotation, when recorded.'),
    col(
      'full_stack',
      'true when the rotation also updated every consumer of the credential; empty when unknown.',
    ),
    col('status', 'succeeded or failed.'),
    col('started_at', 'When the rotation started (ISO 8601 UTC); empty when not recorded.'),
    col('finished_at', 'When the rotation finished (ISO 8601 UTC); empty while it has not finished.'),
    col('duration_seconds', 'finished_at − started_at in seconds; empty when either is missing.'),
    col('actor', 'For Certify rotations, the operator who requested it.'),
    col('preset', 'For Certify rotations, the compliance preset the new value was generated to.'),
    col('provenance_certificate', 'For Certify rotations, the id of the signed provenance certificate.'),
  ],
  build(input) {
    const inv = input.snapshot.inventory;
    const fromMs = toMs(input.period.from);
    const toMsEnd = toMs(input.period.to);
    const rows: Row[] = [];
    const notes: string[] = [];
    let failed = 0;
    // Certify's own rotations are also added to each scan's rotation events (rot-… ids); the
    // audit log's entry is the fuller record of them, so they are listed once, from there.
    const certifyRotations = new Set(
      input.auditEntries.filter((e) => e.action === CERTIFY_ROTATION_ACTION).map((e) => e.subject),
    );
    if (inv.rotationEvents === undefined) notes.push(notCollected('rotation events'));
    else {
      for (const ev of inv.rotationEvents) {
        if (certifyRotations.has(ev.id)) continue;
        const start = toMs(ev.startedAt);
        const finish = toMs(ev.finishedAt);
        const end = Number.isNaN(finish) ? start : finish;
        if (!(start <= toMsEnd && end >= fromMs)) continue;
        const parts = parseAssetUrl(ev.credentialId);
        if (ev.status === 'failed') failed++;
        rows.push({
          sortMs: start,
          source: 'inventory',
          id: ev.id,
          cells: [
            ev.id,
            'inventory',
            ev.credentialId,
            parts?.vault ?? null,
            parts?.name ?? null,
            null,
            ev.fullStack,
            ev.status,
            iso(ev.startedAt),
            iso(ev.finishedAt),
            Number.isNaN(finish) ? null : (finish - start) / 1000,
            null,
            null,
            null,
          ],
        });
      }
    }
    const vaultUris = new Map<string, string>();
    for (const v of inv.vaults) vaultUris.set(v.name.toLowerCase(), v.vaultUri.replace(/\/+$/, ''));
    let certify = 0;
    let unknownVault = 0;
    for (const e of input.auditEntries) {
      if (e.action !== CERTIFY_ROTATION_ACTION) continue;
      const row = certifyRow(e, vaultUris);
      if (row.cells[2] === null) unknownVault++;
      if (row.cells[7] === 'failed') failed++;
      rows.push(row);
      certify++;
    }
    rows.sort((a, b) => a.sortMs - b.sortMs || cmp(a.source, b.source) || cmp(a.id, b.id));
    notes.push(
      `${count(rows.length, 'rotation')} (${certify} by Certify), ${failed} failed.`,
      'Rotations performed by Certify are timed by their audit-log entry, written when the rotation completed; their start is not recorded.',
    );
    if (unknownVault > 0) {
      notes.push(
        `${count(unknownVault, 'Certify rotation')} named a vault absent from the scanned inventory; its credential_id is left empty.`,
      );
    }
    return { rows: rows.map((r) => r.cells), notes };
  },
};

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
