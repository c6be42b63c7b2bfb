/**
 * The bot service, started by bot/main.ts once telemetry (if any) is registered. The configuration is read from the environment here, every
 * service is built from it by the composition root (app/compose.ts), and the edge adds the core,
 * the channel adapters, the scheduler and the server.
 * Its start-up lines are log events like every other (bot/log.ts); only a configuration error
 * that stops the start-up before the log exists, and a fatal error, are printed (to stderr).
 */
/* eslint-disable no-console -- configuration and fatal errors are printed to stderr; the rest logs */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '../app/compose.js';
import { demoHistorySeeder } from '../app/demo-history.js';
import { secretWriterFor } from '../app/config.js';
import { packageInfo } from '../base/package-info.js';
import { isCertifyError } from '../base/errors.js';
import { readBotEnv, type BotConfig } from './config.js';
import { createLog } from './log.js';
import { runAlerts, type AlertNotifiers } from './alerts/deliver.js';
import { createBotCore } from './core.js';
import { openJobQueue, readJobTuning } from '../app/jobs.js';
import { SCHEDULE_SINGLETON_KEY } from '../store/jobs/types.js';
import { defineAlertDelivery } from './jobs/alert-delivery.js';
import { defineEventGridEvents } from './jobs/eventgrid-events.js';
import { EVIDENCE_BUILD_OPTIONS } from './jobs/evidence-build.js';
import { defineScheduledScan, SCHEDULED_SCAN_JOB, SCHEDULED_SCAN_OPTIONS } from './jobs/scheduled-scan.js';
import { guardDownloads } from './download-guard.js';
import { createChartService, type ChartService } from '../services/charts.js';
import { createHistoryService } from '../services/history.js';
import { trendChartInput } from '../charts/trend-svg.js';
import { SCORE_CHART_DAYS } from './commands/score.js';
import { createPlaygroundFeed } from './playground-feed.js';
import { cronPeriodMs, readiness } from './readiness.js';
import { createServer } from './server.js';
import { createShutdown } from './shutdown.js';
import type { SlackHomeDeps, SlackHomeRefresher } from './slack/index.js';
import type { StoredReference } from './teams/references.js';
import type { BotChannel, BotCore, Log, Route } from './types.js';
import type { Services } from '../app/compose.js';
import type { View } from '../cards/views.js';
import { NO_TELEMETRY } from '../base/telemetry.js';
import type { TelemetryRuntime } from './telemetry/start.js';

/**
 * One JSON line per event on stdout (bot/log.ts): what log collectors ingest without parsing
 * rules. Replaced by one at LOG_LEVEL as soon as the configuration is read.
 */
let log: Log = createLog({ version: packageInfo().version }).log;

/**
 * The adapters are loaded only when configured, so a playground-only start never loads the chat
 * SDKs. Contract: `./slack/index.js` exports `createSlackRoute({ config, core, log }) → Route`
 * and `createSlackSocket({ config, core, log }) → SlackSocket`, `./teams/index.js` exports
 * `createTeamsRoute({ config, core, log, references }) → Route` and `createMemoryReferenceStore()`.
 * In Socket Mode Slack has no route: nothing comes in, `slackSocket` connects out at start.
 */
