/**
 * The bot service, loaded by bot/main.ts once telemetry (if any) is registered. The configuration is read from the environment here, every
 * service is built from it by the composition root (app/compose.ts), and the edge adds the core,
 * the channel adapters, the scheduler and the server.
 * This is the one bot module that prints (its start-up lines); everything else logs structured lines.
 */
/* eslint-disable no-console -- the entry point prints its start-up lines and fatal errors; the rest logs */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '../app/compose.js';
import { secretWriterFor } from '../app/config.js';
import { packageInfo } from '../base/package-info.js';
import { isCertifyError } from '../base/errors.js';
import { readBotEnv, type BotConfig } from './config.js';
import { runAlerts, type AlertNotifiers } from './alerts/deliver.js';
import { createBotCore } from './core.js';
import { openJobQueue, readJobTuning } from '../app/jobs.js';
import { SCHEDULE_SINGLETON_KEY } from '../store/jobs/types.js';
import { defineAlertDelivery } from './jobs/alert-delivery.js';
import { EVIDENCE_BUILD_OPTIONS } from './jobs/evidence-build.js';
import { defineScheduledScan, SCHEDULED_SCAN_JOB, SCHEDULED_SCAN_OPTIONS } from './jobs/scheduled-scan.js';
import { guardDownloads } from './download-guard.js';
import { createPlaygroundFeed } from './playground-feed.js';
import { cronPeriodMs, readiness } from './readiness.js';
import { createServer } from './server.js';
import { createShutdown } from './shutdown.js';
import type { StoredReference } from './teams/references.js';
import type { BotChannel, BotCore, Log, Route } from './types.js';
import type { Services } from '../app/compose.js';
import type { View } from '../cards/views.js';

