/**
 * Settings of the Azure source, read from the environment by a pure function so that
 * mistakes are reported at start-up with what to fix (contract.md, "Configuration").
 */
import { CertifyError } from '../../../base/errors.js';

export interface AzureSettings {
  /** AZURE_TENANT_ID when set; otherwise the tenant ARM reports for the vaults. */
  tenantId: string | undefined;
  /** Explicit subscriptions, or null to discover every subscription the identity can read. */
  subscriptionIds: string[] | null;
  armEndpoint: string;
  graphEndpoint: string;
  /** Authority host for the identity library; undefined keeps its default (public cloud). */
  authorityHost: string | undefined;
  /** DNS suffix of vault hosts, for `@Microsoft.KeyVault(VaultName=…;SecretName=…)` references. */
  vaultDnsSuffix: string;
  keyVaultChallengeVerification: boolean;
  /** Requests in flight over the whole scan, and per vault. */
  concurrency: number;
  perVaultConcurrency: number;
  /** A whole scan's deadline; vaults not finished by then are marked, the rest is kept. */
  deadlineMs: number;
  /** One request's timeout before it is retried. */
  requestTimeoutMs: number;
  maxRetries: number;
  proxyUrl: string | undefined;
  noProxy: string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Key Vault's DNS suffix in each Azure cloud, by ARM host. */
const VAULT_SUFFIX_BY_ARM_HOST: Record<string, string> = {
  'management.azure.com': 'vault.azure.net',
  'management.usgovcloudapi.net': 'vault.usgovcloudapi.net',
  'management.chinacloudapi.cn': 'vault.azure.cn',
};

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Key Vault's DNS suffix as the source uses it for vault hosts: CERTIFY_KEYVAULT_DNS_SUFFIX, else
 * the one of CERTIFY_ARM_ENDPOINT's cloud, else the public cloud's. Shared with the Event Grid
 * route, whose asset ids must be exactly the scans' ones.
 */
export function keyVaultDnsSuffix(env: Env): string {
  let armHost = 'management.azure.com';
  try {
    armHost = new URL(env.CERTIFY_ARM_ENDPOINT?.trim() || 'https://management.azure.com').host;
  } catch {
    // readAzureEnv reports a bad endpoint; the public cloud's suffix stands meanwhile.
  }
  return env.CERTIFY_KEYVAULT_DNS_SUFFIX?.trim() || VAULT_SUFFIX_BY_ARM_HOST[armHost] || 'vault.azure.net';
}

function endpoint(env: Env, name: string, fallback: string, problems: string[]): string {
  const text = env[name]?.trim() || fallback;
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:')
      problems.push(`${name}: "${text}" must be an https:// URL (the Azure SDKs refuse plain http)`);
    return url.origin;
  } catch {
    problems.push(`${name}: "${text}" is not a URL`);
    return fallback;
  }
}

function positive(env: Env, name: string, fallback: number, problems: string[]): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    problems.push(`${name}: "${text}" is not a whole number ≥ 1`);
    return fallback;
  }
  return n;
}

export function readAzureEnv(env: Env): AzureSettings {
  const problems: string[] = [];
  const ids = (env.AZURE_SUBSCRIPTION_IDS ?? '')
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of ids)
    if (!GUID.test(id)) problems.push(`AZURE_SUBSCRIPTION_IDS: "${id}" is not a subscription id (a GUID)`);
  const armEndpoint = endpoint(env, 'CERTIFY_ARM_ENDPOINT', 'https://management.azure.com', problems);
  const graphEndpoint = endpoint(env, 'CERTIFY_GRAPH_ENDPOINT', 'https://graph.microsoft.com', problems);
  const authorityHost = env.AZURE_AUTHORITY_HOST?.trim()
    ? endpoint(env, 'AZURE_AUTHORITY_HOST', 'https://login.microsoftonline.com', problems)
    : undefined;
  const challenge = (env.CERTIFY_KEYVAULT_CHALLENGE_VERIFICATION ?? 'on').trim().toLowerCase();
  if (!['on', 'off'].includes(challenge)) {
    problems.push(`CERTIFY_KEYVAULT_CHALLENGE_VERIFICATION: "${challenge}" must be on or off`);
  }
  const settings: AzureSettings = {
    tenantId: env.AZURE_TENANT_ID?.trim() || undefined,
    subscriptionIds: ids.length > 0 ? ids : null,
    armEndpoint,
    graphEndpoint,
    authorityHost,
    vaultDnsSuffix: keyVaultDnsSuffix({ ...env, CERTIFY_ARM_ENDPOINT: armEndpoint }),
    keyVaultChallengeVerification: challenge !== 'off',
    concurrency: positive(env, 'CERTIFY_AZURE_CONCURRENCY', 64, problems),
    perVaultConcurrency: positive(env, 'CERTIFY_AZURE_VAULT_CONCURRENCY', 8, problems),
    deadlineMs: positive(env, 'CERTIFY_SCAN_DEADLINE_SECONDS', 1800, problems) * 1000,
    requestTimeoutMs: positive(env, 'CERTIFY_AZURE_REQUEST_TIMEOUT_SECONDS', 30, problems) * 1000,
    maxRetries: positive(env, 'CERTIFY_AZURE_MAX_RETRIES', 6, problems),
    proxyUrl: env.HTTPS_PROXY || env.https_proxy || undefined,
    noProxy: (env.NO_PROXY ?? env.no_proxy ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  };
  if (problems.length > 0) {
    throw new CertifyError(
      'BAD_USAGE',
      'the Azure source is misconfigured',
      problems,
      'fix the variables named above',
    );
  }
  return settings;
}
