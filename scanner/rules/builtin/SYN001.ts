import { defineRule, ratioOutcome } from '../types.js';

const THRESHOLD = 0.8;

export default defineRule(
  {
    id: 'SYN001',
    name: 'Sync Coverage Active',
    severity: 'High',
    class: 'framework',
    category: 'sync',
    description:
      'At least 80% of multi-cloud sync records should be active, so copies of secrets in other clouds stay current.',
    remediation: 'Re-activate the inactive sync records, or delete those that are no longer needed.',
    needs: ['syncRecords'],
  },
  (inv) => {
    const records = inv.syncRecords!;
    const failing: string[] = [];
    for (let i = 0; i < records.length; i++) if (!records[i]!.active) failing.push(records[i]!.id);
    return ratioOutcome(records.length, records.length - failing.length, THRESHOLD, failing);
  },
);