/** One JSON line per event on stdout: what log collectors ingest without parsing rules. */
const log: Log = (event, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), event, ...fields })}\n`);
};

/**
 * The adapters are loaded only when configured, so a playground-only start never loads the chat
 * SDKs. Contract: `./slack/index.js` exports `createSlackRoute({ config, core, log }) → Route`,
 * `./teams/index.js` exports `createTeamsRoute({ config, core, log, references }) → Route` and
 * `createMemoryReferenceStore()`.
 */
async function adapterRoutes(
  config: BotConfig,
  core: BotCore,
  services: Services,
): Promise<{ routes: Record<string, Route>; notifiers: AlertNotifiers }> {
  const routes: Record<string, Route> = {};
  const notifiers: AlertNotifiers = {};
  const slack = config.slack;
  if (slack) {
    try {
      const { createSlackRoute, createSlackNotifier, DELIVERY_WINDOW_MS } = await import('./slack/index.js');
      // Shared by the replicas when the store is: Slack retries to whichever replica it reaches.
      const ledger = services.store.deliveryLedger(DELIVERY_WINDOW_MS);
      routes['POST /slack/events'] = createSlackRoute({
        config: { ...config, slack },
        core,
        log,
        ...(ledger ? { ledger } : {}),
      });
      notifiers.slack = createSlackNotifier({ config: { slack }, log });
    } catch (e) {
      throw new Error(`the Slack adapter could not start: ${(e as Error).message}`, { cause: e });
    }
  }
  if (config.teams || config.teamsLocal) {
    try {
      const { createTeamsRoute, createTeamsNotifier } = await import('./teams/index.js');
      // In the data dir, so proactive alerts still reach known conversations after a restart.
      const references = services.conversations<StoredReference>();
      routes['POST /api/messages'] = createTeamsRoute({ config, core, log, references });
      notifiers.teams = createTeamsNotifier({ config, log, references });
    } catch (e) {
      throw new Error(`the Teams adapter could not start: ${(e as Error).message}`, { cause: e });
    }
  }
  return { routes, notifiers };
}

/** A card for one channel, through that channel's proactive sender. */
async function postTo(notifiers: AlertNotifiers, channel: BotChannel, view: View): Promise<void> {
  if (channel.kind === 'slack') await notifiers.slack?.post(channel.id, view);
  else if (channel.kind === 'teams') await notifiers.teams?.send(channel.id, view);
  else await notifiers.playground?.push(view);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** A probe that waits longer than Kubernetes' default 1 s timeout fails anyway. */
const PING_TIMEOUT_MS = 800;

async function main(): Promise<number> {
  const startedAt = Date.now();
  const cwd = process.cwd();
  // Node's own .env reader; the real environment wins over the file for variables set in both.
  const envFile = join(cwd, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);

  let config: BotConfig;
  let tuning: ReturnType<typeof readJobTuning>;
  try {
    config = readBotEnv(process.env, cwd);
    tuning = readJobTuning(process.env);
  } catch (e) {
    if (!isCertifyError(e)) throw e;
    const lines = [`error: ${e.message}`, ...e.problems.map((p) => `  - ${p}`)];
    if (e.hint) lines.push(`hint: ${e.hint}`);
    console.error(lines.join('\n'));
    return e.exitCode;
  }

  // Every service from the composition root; the bot builds them all now, so a broken setting
  // (a source, a key, the time-stamping authority) stops the start-up here.
  const services = composeServices(
    { ...config, secretWriter: secretWriterFor(config.source) },
    {
      env: process.env,
      cwd,
      clock: Date.now,
      onNotice: (message) => log('audit_log_repaired', { level: 'warn', message }),
    },
  );
  // The store first: an unreachable database, or one a newer Certify migrated, stops us here.
  log('store.opened', { store: await services.store.open() });
  const ports = services.ports;
  // A scan killed between its snapshot and its history leaves a file nothing names.
  const orphans = await ports.snapshots.removeOrphans().catch((e: unknown) => {
    log('snapshots.orphans_failed', { level: 'warn', error: (e as Error).message });
    return [];
  });
  if (orphans.length > 0) log('snapshots.orphans_removed', { count: orphans.length, scanIds: orphans });
  const source = services.source;
  const alerts = services.alerts;
  const evidence = await services.evidence();
  // From here on every scan sees what this service issued and rotated.
  const provenance = await services.provenance();
  // Background work as jobs: in this process on the embedded store, in pg-boss (any replica,
  // surviving a replica's death) on PostgreSQL. Every job is defined before it starts.
  const jobs = await openJobQueue(config, { env: process.env, log, tuning });
  // Filled in once the adapters exist: the evidence build job posts long builds' cards through them.
  let notifiers: AlertNotifiers = {};
  // The core defines the evidence-build job on `jobs`: a bundle requested here may be built by
  // any replica, which then posts its card.
  const core = createBotCore({
    ports,
    source,
    scans: services.scans,
    rules: services.rules,
    parameters: services.parameters,
    clock: Date.now,
    alerts,
    evidence: evidence.service,
    provenance: provenance.service,
    audit: evidence.audit,
    notify: (channel, view) => postTo(notifiers, channel, view),
    jobs,
    evidenceBuild: { ...EVIDENCE_BUILD_OPTIONS, heartbeatSeconds: tuning.heartbeatSeconds },
    log,
    onError: (e) => log('command_error', { level: 'error', error: (e as Error).message ?? String(e) }),
  });
  const adapters = await adapterRoutes(config, core, services);
  const routes = adapters.routes;
  notifiers = adapters.notifiers;
  const feed = config.playground ? createPlaygroundFeed() : null;
  if (feed) notifiers.playground = feed;
  await evidence.audit.append(
    {
      action: 'service.started',
      actor: { id: 'certify', name: 'Certify service', channel: 'service' },
      subject: null,
      details: {
        version: packageInfo().version,
        source: config.source,
        approvers: config.approvers.join(','),
        tsa: config.tsaUrl ?? 'local',
        teams: config.teams !== null,
        slack: config.slack !== null,
        playground: config.playground,
        signingKey: evidence.signer.kid,
        secretWriter: provenance.writer.kind,
      },
    },
    Date.now(),
  );
  const enqueue = defineAlertDelivery(jobs, { alerts, notifiers: () => notifiers, log });
  defineScheduledScan(jobs, {
    ports,
    source,
    audit: evidence.audit,
    clock: Date.now,
    log,
    afterScan: () => runAlerts({ ports, alerts, notifiers, now: Date.now(), log, enqueue }),
    options: { ...SCHEDULED_SCAN_OPTIONS, heartbeatSeconds: tuning.heartbeatSeconds },
  });
  await jobs.start();
  await jobs.schedule(SCHEDULED_SCAN_JOB, config.scanCron, config.scanTimezone, {});
  /** "The scheduled scan, now": queued unless one is already queued or running (on any replica). */
  const runScheduledScan = async (): Promise<string> =>
    (await jobs.send(SCHEDULED_SCAN_JOB, { reason: 'forced' }, { singletonKey: SCHEDULE_SINGLETON_KEY }))
      ? 'queued'
      : 'skipped';
  const server = createServer({
    config,
    core,
    log,
    routes,
    version: packageInfo().version,
    ...(feed ? { playgroundFeed: feed, runScheduledScan } : {}),
    jwks: () => evidence.signer.jwks(),
    certificates: {
      lookup: (id) => provenance.service.certificate(id, Date.now()),
      jwksUrl: () => provenance.service.jwksUrl(),
    },
    redeemDownload: guardDownloads(evidence.service, { log, clock: Date.now }),
    readiness: async () => {
      const now = Date.now();
      const storeProblem = await services.store.ping(PING_TIMEOUT_MS).then(
        () => null,
        (e: unknown) => (e as Error).message,
      );
      let signerProblem: string | null = null;
      try {
        if (evidence.signer.sign(Buffer.from('readyz')).length === 0) signerProblem = 'signed nothing';
      } catch (e) {
        signerProblem = (e as Error).message;
      }
      // Only when the store answers: otherwise the reason is already named above.
      const latest = storeProblem === null ? await ports.scans.history(1).catch(() => []) : [];
      const lastScan = latest[0] ? Date.parse(latest[0].now) : Number.NaN;
      return readiness({
        now,
        startedAt,
        storeProblem,
        signerProblem,
        lastScanAt: Number.isFinite(lastScan) ? lastScan : null,
        periodMs: cronPeriodMs(config.scanCron, now),
      });
    },
  });
  const { port } = await server.listen();
  if (config.scanOnStart) log('scheduled_scan.requested', { outcome: await runScheduledScan() });

  // The playground answers only on loopback names or CERTIFY_PUBLIC_URL's host: show a URL that works.
  const listensLocally = isLoopback(config.host) || config.host === '0.0.0.0' || config.host === '::';
  const base = listensLocally ? `http://localhost:${port}` : config.publicUrl;
  const channels = [
    config.teams?.appId ? 'Teams' : config.teamsLocal ? 'Teams (local mode)' : null,
    config.slack ? 'Slack' : null,
    config.playground ? 'playground' : null,
  ]
    .filter((c) => c !== null)
    .join(', ');
  console.log(
    `Certify ${packageInfo().version} on Node ${process.version}, listening on ${config.host}:${port}${isLoopback(config.host) ? ' (this machine only; set HOST=0.0.0.0 to accept connections from the network)' : ''}`,
  );
  if (config.playground) {
    console.log(
      config.playgroundReadOnly === null
        ? `Playground: ${base}/ (local demo, no sign-in)`
        : `Playground: ${base}/ (read-only: ${config.playgroundReadOnly})`,
    );
  }
  console.log(
    `Channels: ${channels || 'none'} · source: ${config.source} · store: ${services.store.kind === 'postgres' ? services.store.where : config.dataDir}`,
  );
  console.log(
    `Scheduled scans: ${config.scanCron} (${config.scanTimezone}; next ${jobs.nextRun(SCHEDULED_SCAN_JOB)?.toISOString() ?? 'never'})${config.scanOnStart ? ' and one now' : ''}${services.store.kind === 'postgres' ? ', one replica at a time' : ''}`,
  );
  console.log(
    `Evidence: approvers ${config.approvers.join(', ') || 'none (set CERTIFY_APPROVERS)'} · timestamps: ${config.tsaUrl ?? 'embedded local TSA (not a trusted third party)'} · signing key ${evidence.signer.kid}`,
  );
  if (config.teamsLocal) {
    console.warn(
      `Teams local mode: ${base}/api/messages answers unauthenticated requests from this machine only (no MicrosoftAppId or CLIENT_ID); talk to it with the Microsoft 365 Agents Playground: npm run playground:teams`,
    );
  }

  const shutdown = createShutdown({
    server,
    jobs,
    store: services.store,
    audit: evidence.audit,
    log,
    exit: (code) => process.exit(code),
  });
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (e: unknown) => {
    console.error(`error: ${isCertifyError(e) ? e.message : ((e as Error).message ?? String(e))}`);
    if (isCertifyError(e)) for (const p of e.problems) console.error(`  - ${p}`);
    process.exit(isCertifyError(e) ? e.exitCode : 1);
  },
);
