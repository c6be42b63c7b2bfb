/** Report 6: whether each vault's contents could be recovered after a deletion, and how much it holds. */
import type { Cell } from '../types.js';
import { col, count, type ReportSpec } from './common.js';

function tally(assets: readonly { vault: string }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const a of assets) {
    const k = a.vault.toLowerCase();
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

export const recoverability: ReportSpec = {
  id: 'recoverability',
  title: 'Recoverability posture per vault',
  basis: 'snapshot',
  describe: (ctx) =>
    `Per Key Vault, the deletion safeguards (soft delete, its retention, purge protection) and how many ` +
    `secrets, keys and certificates depend on them, from ${ctx.scan}.`,
  columns: [
    col('vault_id', 'ARM resource id of the vault.'),
    col('vault_name', 'Name of the vault.'),
    col('soft_delete', 'true when deleted objects are kept recoverable for the retention period.'),
    col('retention_days', 'Soft-delete retention in days (7–90); empty when Azure did not report it.'),
    col('purge_protection', 'true when nobody can purge a deleted object before its retention ends.'),
    col('recoverable', 'true when soft delete and purge protection are both on.'),
    col(
      'secrets',
      "Secrets listed in the vault, disabled and certificate-backing ones included; empty when the vault's contents could not be listed.",
    ),
    col('keys', "Keys listed in the vault; empty when the vault's contents could not be listed."),
    col(
      'certificates',
      "Certificates listed in the vault; empty when the vault's contents could not be listed.",
    ),
  ],
  build(input) {
    const inv = input.snapshot.inventory;
    const secrets = tally(inv.secrets);
    const keys = tally(inv.keys);
    const certs = tally(inv.certificates);
    const rows: Cell[][] = [];
    let recoverable = 0;
    let unlisted = 0;
    for (const v of inv.vaults) {
      const ok = v.softDeleteEnabled && v.purgeProtectionEnabled;
      if (ok) recoverable++;
      const k = v.name.toLowerCase();
      // A vault Certify could not list would show zero assets; that would read as "nothing at risk".
      const listed = v.accessError === null;
      if (!listed) unlisted++;
      rows.push([
        v.id,
        v.name,
        v.softDeleteEnabled,
        v.softDeleteRetentionDays,
        v.purgeProtectionEnabled,
        ok,
        listed ? (secrets.get(k) ?? 0) : null,
        listed ? (keys.get(k) ?? 0) : null,
        listed ? (certs.get(k) ?? 0) : null,
      ]);
    }
    const notes = [
      `${recoverable} of ${count(rows.length, 'vault')} recoverable (soft delete and purge protection on).`,
    ];
    if (unlisted > 0) {
      notes.push(
        `${count(unlisted, 'vault')} could not be listed on the data plane; their asset counts are left empty.`,
      );
    }
    return { rows, notes };
  },
};
