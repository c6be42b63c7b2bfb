/** Report 5: every multi-cloud sync run in the period, with the hashes that prove what was copied. */
import { toMs } from '../../base/time.js';
import type { Cell } from '../types.js';
import { col, count, iso, notCollected, type ReportSpec } from './common.js';

export const syncProvenance: ReportSpec = {
  id: 'sync-provenance',
  title: 'Multi-cloud sync provenance',
  basis: 'period',
  describe: (ctx) =>
    `Every run of every multi-cloud sync record whose time falls within ${ctx.period}, with the hash ` +
    'of the value read from Key Vault and of the value found at the target, ordered by run time. The ' +
    'sync records are those of the latest scan saved for the period; hashes only, never values.',
  columns: [
    col('record_id', 'Id of the sync record (one Key Vault secret copied to one target).'),
    col('secret_id', 'URL of the source secret without version.'),
    col('target', 'Where the secret is copied to, e.g. aws-secrets-manager:<region>:<name>.'),
    col('record_active', 'true when the sync record is active at the time of the scan.'),
    col('run_at', 'When the run happened (ISO 8601 UTC).'),
    col('status', 'succeeded or failed.'),
    col('source_hash', 'Hash of the value read from Key Vault, as recorded by the sync worker.'),
    col('target_hash', 'Hash of the value found at the target after the run.'),
    col(
      'hashes_match',
      'true when both hashes are present and equal, false when they differ, empty when either is missing.',
    ),
  ],
  build(input) {
    const inv = input.snapshot.inventory;
    if (inv.syncRecords === undefined) return { rows: [], notes: [notCollected('multi-cloud sync records')] };
    const fromMs = toMs(input.period.from);
    const toMsEnd = toMs(input.period.to);
    const found: { at: number; order: number; cells: Cell[] }[] = [];
    let failed = 0;
    let mismatched = 0;
    for (const r of inv.syncRecords) {
      for (const run of r.runs) {
        const at = toMs(run.at);
        if (!(at >= fromMs && at <= toMsEnd)) continue;
        const match =
          run.sourceHash === null || run.targetHash === null
            ? null
            : run.sourceHash.toLowerCase() === run.targetHash.toLowerCase();
        if (run.status === 'failed') failed++;
        if (match === false) mismatched++;
        found.push({
          at,
          order: found.length,
          cells: [
            r.id,
            r.secretId,
            r.target,
            r.active,
            iso(run.at),
            run.status,
            run.sourceHash,
            run.targetHash,
            match,
          ],
        });
      }
    }
    found.sort((a, b) => a.at - b.at || a.order - b.order);
    const notes = [
      `${count(found.length, 'run')} from ${count(inv.syncRecords.length, 'sync record')}; ${failed} failed, ${mismatched} with differing hashes.`,
    ];
    if (input.snapshot.afterPeriod) {
      notes.push(
        'The sync records come from a scan taken after the period; runs it no longer lists are missing.',
      );
    }
    return { rows: found.map((f) => f.cells), notes };
  },
};
