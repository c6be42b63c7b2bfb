/**
 * Evidence builds as jobs (services/evidence-build.ts), as the bot runs them: when the requester
 * was answered "building…", the replica that finishes the build posts the approval card to the
 * channel the request came from, as the requesting replica once did itself. A card that cannot
 * be posted is logged, not retried: a retried job would find the bundle built and do nothing.
 */
import type { View } from '../../cards/views.js';
import type { Telemetry } from '../../base/telemetry.js';
import { defineEvidenceBuildJob, type SettledBuild } from '../../services/evidence-build.js';
import type { EvidenceService } from '../../services/evidence.js';
import type { JobDefinition, JobQueue } from '../../store/jobs/types.js';
import { evidenceView } from '../commands/evidence.js';
import type { BotChannel, Log } from '../types.js';

export { EVIDENCE_BUILD_JOB, EVIDENCE_BUILD_OPTIONS } from '../../services/evidence-build.js';

const CHANNEL_KINDS: ReadonlySet<string> = new Set<BotChannel['kind']>(['teams', 'slack', 'playground']);

/** Defines the job on `jobs` (before it starts); the evidence service whose builds go there. */
export function defineEvidenceBuild(
  jobs: JobQueue,
  deps: {
    evidence: EvidenceService;
    /** Posts a card to a channel (the core's `notify`). */
    notify?: (channel: BotChannel, view: View) => Promise<void>;
    log: Log;
    options?: JobDefinition;
    telemetry?: Telemetry;
  },
): EvidenceService {
  const postCard = async ({ request, postCard: wanted }: SettledBuild) => {
    if (!wanted) return;
    const { kind, id } = request.channel;
    if (!deps.notify || !CHANNEL_KINDS.has(kind)) {
      deps.log('evidence.card_unsent', { level: 'warn', id: request.id, channel: kind });
      return;
    }
    try {
      await deps.notify({ kind: kind as BotChannel['kind'], id }, evidenceView(request));
    } catch (e) {
      deps.log('evidence.card_failed', {
        level: 'error',
        id: request.id,
        channel: kind,
        error: (e as Error).message ?? String(e),
      });
    }
  };
  const builds = defineEvidenceBuildJob(jobs, {
    evidence: deps.evidence,
    settled: postCard,
    log: deps.log,
    ...(deps.options ? { options: deps.options } : {}),
    ...(deps.telemetry ? { telemetry: deps.telemetry } : {}),
  });
  return deps.evidence.withBuildQueue(builds);
}
