/**
 * The stores of a backend (a data dir, or PostgreSQL) as the services' ports, and the scan, rule
 * and parameter services over them. No store touches the disk or the database until it is used,
 * so building the ports creates no file and opens no connection.
 */
import { BUILTIN_RULE_IDS } from '../scanner/rules/builtin/index.js';
import { validateCustomRule } from '../scanner/rules/custom.js';
import type { Source } from '../scanner/sources/types.js';
import type { AuditLog } from '../store/audit-log.js';
import type { StoreBackend } from '../store/backend.js';
import { embeddedBackend } from '../store/embedded-backend.js';
import { createParameterService, type ParameterService } from '../services/parameters.js';
import { createRuleService, type RuleService } from '../services/rules.js';
import { createScanService, defaultScanId, type CertifyPorts, type ScanService } from '../services/scan.js';

export function openPorts(
  store: string | StoreBackend,
  historyLimit: number,
  snapshotLimit?: number,
): CertifyPorts {
  const backend = typeof store === 'string' ? embeddedBackend(store) : store;
  const scans = backend.scans({ limit: historyLimit });
  // Read-only here: what evidence was built from must outlive snapshot pruning. Another process
  // or replica may add requests at any time, so each question asks the store afresh.
  const requests = backend.evidenceRequests();
  return {
    snapshots: backend.snapshots({
      ...(snapshotLimit === undefined ? {} : { limit: snapshotLimit }),
      // Evidence's snapshots, and the latest scan's: the embedded store reads its result there.
      referenced: async () => {
        const [inUse, latest] = await Promise.all([backend.scanIdsInUse(requests), scans.latestScanId()]);
        return latest === null ? inUse : new Set([...inUse, latest]);
      },
      saved: async () => {
        // The latest scan's id alone: its result (~150 MB at a million assets) is not read for it.
        const latest = await scans.latestScanId();
        const history = await scans.history();
        return new Set([...history.map((s) => s.scanId), ...(latest !== null ? [latest] : [])]);
      },
    }),
    scans,
    customRules: backend.customRules({
      builtinIds: BUILTIN_RULE_IDS,
      validate: (input) => validateCustomRule(input, { builtinIds: BUILTIN_RULE_IDS }),
    }),
    parameters: backend.parameters(),
    newScanId: defaultScanId,
  };
}

/**
 * The services that need nothing but the ports, a source, the audit log and the approvers:
 * scans, custom rules and organisation parameters.
 */
export interface PortServices {
  scans: ScanService;
  rules: RuleService;
  parameters: ParameterService;
}

export function portServices(deps: {
  ports: CertifyPorts;
  /** Called when a scan needs the configured source. */
  source: () => Source;
  audit: Pick<AuditLog, 'append'> | null;
  /** Who may change organisation parameters from chat (default: nobody; the CLI always may). */
  approvers?: readonly string[];
}): PortServices {
  const parameters = createParameterService({
    store: deps.ports.parameters,
    audit: deps.audit,
    approvers: deps.approvers ?? [],
  });
  return {
    scans: createScanService({ ports: deps.ports, source: deps.source, audit: deps.audit, parameters }),
    rules: createRuleService({ store: deps.ports.customRules, audit: deps.audit }),
    parameters,
  };
}
