/**
 * The Azure source: subscriptions, vaults and their configuration from ARM, secret / key /
 * certificate METADATA from each vault's data plane, app settings from App Service, and app
 * registration passwords from Microsoft Graph — all with the official SDKs.
 *
 * Read-only by construction: the data-plane calls are `listPropertiesOf*`, `getKey` (public
 * key material and the current version's properties), `getKeyRotationPolicy` and
 * `getCertificate` (policy and public DER). There is
 * no call that returns a secret's value anywhere in this source.
 *
 * Resilience: one retry layer (retry.ts) over every request, a global and a per-vault
 * concurrency limit, a deadline for the whole scan. A vault that refuses us (403, firewall)
 * or is not finished by the deadline gets `accessError` and keeps what was read (rule P005);
 * an app whose settings cannot be read is left out with a notice; Graph without permission
 * leaves `appRegistrations` uncollected with a notice.
 */
import { setMaxListeners } from 'node:events';
import type { Agent } from 'node:http';
import type { TokenCredential } from '@azure/core-auth';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { WebSiteManagementClient } from '@azure/arm-appservice';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type PipelinePolicy,
} from '@azure/core-rest-pipeline';
import { CertificateClient, type CertificateProperties } from '@azure/keyvault-certificates';
import { KeyClient, type KeyProperties } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import type {
  AppRegistration,
  Certificate,
  Dependency,
  Inventory,
  Key,
  Resource,
  Secret,
  Vault,
} from '../../inventory/types.js';
import { CertifyError } from '../../../base/errors.js';
import { NO_TELEMETRY, type Telemetry } from '../../../base/telemetry.js';
import { vaultAndName } from '../../inventory/ids.js';
import type { CollectContext } from '../types.js';
import { classifyAppSettings } from './app-settings.js';
import type { AzureSettings } from './config.js';
import { sharedTokenCredential } from './credential.js';
import { createLimiter, type Limiter } from './limiter.js';
import { armScope, isoTime, mapCertificate, mapKey, mapRotationPolicy, mapSecret, mapVault } from './map.js';
import { retryPolicy } from './retry.js';

export interface AzurePorts {
  credential: TokenCredential;
  settings: AzureSettings;
  /** The HTTP(S) agent every client uses (a keep-alive proxy agent when HTTPS_PROXY is set). */
  agent?: Agent;
  random?: () => number;
  /** Counts every request and every 429 (certify.azure.requests / certify.azure.throttled). */
  telemetry?: Telemetry;
}

export interface AzureStats {
  requests: number;
  throttled: number;
  retries: number;
}

interface Paged<T> {
  byPage(): AsyncIterableIterator<T[]>;
}

interface ErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  name?: string;
}

/** A short, value-free reason for an access error: status, service code, first line. */
export function describeFailure(error: unknown): string {
  const e = (error ?? {}) as ErrorLike;
  if (e.name === 'AbortError' || e.name === 'TimeoutError')
    return 'the scan deadline was reached before this vault was fully read';
  const status = e.statusCode !== undefined ? `HTTP ${e.statusCode}` : (e.code ?? 'error');
  const message = (e.message ?? '').split('\n')[0]!.slice(0, 160);
  return `${status}: ${message}`.trim();
}

/** Which Azure service a host is, for a bounded metric attribute. */
export function azureService(host: string): string {
  if (host.startsWith('management.')) return 'arm';
  if (host.startsWith('graph.')) return 'graph';
  if (host.includes('.vault.')) return 'keyvault';
  return 'other';
}

