/** The storage ports (architecture.md): lowdb-backed by default, each behind its own interface. */
export { createDocument, openDocument, writeFileAtomic } from './json-file.js';
export type { DeepReadonly, DocumentOptions, JsonDocument } from './json-file.js';
export {
  createScanStore,
  DEFAULT_DETAILED_SUMMARIES,
  DEFAULT_HISTORY_LIMIT,
  FAILING_ASSETS_CAP,
  LATEST_SCAN_FILE,
  SCANS_FILE,
} from './scans.js';
export type { ScanResultHead, ScanStore, ScanStoreOptions } from './scans.js';
export { createCustomRuleStore, CUSTOM_RULES_FILE } from './custom-rules.js';
export type { CustomRuleStore, CustomRuleStoreOptions, CustomRuleValidator } from './custom-rules.js';
export { channelKey, createAlertStore, ALERTS_FILE, MAX_SENT_KEYS } from './alerts.js';
export type { AlertClaim, AlertStore, AlertSubscription, AlertChannel, AlertStoreOptions } from './alerts.js';
export { createConversationStore, CONVERSATIONS_FILE } from './conversations.js';
export type { ConversationStore } from './conversations.js';
export { createSnapshotStore, DEFAULT_SNAPSHOT_LIMIT, SNAPSHOTS_DIR } from './snapshots.js';
export type { Snapshot, SnapshotStore } from './snapshots.js';
export { createEvidenceRequestStore, EVIDENCE_FILE } from './evidence-requests.js';
export type {
  DownloadLink,
  EvidencePerson,
  EvidenceRequest,
  EvidenceRequestStore,
} from './evidence-requests.js';
export { BUNDLES_DIR, createEvidenceFiles } from './evidence-files.js';
export type { EvidenceFiles, StoredZip } from './evidence-files.js';
export { createProvenanceStore, CERTIFICATES_FILE, ROTATIONS_FILE } from './provenance.js';
export type { ProvenanceStore, RotationPerson, RotationRequest, StoredCertificate } from './provenance.js';
export { createParameterStore, PARAMETERS_FILE } from './parameters.js';
export { createChartStore, CHARTS_DIR } from './charts.js';
export type { ChartStore, StoredChart } from './charts.js';
export { createHomeViewers, HOME_VIEWERS_FILE, MAX_HOME_VIEWERS } from './home-viewers.js';
export type { HomeViewer, HomeViewers } from './home-viewers.js';
export type { ParameterStore } from './parameters.js';
