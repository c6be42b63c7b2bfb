/**
 * The PostgreSQL store: every port on one pool, opened (connected and migrated) on first use or
 * by open() at start-up. Replicas share everything here, evidence bundles' files included; only
 * the signing key (and the embedded TSA) stays in each replica's data dir (mount the same in every replica).
 */
import type { StoreBackend } from '../backend.js';
import type { EvidenceRequestStore } from '../evidence-requests.js';
import { createPgAlertStore } from './alerts.js';
import { openPgAuditLog, verifyPgAuditLog } from './audit-log.js';
import { createPgConversationStore } from './conversations.js';
import { createPgCustomRuleStore } from './custom-rules.js';
import { createPgChartStore } from './charts.js';
import { createPgDeliveryLedger } from './delivery-ledger.js';
import { createPgEvidenceFiles } from './evidence-files.js';
import { createPgEvidenceRequestStore, type PgEvidenceRequestStore } from './evidence-requests.js';
import { createPgHomeViewers } from './home-viewers.js';
import { lazyDatabase } from './lazy-database.js';
import { createPgParameterStore } from './parameters.js';
import { redactUrl, type PgPoolOptions } from './pool.js';
import { createPgProvenanceStore } from './provenance.js';
import { createPgScanStore } from './scans.js';
import { createPgSnapshotStore } from './snapshots.js';

function isPgRequests(store: EvidenceRequestStore): store is PgEvidenceRequestStore {
  return typeof (store as Partial<PgEvidenceRequestStore>).scanIdsInUse === 'function';
}

export function postgresBackend(url: string, options: PgPoolOptions = {}): StoreBackend {
  const db = lazyDatabase(url, options);
  const { pool } = db;
  const where = redactUrl(url);
  return {
    kind: 'postgres',
    where,
    scans: (opts) => createPgScanStore(pool, opts),
    snapshots: (opts) => createPgSnapshotStore(pool, opts),
    customRules: (opts) => createPgCustomRuleStore(pool, opts),
    parameters: () => createPgParameterStore(pool),
    evidenceRequests: () => createPgEvidenceRequestStore(pool),
    evidenceFiles: () => createPgEvidenceFiles(pool),
    scanIdsInUse: async (requests) => {
      if (isPgRequests(requests)) return requests.scanIdsInUse();
      throw new TypeError('the PostgreSQL store asks its own evidence request store');
    },
    alerts: () => createPgAlertStore(pool),
    conversations: () => createPgConversationStore(pool),
    provenance: () => createPgProvenanceStore(pool),
    charts: () => createPgChartStore(pool),
    homeViewers: () => createPgHomeViewers(pool),
    deliveryLedger: (windowMs) => createPgDeliveryLedger(pool, { windowMs }),
    auditLog: (signer) => openPgAuditLog(pool, signer),
    verifyAuditLog: async (jwks) => {
      await db.open();
      return verifyPgAuditLog(pool, jwks);
    },
    open: async () => {
      const schema = await db.open();
      const applied = schema.applied.map((m) => `${m.version} ${m.name}`).join(', ');
      return `PostgreSQL store at ${where}, schema ${schema.to}${applied ? ` (migrated now: ${applied})` : ''}`;
    },
    ping: (timeoutMs) => db.ping(timeoutMs),
    close: () => db.close(),
  };
}
