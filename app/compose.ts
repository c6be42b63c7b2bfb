/**
 * The composition root: every service the bot and the CLI use, built from one configuration. The
 * edges never wire stores, keys, time-stamping authorities, writers or clients by hand; they ask
 * the root for what they use.
 *
 * Every part is built on first use and then kept, so a command pays only for what it touches:
 * `certify rules` opens the custom-rule store and nothing else, `certify parameters` only reads
 * the parameters' file, a scan creates the signing key and the audit log only when it records a
 * saved scan, and only evidence makes the local TSA's files. The bot asks for everything at start-up, so a broken setting stops it there. Nothing here
 * builds a client on import: the Azure adapters are called when the source or the writer is used.
 */
import type { DemoProfile } from '../scanner/sources/demo/profile.js';
import { resolveSource } from '../scanner/sources/registry.js';
import type { CollectContext, Source } from '../scanner/sources/types.js';
import type { CertifyPorts, ScanService } from '../services/scan.js';
import { createHistoryService, type HistoryService } from '../services/history.js';
import type { ParameterService } from '../services/parameters.js';
import type { RuleService } from '../services/rules.js';
import type { AlertStore } from '../store/alerts.js';
import type { AuditLog } from '../store/audit-log.js';
import type { StoreBackend } from '../store/backend.js';
import type { ConversationStore } from '../store/conversations.js';
import { createDemoWriter } from '../store/demo-writer.js';
import { embeddedBackend } from '../store/embedded-backend.js';
import { postgresBackend } from '../store/pg/backend.js';
import { loadOrCreateSigningKey, signingKeyIfPresent, type SigningKey } from '../store/signing-key.js';
import {
  azureSourceOnDemand,
  keyVaultSigningKeyOnDemand,
  keyVaultWriterOnDemand,
} from './azure-on-demand.js';
import type { ServiceConfig } from './config.js';
import type { Telemetry } from '../base/telemetry.js';
import type { EvidenceWiring } from './evidence.js';
import { openPorts, portServices, type PortServices } from './ports.js';
import { databaseAuth } from './database-auth.js';
import { openProvenance, scanExtras, type ProvenanceWiring } from './provenance.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ComposeDeps {
  /** Where the Azure adapters read their settings (AZURE_*, HTTPS_PROXY, NO_PROXY). */
  env: Env;
  /** Where a relative snapshot path is read from. */
  cwd: string;
  /** Real time: the embedded TSA's certificate starts here, whatever "as of" time a command uses. */
  clock: () => number;
  /** Told when opening the audit log repaired it (an append torn by a crash). */
  onNotice?: (message: string) => void;
  /** Spans and metrics of scans and Azure requests (default: none). */
  telemetry?: Telemetry;
}

/** A demo tenant's size and seed, when a command asks for other than the default. */
export interface DemoOptions {
  size?: number | undefined;
  seed?: number | undefined;
  /** Default: the configuration's (CERTIFY_DEMO_PROFILE), else organisation. */
  profile?: DemoProfile | undefined;
}

export interface Services {
  readonly config: ServiceConfig;
  /**
   * Where the state is kept: the data dir's files, or PostgreSQL (CERTIFY_DATABASE_URL). Opened
   * on first use; the bot opens it at start-up and closes it at shutdown.
   */
  readonly store: StoreBackend;
  /** The stores of the data dir; scans see what this data dir's service issued and rotated. */
  readonly ports: CertifyPorts;
  /** The configured source, resolved (and, for Azure, its client built) on first use. */
  readonly source: Source;
  /** Another source (the CLI's `--source`, `--size`, `--seed`), resolved like the configured one. */
  sourceFor(spec: string | undefined, demo?: DemoOptions): Source;
  /** Scans over the ports; a saved scan is recorded in the audit log. */
  readonly scans: ScanService;
  /** Custom rules; every change is recorded in the audit log. */
  readonly rules: RuleService;
  /** The score over the saved scans (`certify history`, `/certify trend`): reads only. */
  readonly history: HistoryService;
  /**
   * Organisation parameters: every scan evaluates with them; every change is recorded in the
   * audit log, and only approvers (CERTIFY_APPROVERS) change them from chat.
   */
  readonly parameters: ParameterService;
  /** The operator audit log as a port: opened (and the signing key created) at its first append. */
  readonly audit: Pick<AuditLog, 'append'>;
  /** Proactive-alert state. */
  readonly alerts: AlertStore;
  /** The conversations a channel adapter may post to later (Teams' references), kept across restarts. */
  conversations<T extends object>(): ConversationStore<T>;
  /** The signing key: Key Vault's (CERTIFY_SIGNING_KEY_ID), else the data dir's, created on first use. */
  signer(): Promise<SigningKey>;
  /** The signing key when there is one (Key Vault's, or the data dir's), without creating one. */
  existingSigner(): Promise<SigningKey | null>;
  /** The operator audit log, opened with the signing key. */
  auditLog(): Promise<AuditLog>;
  /** The evidence workflow: the signing key, the audit log, the time-stamping authority, the service. */
  evidence(): Promise<EvidenceWiring>;
  /** Rotation with provenance; from then on every scan sees its certificates and rotations. */
  provenance(): Promise<ProvenanceWiring>;
}

/** One value, built on first use and kept. */
function once<T>(build: () => T): () => T {
  let built: { value: T } | null = null;
  return () => (built ??= { value: build() }).value;
}

