/** What every command handler is given: the ports, the services, who asks, where and when. */
import type { ChartService } from '../../services/charts.js';
import type { EvidenceService } from '../../services/evidence.js';
import type { ParameterService } from '../../services/parameters.js';
import type { ProvenanceService } from '../../services/rotation.js';
import type { RuleService } from '../../services/rules.js';
import type { CertifyPorts, ScanService } from '../../services/scan.js';
import type { Source } from '../../scanner/sources/types.js';
import type { AlertStore } from '../../store/alerts.js';
import type { AuditLog } from '../../store/audit-log.js';
import type { Actor } from '../../evidence/types.js';

export interface CommandContext {
  ports: CertifyPorts;
  /** Where a scan collects from, when one is needed. */
  source: Source;
  /** Scans over `ports` and `source`; a saved one is recorded in the audit log. */
  scans: ScanService;
  /** Custom rules over `ports`; every change is recorded in the audit log. */
  rules: RuleService;
  /**
   * Organisation parameters over `ports`: anyone reads them, only approvers change them (decided
   * by the service), every change is recorded. Without it `/certify parameters` says they are off.
   */
  parameters?: ParameterService;
  /** Epoch ms: the time of any scan this command runs. */
  now: number;
  user: { id: string; name: string };
  channel: { kind: 'teams' | 'slack' | 'playground'; id: string };
  /** Proactive-alert state; without it subscribe / alerts / ack answer that alerts are off. */
  alerts?: AlertStore;
  /** Told of an unexpected error (for the service log); the user only sees "Something went wrong". */
  onError?: (error: unknown) => void;
  /** Evidence bundles and their approvals; without it `/certify evidence` says it is off. */
  evidence?: EvidenceService;
  /** Rotation with provenance certificates; without it `/certify rotate` says it is off. */
  provenance?: ProvenanceService;
  /**
   * Draws the score trend as a picture behind an expiring link (services/charts.ts); without it
   * the trend and score views carry no chart (the CLI, a core wired for tests).
   */
  charts?: Pick<ChartService, 'chartFor' | 'publicLinks'>;
  /** Operator audit log: rule and subscription changes are recorded in it. */
  audit?: AuditLog;
  /** How long a build may take before the answer is "building…" (default PROGRESS_AFTER_MS). */
  progressAfterMs?: number;
}

/** Who pressed or typed, as the audit log and the approval rules see them. */
export const actorOf = (ctx: CommandContext): Actor => ({
  id: ctx.user.id,
  name: ctx.user.name,
  channel: ctx.channel.kind,
});
