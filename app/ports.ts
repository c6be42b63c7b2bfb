/**
 * The stores of a data dir as the services' ports, and the scan, rule and parameter services
 * over them. No store touches the disk until it is used, so building the ports creates no file.
 */
import type { Inventory } from '../scanner/inventory/types.js';
import { BUILTIN_RULE_IDS } from '../scanner/rules/builtin/index.js';
import { validateCustomRule } from '../scanner/rules/custom.js';
import type { ScanResult } from '../scanner/scan.js';
import type { Source } from '../scanner/sources/types.js';
import type { AuditLog } from '../store/audit-log.js';
import { createCustomRuleStore } from '../store/custom-rules.js';
import { createEvidenceRequestStore, scanIdsInUse } from '../store/evidence-requests.js';
import { createParameterStore } from '../store/parameters.js';
import { createScanStore } from '../store/scans.js';
import { createSnapshotStore } from '../store/snapshots.js';
import { createParameterService, type ParameterService } from '../services/parameters.js';
import { createRuleService, type RuleService } from '../services/rules.js';
import { createScanService, defaultScanId, type CertifyPorts, type ScanService } from '../services/scan.js';

export function openPorts(dataDir: string, historyLimit: number, snapshotLimit?: number): CertifyPorts {
  const scans = createScanStore<ScanResult>(dataDir, { limit: historyLimit });
  // Read-only here: what evidence was built from must outlive snapshot pruning. Another process
  // (the bot) may add requests at any time, so each question re-reads the file.
  const requests = createEvidenceRequestStore(dataDir);
  return {
    snapshots: createSnapshotStore<Inventory, ScanResult>(dataDir, {
      ...(snapshotLimit === undefined ? {} : { limit: snapshotLimit }),
      referenced: async () => scanIdsInUse(await requests.list()),
      saved: async () => {
        const latest = await scans.latest();
        const history = await scans.history();
        return new Set([...history.map((s) => s.scanId), ...(latest ? [latest.scanId] : [])]);
      },
    }),
    scans,
    customRules: createCustomRuleStore(dataDir, {
      builtinIds: BUILTIN_RULE_IDS,
      validate: (input) => validateCustomRule(input, { builtinIds: BUILTIN_RULE_IDS }),
    }),
    parameters: createParameterStore(dataDir),
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
