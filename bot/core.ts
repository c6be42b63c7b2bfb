import type { View } from '../cards/views.js';
import { NO_TELEMETRY, secondsSince, type Telemetry } from '../base/telemetry.js';
import { portServices } from '../app/ports.js';
import type { ParameterService } from '../services/parameters.js';
import type { RuleService } from '../services/rules.js';
import type { CertifyPorts, ScanService } from '../services/scan.js';
import type { AuditLog } from '../store/audit-log.js';
import type { ChartService } from '../services/charts.js';
import type { EvidenceService } from '../services/evidence.js';
import type { ProvenanceService } from '../services/rotation.js';
import type { Source } from '../scanner/sources/types.js';
import type { AlertStore } from '../store/alerts.js';
import { createInProcessJobQueue } from '../store/jobs/in-process.js';
import type { JobDefinition, JobQueue } from '../store/jobs/types.js';
import { commandFromAction, handleCommand, parseCommand, type Command } from './commands/index.js';
import { defineEvidenceBuild } from './jobs/evidence-build.js';
import type { BotChannel, BotCore, BotUser, Log } from './types.js';

/** Longest command text kept in the audit log (a custom rule's JSON can be long). */
const AUDIT_TEXT_MAX = 500;

/** The channel-neutral core: parse, handle, return a View. Every command and click is audited. */
export function createBotCore(deps: {
  ports: CertifyPorts;
  source: Source;
  /**
   * Scans and custom rules (the composition root's); a core given only ports and a source (tests)
   * has them built over those, recording in `audit`.
   */
  scans?: ScanService;
  rules?: RuleService;
  /** Organisation parameters (the composition root's); without it, one over the ports for `approvers`. */
  parameters?: ParameterService;
  /** Who may change parameters from chat when the core builds the parameter service itself. */
  approvers?: readonly string[];
  clock: () => number;
  /** Proactive-alert state (subscribe, alerts, Acknowledge / Snooze); absent: alerts are off. */
  alerts?: AlertStore;
  /** Evidence bundles and approvals; absent: `/certify evidence` says it is off. */
  evidence?: EvidenceService;
  /** Rotation with provenance certificates; absent: `/certify rotate` and `cert` say it is off. */
  provenance?: ProvenanceService;
  /** The operator audit log: every command and button press is appended before it runs. */
  audit?: AuditLog;
  /** Trend charts behind expiring links, on the trend and score views; absent: no chart. */
  charts?: Pick<ChartService, 'chartFor' | 'publicLinks'>;
  /** Posts a card to a channel later (the approval card of a long build, from its job). */
  notify?: (channel: BotChannel, view: View) => Promise<void>;
  /**
   * Where evidence builds run: the core defines the 'evidence-build' job on it, so pass it before
   * it starts. Without one, builds run on an in-process queue of the core's own.
   */
  jobs?: JobQueue;
  /** The evidence build job's retries and expiry (default EVIDENCE_BUILD_OPTIONS). */
  evidenceBuild?: JobDefinition;
  /** The evidence build job's log lines. */
  log?: Log;
  progressAfterMs?: number;
  onError?: (error: unknown) => void;
  /** A span and a latency point per command (default: none). */
  telemetry?: Telemetry;
}): BotCore {
  const over =
    deps.scans && deps.rules && deps.parameters
      ? null
      : portServices({
          ports: deps.ports,
          source: () => deps.source,
          audit: deps.audit ?? null,
          approvers: deps.approvers ?? [],
        });
  const scans = deps.scans ?? over!.scans;
  const rules = deps.rules ?? over!.rules;
  const parameters = deps.parameters ?? over!.parameters;
  const evidence = deps.evidence ? evidenceWithBuilds(deps.evidence, deps) : undefined;
  const context = (user: BotUser, channel: BotChannel, now: number) => ({
    ports: deps.ports,
    source: deps.source,
    scans,
    rules,
    parameters,
    now,
    user,
    channel,
    ...(deps.alerts ? { alerts: deps.alerts } : {}),
    ...(evidence ? { evidence } : {}),
    ...(deps.provenance ? { provenance: deps.provenance } : {}),
    ...(deps.audit ? { audit: deps.audit } : {}),
    ...(deps.charts ? { charts: deps.charts } : {}),
    ...(deps.progressAfterMs !== undefined ? { progressAfterMs: deps.progressAfterMs } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
  const telemetry = deps.telemetry ?? NO_TELEMETRY;
  /**
   * One span per command or button press, the scans and outbound calls it makes below it. Only
   * the command's name (from the fixed table), the input kind and the channel kind are recorded.
   */
  const traced = (
    command: Command,
    input: 'text' | 'button',
    channel: BotChannel,
    run: () => Promise<View>,
  ) => {
    const attributes = {
      'certify.command': command.name,
      'certify.input': input,
      'certify.channel': channel.kind,
    };
    const t0 = performance.now();
    return telemetry.span('certify.command', attributes, async (span) => {
      let outcome = 'error';
      try {
        const view = await run();
        outcome = 'ok';
        return view;
      } finally {
        span.set({ 'certify.outcome': outcome });
        telemetry.record('certify.command.duration', secondsSince(t0), {
          ...attributes,
          'certify.outcome': outcome,
        });
      }
    });
  };
  const actor = (user: BotUser, channel: BotChannel) => ({
    id: user.id,
    name: user.name,
    channel: channel.kind,
  });
  return {
    async answer(text, user, channel) {
      const command = parseCommand(text);
      return traced(command, 'text', channel, async () => {
        const now = deps.clock();
        await deps.audit?.append(
          {
            action: 'command',
            actor: actor(user, channel),
            subject: null,
            details: { text: text.trim().slice(0, AUDIT_TEXT_MAX), conversation: channel.id },
          },
          now,
        );
        return handleCommand(command, context(user, channel, now));
      });
    },
    async act(verb, data, user, channel) {
      const command = commandFromAction(verb, data);
      return traced(command, 'button', channel, async () => {
        const now = deps.clock();
        // The verb and the object it targets; input values (names, reasons) are logged by the step itself.
        await deps.audit?.append(
          {
            action: 'button',
            actor: actor(user, channel),
            subject: data.id ?? data.group ?? null,
            details: { verb, conversation: channel.id },
          },
          now,
        );
        return handleCommand(command, context(user, channel, now));
      });
    },
  };
}

/** The evidence service whose builds run on `deps.jobs`, or on a started in-process queue. */
function evidenceWithBuilds(
  evidence: EvidenceService,
  deps: Pick<Parameters<typeof createBotCore>[0], 'jobs' | 'notify' | 'log' | 'evidenceBuild' | 'telemetry'>,
): EvidenceService {
  const log = deps.log ?? (() => undefined);
  const jobs = deps.jobs ?? createInProcessJobQueue({ log });
  const bound = defineEvidenceBuild(jobs, {
    evidence,
    log,
    ...(deps.notify ? { notify: deps.notify } : {}),
    ...(deps.evidenceBuild ? { options: deps.evidenceBuild } : {}),
    ...(deps.telemetry ? { telemetry: deps.telemetry } : {}),
  });
  // An in-process queue starts at once (there is nothing to connect) and holds no timer while idle.
  if (!deps.jobs) void jobs.start();
  return bound;
}