function counterPolicy(stats: AzureStats, onRequest: () => void, telemetry: Telemetry): PipelinePolicy {
  return {
    name: 'certifyRequestCounter',
    async sendRequest(request, next) {
      stats.requests++;
      onRequest();
      const service = telemetry.enabled ? azureService(new URL(request.url).hostname) : '';
      const response = await next(request).catch((e: unknown) => {
        telemetry.count('certify.azure.requests', 1, {
          'azure.service': service,
          'http.status_class': 'none',
        });
        throw e;
      });
      const status = response.status;
      telemetry.count('certify.azure.requests', 1, {
        'azure.service': service,
        'http.status_class': `${Math.floor(status / 100)}xx`,
      });
      if (status === 429) {
        stats.throttled++;
        telemetry.count('certify.azure.throttled', 1, { 'azure.service': service });
      }
      return response;
    },
  };
}

export async function collectAzure(ports: AzurePorts, ctx: CollectContext): Promise<Inventory> {
  const { settings } = ports;
  const credential = sharedTokenCredential(ports.credential);
  const stats: AzureStats = { requests: 0, throttled: 0, retries: 0 };
  const notices: string[] = [];
  const notice = (message: string) => {
    notices.push(message);
    ctx.onNotice?.(message);
  };
  const signals = [AbortSignal.timeout(settings.deadlineMs), ...(ctx.signal ? [ctx.signal] : [])];
  const deadline = AbortSignal.any(signals);
  // Every in-flight request listens on the deadline; thousands at once is expected, not a leak.
  setMaxListeners(0, deadline);

  let vaultsDone = 0;
  let vaultsTotal: number | null = null;
  let assets = 0;
  const progress = () =>
    ctx.onProgress?.({
      phase: 'azure',
      done: vaultsDone,
      total: vaultsTotal,
      detail: { assets, requests: stats.requests, throttled: stats.throttled, retries: stats.retries },
    });
  let sinceProgress = 0;
  const onRequest = () => {
    if (++sinceProgress >= 200) {
      sinceProgress = 0;
      progress();
    }
  };

  const retryOptions = {
    maxRetries: settings.maxRetries,
    signal: deadline,
    random: ports.random,
    onRetry: () => {
      stats.retries++;
    },
  };
  // The SDKs' own retries are off: our policy is the single layer, so waits never stack, and it
  // retries each request on its own (a page of a listing too: the Key Vault SDKs cannot resume one).
  const clientOptions = {
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [
      { policy: retryPolicy(retryOptions), position: 'perCall' as const },
      {
        policy: counterPolicy(stats, onRequest, ports.telemetry ?? NO_TELEMETRY),
        position: 'perRetry' as const,
      },
    ],
    userAgentOptions: { userAgentPrefix: 'certify' },
    ...(ports.agent ? { agent: ports.agent } : {}),
  };
  // The deadline is checked before each operation rather than handed to every request: one
  // long-lived signal with tens of thousands of per-request listeners held on to their state.
  const operation = { requestOptions: { timeout: settings.requestTimeoutMs } };
  const global = createLimiter(settings.concurrency);
  /** One operation holding a per-vault slot (if given) and a global slot; none starts after the deadline. */
  const call = <T>(op: () => Promise<T>, limiter?: Limiter): Promise<T> => {
    const run = () =>
      global.run(() => {
        if (deadline.aborted)
          throw Object.assign(new Error('the scan deadline was reached'), { name: 'AbortError' });
        return op();
      });
    return limiter ? limiter.run(run) : run();
  };

  /** Every item of a paged listing (pages are fetched one after another, each retried by the policy). */
  async function listAll<T>(list: () => Paged<T>, limiter?: Limiter): Promise<T[]> {
    return call(async () => {
      const out: T[] = [];
      for await (const page of list().byPage()) out.push(...page);
      return out;
    }, limiter);
  }

  /** Hands each page of a paged listing to `onPage` as it arrives (pages one after another). */
  function eachPage<T>(list: () => Paged<T>, onPage: (page: T[]) => void, limiter?: Limiter): Promise<void> {
    return call(async () => {
      for await (const page of list().byPage()) onPage(page);
    }, limiter);
  }

  const arm = { endpoint: settings.armEndpoint, ...clientOptions };
  let armTenant: string | undefined;
  const discovery = await discover().catch((error: unknown) => {
    throw discoveryError(error, settings);
  });
  const { subscriptionIds, vaults } = discovery;
  vaultsTotal = vaults.length;
  progress();

  /** Subscriptions and their vaults: without these there is nothing to keep, so failures end the scan. */
  async function discover() {
    const subscriptionIds =
      settings.subscriptionIds ??
      (
        await listAll(() =>
          new SubscriptionClient(credential, {
            ...arm,
            credentialScopes: [`${settings.armEndpoint}/.default`],
          }).subscriptions.list(operation),
        )
      )
        .map((s) => s.subscriptionId)
        .filter((id): id is string => typeof id === 'string');

    const vaults: Vault[] = [];

    const perSubscription = await Promise.all(
      subscriptionIds.map(async (sub) => {
        const kv = new KeyVaultManagementClient(credential, sub, arm);
        const listed = await listAll(() => kv.vaults.listBySubscription(operation));
        armTenant ??= listed[0]?.properties.tenantId;
        return listed.map(mapVault);
      }),
    );
    for (const list of perSubscription) vaults.push(...list);
    return { subscriptionIds, vaults };
  }

  const secrets: Secret[] = [];
  const keys: Key[] = [];
  const certificates: Certificate[] = [];
  const resources: Resource[] = [];
  const dependencies: Dependency[] = [];
  const kvOptions = {
    ...clientOptions,
    disableChallengeResourceVerification: !settings.keyVaultChallengeVerification,
  };

  async function collectVault(vault: Vault): Promise<void> {
    const limiter = createLimiter(settings.perVaultConcurrency);
    const url = vault.vaultUri;
    const secretClient = new SecretClient(url, credential, kvOptions);
    const keyClient = new KeyClient(url, credential, kvOptions);
    const certClient = new CertificateClient(url, credential, kvOptions);
    const found = { secrets: [] as Secret[], keys: [] as Key[], certificates: [] as Certificate[] };
    // Each page is mapped as it arrives, and a key's or certificate's own reads start as soon as
    // its page is in: nothing of the SDKs' models outlives its page except the pending reads.
    const listedSecrets: Secret[] = [];
    const keyReads: Promise<Key>[] = [];
    const certReads: Promise<Certificate>[] = [];
    const readKey = async (p: KeyProperties): Promise<Key> => {
      const [bundle, policy] = await Promise.all([
        call(
          () =>
            keyClient.getKey(p.name, operation).catch((e: ErrorLike) => {
              // Key Vault refuses to read a disabled key; the rules skip disabled keys' material.
              if (p.enabled === false && e.statusCode === 403)
                return { key: undefined, properties: undefined };
              throw e;
            }),
          limiter,
        ),
        call(
          () =>
            keyClient.getKeyRotationPolicy(p.name, operation).catch((e: ErrorLike) => {
              if (e.statusCode === 404) return null; // no policy on this key
              throw e;
            }),
          limiter,
        ),
      ]);
      // The bundle is the current version: its properties carry that version's creation time.
      return mapKey(vault, p, bundle.key, mapRotationPolicy(policy), bundle.properties);
    };
    const readCertificate = async (p: CertificateProperties): Promise<Certificate> => {
      const full = await call(() => certClient.getCertificate(p.name ?? '', operation), limiter);
      return mapCertificate(vault, p, full.policy, full.cer);
    };
    try {
      await Promise.all([
        eachPage(
          () => secretClient.listPropertiesOfSecrets(operation),
          (page) => {
            for (const p of page) listedSecrets.push(mapSecret(vault, p));
          },
          limiter,
        ),
        eachPage(
          () => keyClient.listPropertiesOfKeys(operation),
          (page) => {
            for (const p of page) keyReads.push(settleLater(readKey(p)));
          },
          limiter,
        ),
        eachPage(
          () => certClient.listPropertiesOfCertificates(operation),
          (page) => {
            for (const p of page) certReads.push(settleLater(readCertificate(p)));
          },
          limiter,
        ),
      ]);
      // As before streaming: a vault whose listings fail keeps nothing.
      found.secrets = listedSecrets;
      found.keys = await Promise.all(keyReads);
      found.certificates = await Promise.all(certReads);
    } catch (error) {
      vault.accessError = describeFailure(error);
    } finally {
      // Reads still pending after a failure are waited for, so no vault is done while it still sends.
      await Promise.allSettled([...keyReads, ...certReads]);
      secrets.push(...found.secrets);
      keys.push(...found.keys);
      certificates.push(...found.certificates);
      assets += found.secrets.length + found.keys.length + found.certificates.length;
      vaultsDone++;
      progress();
    }
  }

  async function collectApps(sub: string): Promise<void> {
    const web = new WebSiteManagementClient(credential, sub, arm);
    const sites = await listAll(() => web.webApps.list(operation));
    let unreadable = 0;
    await Promise.all(
      sites.map(async (site) => {
        const id = site.id ?? '';
        const { resourceGroup } = armScope(id);
        try {
          const dict = await call(() =>
            web.webApps.listApplicationSettings(resourceGroup, site.name ?? '', operation),
          );
          // Values are classified and dropped here; only names, kinds and pattern names are kept.
          const classified = classifyAppSettings(dict.properties ?? {}, {
            vaultDnsSuffix: settings.vaultDnsSuffix,
          });
          resources.push({
            id,
            name: site.name ?? '',
            type: site.type ?? 'Microsoft.Web/sites',
            settings: classified.settings,
          });
          // A malformed reference stays visible to VM001 as a setting, but names no credential.
          for (const ref of classified.references) {
            if (vaultAndName(ref.secretId) === null) continue;
            dependencies.push({ resourceId: id, credentialId: ref.secretId, confidence: 1, reviewed: false });
          }
        } catch {
          unreadable++;
        }
      }),
    );
    if (unreadable > 0) {
      notice(
        `${unreadable} app(s) in subscription ${sub} were left out: their settings could not be read (the identity needs Reader plus Microsoft.Web/sites/config/list/action, e.g. "Website Contributor" read-only custom role)`,
      );
    }
  }

  // Enough vaults in flight to keep every global slot busy, few enough that queued work stays small.
  const vaultSlots = createLimiter(
    Math.max(1, Math.ceil(settings.concurrency / settings.perVaultConcurrency) * 2),
  );
  const [, appsOk, appRegistrations] = await Promise.all([
    Promise.all(vaults.map((v) => vaultSlots.run(() => collectVault(v)))),
    Promise.all(subscriptionIds.map(collectApps)).then(
      () => true,
      (e: unknown) => {
        notice(`app settings were not collected: ${describeFailure(e)}`);
        return false;
      },
    ),
    collectAppRegistrations(),
  ]);

  async function collectAppRegistrations(): Promise<AppRegistration[] | undefined> {
    const pipeline = createPipelineFromOptions({
      retryOptions: { maxRetries: 0 },
      userAgentOptions: clientOptions.userAgentOptions,
      ...(ports.agent ? { agent: ports.agent } : {}),
    });
    pipeline.addPolicy(retryPolicy(retryOptions));
    pipeline.addPolicy(counterPolicy(stats, onRequest, ports.telemetry ?? NO_TELEMETRY), {
      afterPhase: 'Retry',
    });
    pipeline.addPolicy(
      bearerTokenAuthenticationPolicy({ credential, scopes: `${settings.graphEndpoint}/.default` }),
      {
        phase: 'Sign',
      },
    );
    const client = createDefaultHttpClient();
    const out: AppRegistration[] = [];
    let next: string | undefined =
      `${settings.graphEndpoint}/v1.0/applications?$select=id,appId,displayName,passwordCredentials&$top=999`;
    try {
      while (next) {
        const url: string = next;
        const body = await call(async () => {
          const response = await pipeline.sendRequest(
            client,
            createPipelineRequest({
              url,
              method: 'GET',
              abortSignal: deadline,
              timeout: settings.requestTimeoutMs,
            }),
          );
          const parsed = JSON.parse(response.bodyAsText ?? '{}') as GraphPage;
          if (response.status >= 400) {
            throw Object.assign(new Error(parsed.error?.message ?? `HTTP ${response.status}`), {
              statusCode: response.status,
              code: parsed.error?.code,
              response: { status: response.status, headers: response.headers },
            });
          }
          return parsed;
        });
        for (const app of body.value ?? []) {
          out.push({
            appId: app.appId,
            displayName: app.displayName ?? app.appId,
            passwordCredentials: (app.passwordCredentials ?? []).map((c) => ({
              keyId: c.keyId,
              displayName: c.displayName ?? null,
              endDateTime: c.endDateTime ? isoTime(new Date(c.endDateTime)) : null,
            })),
          });
        }
        next = body['@odata.nextLink'];
      }
      return out;
    } catch (error) {
      const e = error as ErrorLike;
      const why =
        e.statusCode === 403 || e.statusCode === 401
          ? `Microsoft Graph refused to list app registrations (${e.code ?? `HTTP ${e.statusCode}`}): grant the identity Application.Read.All`
          : `app registrations could not be read from Microsoft Graph (${describeFailure(error)})`;
      notice(`${why}; rules that need them (P009) are not applicable in this scan`);
      return undefined;
    }
  }

  progress();
  const inventory: Inventory = {
    schema: 'certify.inventory/v1',
    tenantId: settings.tenantId ?? armTenant ?? '',
    collectedAt: isoTime(new Date(ctx.now))!,
    vaults,
    secrets: sortById(secrets),
    keys: sortById(keys),
    certificates: sortById(certificates),
    ...(appsOk ? { resources: sortById(resources), dependencies } : {}),
    ...(appRegistrations ? { appRegistrations } : {}),
  };
  if (deadline.aborted)
    notice(
      `the scan deadline (${settings.deadlineMs / 1000} s) was reached; unfinished vaults carry an access error`,
    );
  return inventory;
}