/** The configured store: PostgreSQL when CERTIFY_DATABASE_URL is set, else the data dir's files. */
export function storeBackendFor(
  config: ServiceConfig,
  deps: Pick<ComposeDeps, 'env' | 'onNotice'>,
): StoreBackend {
  const { database } = config;
  if (database === null) return embeddedBackend(config.dataDir);
  return postgresBackend(database.url, {
    ...databaseAuth(database, deps.env),
    ...(deps.onNotice ? { onError: deps.onNotice } : {}),
  });
}

export function composeServices(config: ServiceConfig, deps: ComposeDeps): Services {
  const { dataDir } = config;
  const backend = once(() => storeBackendFor(config, deps));
  const provenanceStore = once(() => backend().provenance());
  const sourceFor = (spec: string | undefined, demo: DemoOptions = {}): Source =>
    resolveSource(spec ?? config.source, {
      ...(demo.size !== undefined ? { demoSize: demo.size } : {}),
      ...(demo.seed !== undefined ? { demoSeed: demo.seed } : {}),
      ...((demo.profile ?? config.demoProfile) !== undefined
        ? { demoProfile: demo.profile ?? config.demoProfile }
        : {}),
      cwd: deps.cwd,
      extra: { azure: () => azureSourceOnDemand(deps.env, deps.telemetry) },
    });
  const source = once(() => sourceFor(undefined));
  /** The configured source for a service that holds one, resolved only when it collects. */
  const deferredSource: Source = {
    get id() {
      return source().id;
    },
    collect: (ctx: CollectContext) => source().collect(ctx),
  };

  let provenanceBuilt = false;
  const ports = once((): CertifyPorts => {
    const opened = openPorts(backend(), config.historyLimit);
    if (deps.telemetry) opened.telemetry = deps.telemetry;
    // Where the service has run (its key is here), scans see what it issued and rotated, so the
    // CLI and the bot score one data dir alike; provenance() replaces these with its own.
    const key = provenanceBuilt ? null : config.signingKey ? signer : signingKeyIfPresent(dataDir);
    if (key) {
      const demo = createDemoWriter(dataDir);
      opened.extras = scanExtras(provenanceStore(), key, () => demo.writes());
    }
    return opened;
  });
  const keyVaultKey = config.signingKey;
  const signer = once((): Promise<SigningKey> =>
    keyVaultKey
      ? keyVaultSigningKeyOnDemand(deps.env, {
          keyId: keyVaultKey.id,
          refreshMinutes: keyVaultKey.refreshMinutes,
          // Bundles and certificates signed before the move to Key Vault keep verifying.
          extraKeys: [signingKeyIfPresent(dataDir)?.publicJwk].filter((k) => k !== undefined),
        })
      : loadOrCreateSigningKey(dataDir),
  );
  const auditLog = once(async () =>
    backend().auditLog(await signer(), deps.onNotice ? { onNotice: deps.onNotice } : {}),
  );
  const audit: Pick<AuditLog, 'append'> = {
    append: async (event, now) => (await auditLog()).append(event, now),
  };
  const overPorts = once((): PortServices =>
    portServices({ ports: ports(), source, audit, approvers: config.approvers }),
  );
  const history = once(() => createHistoryService({ scans: ports().scans }));
  const alerts = once(() => backend().alerts());
  const requests = once(() => backend().evidenceRequests());
  const evidenceFiles = once(() => backend().evidenceFiles());
  // Imported on first use: the evidence workflow's modules (PDF, ZIP, X.509, time-stamping) are
  // most of what loading the CLI cost, and scans, rules and parameters need none of them.
  const evidence = once(async () =>
    (await import('./evidence.js')).openEvidence({
      dataDir,
      ports: ports(),
      source: deferredSource,
      approvers: config.approvers,
      publicUrl: config.publicUrl,
      tsaUrl: config.tsaUrl,
      ...(config.linkTtlMs !== undefined ? { linkTtlMs: config.linkTtlMs } : {}),
      now: deps.clock(),
      signer: await signer(),
      audit: await auditLog(),
      requests: requests(),
      files: evidenceFiles(),
    }),
  );
  const provenance = once(async () => {
    const wiring = openProvenance({
      dataDir,
      signer: await signer(),
      audit: await auditLog(),
      approvers: config.approvers,
      publicUrl: config.publicUrl,
      azureWriter: config.secretWriter === 'keyvault' ? () => keyVaultWriterOnDemand(deps.env) : null,
      store: provenanceStore(),
    });
    // Every scan from here on sees what this wiring issued and rotated.
    provenanceBuilt = true;
    ports().extras = wiring.extras;
    return wiring;
  });

  return {
    config,
    get store() {
      return backend();
    },
    get ports() {
      return ports();
    },
    get source() {
      return source();
    },
    sourceFor,
    get scans() {
      return overPorts().scans;
    },
    get rules() {
      return overPorts().rules;
    },
    get history() {
      return history();
    },
    get parameters() {
      return overPorts().parameters;
    },
    audit,
    get alerts() {
      return alerts();
    },
    conversations: () => backend().conversations(),
    signer,
    existingSigner: async () => (keyVaultKey ? signer() : signingKeyIfPresent(dataDir)),
    auditLog,
    evidence,
    provenance,
  };
}