export async function adapterRoutes(
  config: BotConfig,
  core: BotCore,
  services: Pick<Services, 'store' | 'conversations'> & Partial<Pick<Services, 'ports' | 'alerts'>>,
  logTo: Log = log,
  /** Draws the App Home's trend picture; absent, or links Slack cannot fetch: the sparkline alone. */
  charts?: ChartService,
): Promise<{
  routes: Record<string, Route>;
  notifiers: AlertNotifiers;
  slackSocket?: { start(): Promise<void>; stop(): Promise<void> };
  /** Republishes the App Home of the users who opened it (after each scheduled scan). */
  slackHome?: SlackHomeRefresher;
}> {
  const log = logTo;
  const routes: Record<string, Route> = {};
  const notifiers: AlertNotifiers = {};
  let slackSocket: { start(): Promise<void>; stop(): Promise<void> } | undefined;
  let slackHome: SlackHomeRefresher | undefined;
  const slack = config.slack;
  if (slack) {
    try {
      const { createSlackRoute, createSlackSocket, createSlackNotifier, DELIVERY_WINDOW_MS } =
        await import('./slack/index.js');
      // Shared by the replicas when the store is: Slack retries to whichever replica it reaches.
      const ledger = services.store.deliveryLedger(DELIVERY_WINDOW_MS);
      // The App Home reads the scans, rules, subscriptions and evidence requests (given when the
      // service starts); each scheduled scan republishes it for the users who opened it.
      let home: SlackHomeDeps | undefined;
      if (services.ports && services.alerts) {
        const { createHomeSource, createSlackHomeRefresher } = await import('./slack/index.js');
        const ports = services.ports;
        const source = createHomeSource({
          ports,
          alerts: services.alerts,
          evidenceRequests: services.store.evidenceRequests(),
          // The score card's window (90 days), not the home's short sparkline: the picture shows
          // the shape, the sparkline the last few scans.
          ...(charts?.publicLinks
            ? {
                chart: async () => {
                  const now = Date.now();
                  const trend = await createHistoryService({ scans: ports.scans }).history({
                    since: now - SCORE_CHART_DAYS * 86_400_000,
                  });
                  if (trend.points.length === 0) return null;
                  return charts.chartFor(trendChartInput(trend, SCORE_CHART_DAYS), now);
                },
              }
            : {}),
          log,
        });
        const viewers = services.store.homeViewers();
        home = { source, viewers, log, clock: Date.now };
        slackHome = createSlackHomeRefresher({ config: { slack }, source, viewers, log });
      }
      if (slack.mode === 'socket') {
        slackSocket = createSlackSocket({
          config: { slack },
          core,
          log,
          ...(ledger ? { ledger } : {}),
          ...(home ? { home } : {}),
        });
      } else {
        routes['POST /slack/events'] = createSlackRoute({
          config: { ...config, slack },
          core,
          log,
          ...(ledger ? { ledger } : {}),
          ...(home ? { home } : {}),
        });
      }
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
  return { routes, notifiers, ...(slackSocket ? { slackSocket } : {}), ...(slackHome ? { slackHome } : {}) };
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

async function main(runtime: TelemetryRuntime | undefined): Promise<number> {
  const telemetry = runtime?.telemetry ?? NO_TELEMETRY;
  const startedAt = Date.now();
  const cwd = process.cwd();
  // Node's own .env reader; the real environment wins over the file for variables set in both.
  const envFile = join(cwd, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);

  let config: BotConfig;
  let tuning: ReturnType<typeof readJobTuning>;
  try {
    config = readBotEnv(process.env, cwd);
    log = createLog({ level: config.logLevel, version: packageInfo().version }).log;
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
      telemetry,
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
  // The demo organisation's ninety days of history, into an empty store only. The embedded store
  // has one service per data dir: seeded now, before anyone can ask for a trend. On PostgreSQL the
  // scheduled-scan job seeds it, a singleton across replicas, so only one of them does.
  const seedHistory = demoHistorySeeder(config, { ports, audit: evidence.audit, clock: Date.now });
  const seedInJob = seedHistory !== null && services.store.kind === 'postgres';
  if (seedHistory && !seedInJob) {
    const t0 = performance.now();
    const seeded = await seedHistory();
    if (seeded.saved > 0) {
      const ms = Math.round(performance.now() - t0);
      log('demo_history.seeded', {
        msg: `Demo history: ${seeded.saved} daily scans of the demo organisation saved (score ${seeded.first} → ${seeded.last}) in ${ms} ms`,
        ...seeded,
        ms,
      });
    }
  }
  // Background work as jobs: in this process on the embedded store, in pg-boss (any replica,
  // surviving a replica's death) on PostgreSQL. Every job is defined before it starts.
  const jobs = await openJobQueue(config, { env: process.env, log, tuning });
  // Filled in once the adapters exist: the evidence build job posts long builds' cards through them.
  let notifiers: AlertNotifiers = {};
  // Trend pictures for the trend and score cards, served at CERTIFY_PUBLIC_URL/charts/<token>.png.
  const charts = createChartService({ charts: services.store.charts(), publicUrl: config.publicUrl });
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
    charts,
    notify: (channel, view) => postTo(notifiers, channel, view),
    jobs,
    evidenceBuild: { ...EVIDENCE_BUILD_OPTIONS, heartbeatSeconds: tuning.heartbeatSeconds },
    log,
    onError: (e) => log('command_error', { level: 'error', error: (e as Error).message ?? String(e) }),
    telemetry,
  });
  const adapters = await adapterRoutes(config, core, services, log, charts);
  const routes = adapters.routes;
  if (config.eventGrid) {
    // Key Vault's events: authenticated, deduplicated across replicas, handed to a job (bot/eventgrid/).
    const { eventGridRoutes, EVENTGRID_DEDUPE_WINDOW_MS } = await import('./eventgrid/index.js');
    Object.assign(
      routes,
      eventGridRoutes(config.eventGrid, {
        jobs,
        audit: evidence.audit,
        log,
        clock: Date.now,
        sharedLedger: services.store.deliveryLedger(EVENTGRID_DEDUPE_WINDOW_MS),
      }),
    );
  }
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
        signingKeySource: evidence.signer.source,
        secretWriter: provenance.writer.kind,
      },
    },
    Date.now(),
  );
  const enqueue = defineAlertDelivery(jobs, { alerts, notifiers: () => notifiers, log, telemetry });
  // Key Vault's events (POST /api/eventgrid) alert through the same ledger and delivery job; a
  // changed access policy runs the scheduled scan now, under its singleton key.
  defineEventGridEvents(jobs, {
    ports,
    alerts,
    notifiers: () => notifiers,
    enqueue,
    rescan: () =>
      jobs.send(
        SCHEDULED_SCAN_JOB,
        { reason: 'vault-access-policy' },
        { singletonKey: SCHEDULE_SINGLETON_KEY },
      ),
    clock: Date.now,
    log,
    telemetry,
  });
  defineScheduledScan(jobs, {
    ports,
    source,
    audit: evidence.audit,
    clock: Date.now,
    log,
    afterScan: async () => {
      await runAlerts({ ports, alerts, notifiers, now: Date.now(), log, enqueue, telemetry });
      // Never throws: a home that cannot be published waits for the next scan, the job succeeds.
      await adapters.slackHome?.refresh();
    },
    options: { ...SCHEDULED_SCAN_OPTIONS, heartbeatSeconds: tuning.heartbeatSeconds },
    telemetry,
    ...(seedInJob && seedHistory ? { beforeScan: seedHistory } : {}),
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
    charts,
    telemetry,
    readiness: async () => {
      const now = Date.now();
      const storeProblem = await services.store.ping(PING_TIMEOUT_MS).then(
        () => null,
        (e: unknown) => (e as Error).message,
      );
      // Cheap on every probe: a Key Vault key answers from its last signature's result for a while.
      const signerProblem = await evidence.signer.problem().catch((e: unknown) => (e as Error).message);
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
  // Socket Mode connects out once everything that answers an envelope is up; a token Slack
  // refuses stops the start-up here rather than leaving a service that never hears from Slack.
  if (adapters.slackSocket) {
    try {
      await adapters.slackSocket.start();
    } catch (e) {
      throw new Error(
        `the Slack Socket Mode connection could not start: ${(e as Error).message}; check SLACK_APP_TOKEN (an app-level token with the connections:write scope) and that Socket Mode is enabled for the Slack app`,
        { cause: e },
      );
    }
  }
  const seedNow = seedInJob && (await ports.scans.history(1)).length === 0;
  if (config.scanOnStart || seedNow) log('scheduled_scan.requested', { outcome: await runScheduledScan() });

  // The playground answers only on loopback names or CERTIFY_PUBLIC_URL's host: show a URL that works.
  const listensLocally = isLoopback(config.host) || config.host === '0.0.0.0' || config.host === '::';
  const base = listensLocally ? `http://localhost:${port}` : config.publicUrl;
  const channels = [
    config.teams?.appId ? 'Teams' : config.teamsLocal ? 'Teams (local mode)' : null,
    config.slack ? (config.slack.mode === 'socket' ? 'Slack (Socket Mode)' : 'Slack') : null,
    config.playground ? 'playground' : null,
  ].filter((c) => c !== null);
  // The start-up lines: structured events whose `msg` is the sentence an operator reads.
  const version = packageInfo().version;
  log('service.listening', {
    msg: `Certify ${version} on Node ${process.version}, listening on ${config.host}:${port}${isLoopback(config.host) ? ' (this machine only; set HOST=0.0.0.0 to accept connections from the network)' : ''}`,
    node: process.version,
    host: config.host,
    port,
    url: base,
  });
  if (config.playground) {
    log('service.playground', {
      msg:
        config.playgroundReadOnly === null
          ? `Playground: ${base}/ (local demo, no sign-in)`
          : `Playground: ${base}/ (read-only: ${config.playgroundReadOnly})`,
      url: `${base}/`,
      readOnly: config.playgroundReadOnly,
    });
  }
  const store = services.store.kind === 'postgres' ? services.store.where : config.dataDir;
  log('service.channels', {
    msg: `Channels: ${channels.join(', ') || 'none'} · source: ${config.source} · store: ${store}`,
    channels,
    source: config.source,
    store: services.store.kind,
    where: store,
  });
  const nextScan = jobs.nextRun(SCHEDULED_SCAN_JOB)?.toISOString() ?? null;
  log('service.schedule', {
    msg: `Scheduled scans: ${config.scanCron} (${config.scanTimezone}; next ${nextScan ?? 'never'})${config.scanOnStart ? ' and one now' : ''}${services.store.kind === 'postgres' ? ', one replica at a time' : ''}`,
    cron: config.scanCron,
    timezone: config.scanTimezone,
    next: nextScan,
    scanOnStart: config.scanOnStart,
  });
  log('service.evidence', {
    msg: `Evidence: approvers ${config.approvers.join(', ') || 'none (set CERTIFY_APPROVERS)'} · timestamps: ${config.tsaUrl ?? 'embedded local TSA (not a trusted third party)'} · signing key ${evidence.signer.kid} (${evidence.signer.source})`,
    approvers: config.approvers,
    tsa: config.tsaUrl ?? 'local',
    signingKey: evidence.signer.kid,
  });
  const { eventGridStartupMessage } = await import('./eventgrid/startup.js');
  log('service.eventgrid', {
    msg: eventGridStartupMessage(config.eventGrid, base),
    enabled: config.eventGrid !== null,
  });
  log('service.telemetry', {
    msg: `Telemetry: ${runtime ? runtime.exporters.join(' and ') : 'off (set OTEL_EXPORTER_OTLP_ENDPOINT or APPLICATIONINSIGHTS_CONNECTION_STRING)'}`,
    exporters: runtime ? [...runtime.exporters] : [],
  });
  if (config.teamsLocal) {
    log('service.teams_local', {
      level: 'warn',
      msg: `Teams local mode: ${base}/api/messages answers unauthenticated requests from this machine only (no MicrosoftAppId or CLIENT_ID); talk to it with the Microsoft 365 Agents Playground: npm run playground:teams`,
      url: `${base}/api/messages`,
    });
  }

  const shutdown = createShutdown({
    server,
    ...(adapters.slackSocket ? { inbound: [adapters.slackSocket] } : {}),
    jobs,
    store: services.store,
    audit: evidence.audit,
    log,
    ...(runtime ? { telemetry: runtime } : {}),
    exit: (code) => process.exit(code),
  });
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return 0;
}

/** Runs the service (bot/main.ts calls it, with the telemetry it started, if any). */
export function startService(runtime?: TelemetryRuntime): void {
  main(runtime).then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (e: unknown) => {
      console.error(`error: ${isCertifyError(e) ? e.message : ((e as Error).message ?? String(e))}`);
      if (isCertifyError(e)) for (const p of e.problems) console.error(`  - ${p}`);
      process.exit(isCertifyError(e) ? e.exitCode : 1);
    },
  );
}