/** Why discovery failed, in words that say what to do. */
function discoveryError(error: unknown, settings: AzureSettings): CertifyError {
  const e = (error ?? {}) as ErrorLike;
  if (
    e.name === 'CredentialUnavailableError' ||
    e.name === 'AuthenticationRequiredError' ||
    e.name === 'AggregateAuthenticationError'
  ) {
    return new CertifyError(
      'SOURCE_FAILED',
      `no Azure credential is available: ${(e.message ?? '').split('\n')[0]}`,
      [],
      'sign in with `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a managed identity)',
    );
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError') {
    return new CertifyError(
      'SOURCE_FAILED',
      `the scan deadline (${settings.deadlineMs / 1000} s) was reached while listing subscriptions and vaults`,
      [],
      'raise CERTIFY_SCAN_DEADLINE_SECONDS',
    );
  }
  if (e.statusCode === 401 || e.statusCode === 403) {
    return new CertifyError(
      'SOURCE_FAILED',
      `Azure Resource Manager refused to list subscriptions or vaults (${describeFailure(error)})`,
      [],
      'grant the identity Reader on the subscriptions (see the README, "Connect a real Azure tenant")',
    );
  }
  return new CertifyError(
    'SOURCE_FAILED',
    `listing subscriptions and vaults failed: ${describeFailure(error)}`,
  );
}

interface GraphPage {
  value?: {
    appId: string;
    displayName?: string;
    passwordCredentials?: { keyId: string; displayName?: string | null; endDateTime?: string | null }[];
  }[];
  '@odata.nextLink'?: string;
  error?: { code?: string; message?: string };
}

/** The promise itself, marked as handled: its failure is awaited later, not lost meanwhile. */
function settleLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Results arrive in completion order; sorting keeps an inventory stable from scan to scan. */
function sortById<T extends { id: string }>(list: T[]): T[] {
  return list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
