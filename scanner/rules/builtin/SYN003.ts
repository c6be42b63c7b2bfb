import { SYNC_WORKER_ID } from '../../inventory/ids.js';
import { MINUTE_MS, toMs } from '../../../base/time.js';
import { defineRule, listOutcome, NOT_APPLICABLE } from '../types.js';

const HEARTBEAT_MAX_MINUTES = 15;

export default defineRule(
  {
    id: 'SYN003',
    name: 'Sync Worker Running',
    severity: 'Critical',
    class: 'operational',
    category: 'sync',
    description:
      'When active sync records exist, a sync worker must be running and have reported within the last 15 minutes, or no sync happens at all.',
    remediation: 'Start or restart the sync worker and check that it reports its heartbeat.',
    needs: ['syncRecords', 'syncWorker'],
  },
  (inv, now) => {
    if (!inv.syncRecords!.some((r) => r.active)) return { ...NOT_APPLICABLE, failing: [] };
    const worker = inv.syncWorker;
    const heartbeat = toMs(worker?.lastHeartbeat);
    const healthy =
      worker != null &&
      worker.running &&
      !Number.isNaN(heartbeat) &&
      now - heartbeat <= HEARTBEAT_MAX_MINUTES * MINUTE_MS;
    return listOutcome(1, healthy ? [] : [SYNC_WORKER_ID]);
  },
);
