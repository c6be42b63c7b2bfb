import { recentRuns } from '../families/sync.js';
import { defineRule, ratioOutcome } from '../types.js';

const THRESHOLD = 0.9;

export default defineRule(
  {
    id: 'SYN002',
    name: 'Sync Success Rate',
    severity: 'High',
    class: 'framework',
    category: 'sync',
    description:
      'At least 90% of sync runs in the last 24 hours should succeed, otherwise other clouds hold outdated copies.',
    remediation: 'Look at the failing sync targets (credentials, network, quotas) and re-run their syncs.',
    needs: ['syncRecords'],
  },
  (inv, now) => {
    const { total, succeeded, recordsWith } = recentRuns(inv.syncRecords!, now);
    return ratioOutcome(
      total,
      succeeded,
      THRESHOLD,
      recordsWith((status) => status !== 'succeeded'),
    );
  },
);
