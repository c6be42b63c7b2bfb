import { recentRuns } from '../families/sync.js';
import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'SYN004',
    name: 'No Failed Syncs (24h)',
    severity: 'Medium',
    class: 'framework',
    category: 'sync',
    description:
      'Any sync run that failed in the last 24 hours leaves a target cloud with a possibly outdated secret.',
    remediation: 'Fix the cause of each failed sync and re-run it.',
    needs: ['syncRecords'],
  },
  (inv, now) => {
    const { total, recordsWith } = recentRuns(inv.syncRecords!, now);
    return listOutcome(
      total,
      recordsWith((status) => status === 'failed'),
    );
  },
);
