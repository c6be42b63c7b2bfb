/** The embedded store: JSON files in the data dir, one process (or several on one disk) at a time. */
import { access, constants } from 'node:fs/promises';
import { createAlertStore } from './alerts.js';
import { openAuditLog } from './audit-writer.js';
import { verifyAuditLog } from './audit-verify.js';
import type { StoreBackend } from './backend.js';
import { createChartStore } from './charts.js';
import { createConversationStore } from './conversations.js';
import { createCustomRuleStore } from './custom-rules.js';
import { createEvidenceFiles } from './evidence-files.js';
import { createEvidenceRequestStore, scanIdsInUse } from './evidence-requests.js';
import { createHomeViewers } from './home-viewers.js';
import { createParameterStore } from './parameters.js';
import { createProvenanceStore } from './provenance.js';
import { createScanStore } from './scans.js';
import { createSnapshotStore, hasSnapshot, readSnapshotResult } from './snapshots.js';

export function embeddedBackend(dataDir: string): StoreBackend {
  return {
    kind: 'embedded',
    where: dataDir,
    // The latest result is read from its snapshot, where a scan's save has just kept it.
    scans: (options) =>
      createScanStore(dataDir, options, {
        has: (scanId) => hasSnapshot(dataDir, scanId),
        result: (scanId) => readSnapshotResult(dataDir, scanId),
      }),
    snapshots: (options) => createSnapshotStore(dataDir, options),
    customRules: (options) => createCustomRuleStore(dataDir, options),
    parameters: () => createParameterStore(dataDir),
    evidenceRequests: () => createEvidenceRequestStore(dataDir),
    evidenceFiles: () => createEvidenceFiles(dataDir),
    scanIdsInUse: async (requests) => scanIdsInUse(await requests.list()),
    alerts: () => createAlertStore(dataDir),
    conversations: () => createConversationStore(dataDir),
    provenance: () => createProvenanceStore(dataDir),
    charts: () => createChartStore(dataDir),
    homeViewers: () => createHomeViewers(dataDir),
    deliveryLedger: () => null,
    auditLog: (signer, options) => openAuditLog(dataDir, signer, options),
    verifyAuditLog: (jwks) => verifyAuditLog(dataDir, jwks),
    open: async () => `embedded store in ${dataDir}`,
    // Local disk answers at once or with an error: the timeout is PostgreSQL's concern.
    ping: async () => access(dataDir, constants.R_OK | constants.W_OK),
    close: async () => undefined,
  };
}
