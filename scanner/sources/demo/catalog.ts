/**
 * Vocabulary of the demo tenant ("Contoso"): teams, environments, regions and the names of the
 * things they keep in Key Vault. Frozen data only; generate.ts decides who gets what.
 */
import type { Curve, KeyType, ResourceSetting, RotationPolicySummary } from '../../inventory/types.js';

export const TENANT_DOMAIN = 'contoso.com';

/**
 * The vault and secret the docs and the playground rotate (`/certify rotate kv-prod/db-password
 * --preset pci`): Contoso's oldest production vault predates the naming convention.
 */
export const DEMO_ROTATION_VAULT = 'kv-prod';
export const DEMO_ROTATION_SECRET = 'db-password';

/** At most 9 characters: `kv-<team>-<env>-<region><n>` must fit Key Vault's 24-character limit. */
export const TEAMS: readonly string[] = [
  'payments',
  'identity',
  'checkout',
  'orders',
  'billing',
  'catalog',
  'search',
  'shipping',
  'pricing',
  'ledger',
  'platform',
  'data',
  'ml',
  'mobile',
  'web',
  'crm',
  'hr',
  'finance',
  'support',
  'risk',
  'fraud',
  'loyalty',
  'media',
  'iot',
  'gateway',
  'notify',
  'reporting',
  'analytics',
  'security',
  'devops',
];

export interface Env {
  code: string;
  tag: string;
  production: boolean;
}

/** In the order a team creates them: prod and dev first, the rest in bigger tenants. */
export const ENVS: readonly Env[] = [
  { code: 'prod', tag: 'production', production: true },
  { code: 'dev', tag: 'development', production: false },
  { code: 'stg', tag: 'staging', production: false },
  { code: 'test', tag: 'test', production: false },
  { code: 'uat', tag: 'uat', production: false },
  { code: 'perf', tag: 'performance', production: false },
];

export const ENV_GROUPS: readonly (readonly number[])[] = [
  [0, 1],
  [2, 3],
  [4, 5],
];

export const REGIONS: readonly (readonly [code: string, location: string])[] = [
  ['weu', 'westeurope'],
  ['neu', 'northeurope'],
  ['eus', 'eastus'],
  ['eus2', 'eastus2'],
  ['wus2', 'westus2'],
  ['uks', 'uksouth'],
  ['sea', 'southeastasia'],
  ['aue', 'australiaeast'],
  ['cus', 'centralus'],
  ['frc', 'francecentral'],
  ['gwc', 'germanywestcentral'],
  ['jpe', 'japaneast'],
];

/** Service roles inside a team; index 0 stands for the team's own name (`checkout-db-password`). */
export const COMPONENTS: readonly string[] = [
  '',
  'api',
  'frontend',
  'worker',
  'jobs',
  'etl',
  'ingest',
  'scheduler',
  'portal',
  'admin',
  'bff',
  'graphql',
  'exporter',
  'sync',
  'webhooks',
  'backoffice',
  'events',
  'reports',
  'edge',
  'auth',
  'cache',
  'mailer',
  'batch',
  'stream',
  'mobile-api',
  'public-api',
  'internal-api',
  'migrations',
  'cron',
  'importer',
];

/** Secrets a vault holds once, whatever the component. */
const VAULT_WIDE_SECRETS: readonly string[] = [
  'stripe-api-key',
  'stripe-webhook-secret',
  'sendgrid-api-key',
  'twilio-auth-token',
  'datadog-api-key',
  'pagerduty-integration-key',
  'github-app-private-key',
  'slack-webhook-url',
  'npm-token',
  'acr-admin-password',
  'openai-api-key',
  'adyen-api-key',
  'okta-client-secret',
  'newrelic-license-key',
  'sentry-dsn',
  'mapbox-token',
  'algolia-admin-key',
  'storage-connection-string',
  'cosmos-primary-key',
  'sql-admin-password',
  'redis-connection-string',
  'servicebus-connection-string',
  'appinsights-connection-string',
];

/** `<component>-<suffix>` secrets. None ends in `-<digit>`: that suffix marks a repeat. */
const SECRET_SUFFIXES: readonly string[] = [
  'db-password',
  'db-connection-string',
  'sql-admin-password',
  'redis-password',
  'redis-connection-string',
  'storage-connection-string',
  'storage-account-key',
  'servicebus-connection-string',
  'eventhub-connection-string',
  'cosmos-primary-key',
  'cosmos-connection-string',
  'client-secret',
  'jwt-signing-secret',
  'webhook-secret',
  'smtp-password',
  'api-key',
  'encryption-key',
  'hmac-key',
  'basic-auth-password',
  'oauth-client-secret',
  'appsettings-json',
  'service-principal',
];

/** A name template: a fixed name (component -1) or `<component>-<suffix>`. */
export interface NameEntry {
  component: number;
  text: string;
}

function catalog(fixed: readonly string[], suffixes: readonly string[]): readonly NameEntry[] {
  const out: NameEntry[] = fixed.map((text) => ({ component: -1, text }));
  for (let c = 0; c < COMPONENTS.length; c++) {
    for (const text of suffixes) out.push({ component: c, text });
  }
  return Object.freeze(out.map((e) => Object.freeze(e)));
}

export const SECRET_NAMES = catalog([], SECRET_SUFFIXES);
export const VAULT_WIDE_SECRET_NAMES = catalog(VAULT_WIDE_SECRETS, []);

/** Names P015 calls generic; trailing digits do not rescue them. */
export const GENERIC_SECRET_NAMES: readonly string[] = [
  'password',
  'key1',
  'secret',
  'test',
  'temp2',
  'tmp',
  'token',
  'apikey',
  'default',
  'pwd',
  'changeme',
  'admin',
  'credentials',
  'mysecret',
  'key2',
  'pass',
  'test1',
  'value',
];

export const KEY_NAMES = catalog(
  ['tde-protector', 'storage-cmk', 'disk-encryption-set', 'backup-cmk', 'cosmos-cmk', 'sops'],
  ['cmk', 'signing-key', 'encryption-key', 'jwt-signing', 'data-key'],
);

/** Certificate kinds; the suffix decides issuer, subject and lifetime. */
export const CERT_TLS = 'tls';
export const CERT_MTLS = 'mtls-client';
export const CERT_SIGNING = 'signing-cert';
export const CERT_WILDCARD = 'wildcard';
export const CERT_NAMES = catalog(
  [CERT_WILDCARD, 'wildcard-contoso-com'],
  [CERT_TLS, CERT_MTLS, CERT_SIGNING],
);

/** Content types as teams actually set them: free text, often missing, once in a while cleared (P016). */
export const SECRET_CONTENT_TYPES: readonly (string | null)[] = [
  'text/plain',
  'text/plain',
  'text/plain',
  'password',
  'connection-string',
  'application/json',
  null,
  null,
  '',
];

export const CERT_SECRET_CONTENT_TYPES: readonly string[] = [
  'application/x-pkcs12',
  'application/x-pkcs12',
  'application/x-pkcs12',
  'application/x-pem-file',
];

export interface KeySpec {
  keyType: KeyType;
  keySize: number | null;
  curve: Curve | null;
}

const spec = (keyType: KeyType, keySize: number | null, curve: Curve | null): KeySpec =>
  Object.freeze({ keyType, keySize, curve });

export const WEAK_RSA = spec('RSA', 1024, null);
export const WEAK_EC = spec('EC', null, 'P-256K');
export const OCT_HSM = spec('oct-HSM', 256, null);

/** Repetition sets the odds: a premium vault favours HSM-backed keys. */
export const PREMIUM_KEYS: readonly KeySpec[] = [
  spec('RSA-HSM', 2048, null),
  spec('RSA-HSM', 2048, null),
  spec('RSA-HSM', 3072, null),
  spec('RSA-HSM', 4096, null),
  spec('EC-HSM', null, 'P-256'),
  spec('EC-HSM', null, 'P-384'),
  spec('RSA', 2048, null),
  spec('RSA', 2048, null),
  spec('RSA', 3072, null),
  spec('RSA', 4096, null),
  spec('EC', null, 'P-256'),
  spec('EC', null, 'P-384'),
];

export const STANDARD_KEYS: readonly KeySpec[] = [
  spec('RSA', 2048, null),
  spec('RSA', 2048, null),
  spec('RSA', 2048, null),
  spec('RSA', 2048, null),
  spec('RSA', 3072, null),
  spec('RSA', 3072, null),
  spec('RSA', 4096, null),
  spec('EC', null, 'P-256'),
  spec('EC', null, 'P-256'),
  spec('EC', null, 'P-384'),
  spec('EC', null, 'P-521'),
];

export const CERT_KEYS: readonly KeySpec[] = [
  spec('RSA', 2048, null),
  spec('RSA', 2048, null),
  spec('RSA', 2048, null),
  spec('RSA', 2048, null),
  spec('RSA', 2048, null),
  spec('RSA', 4096, null),
  spec('EC', null, 'P-256'),
  spec('EC', null, 'P-256'),
  spec('EC', null, 'P-384'),
];

const policy = (after: number | null, before: number | null): RotationPolicySummary =>
  Object.freeze({ rotateAfterDays: after, rotateBeforeExpiryDays: before });

/** Azure allows one trigger per "Rotate" action: after creation or before expiry. */
export const ROTATION_POLICIES: readonly RotationPolicySummary[] = [
  policy(90, null),
  policy(180, null),
  policy(365, null),
  policy(365, null),
  policy(730, null),
  policy(null, 30),
  policy(null, 30),
  policy(null, 60),
];

/** A policy that only notifies: no "Rotate" action, so K007 fails it. */
export const NOTIFY_ONLY_POLICY = policy(null, null);

type PlainSetting = Extract<ResourceSetting, { kind: 'plain' }>;

const plain = (name: string): PlainSetting =>
  Object.freeze({ name, kind: 'plain', looksLikeCredential: false });
const credential = (name: string, pattern: string): PlainSetting =>
  Object.freeze({ name, kind: 'plain', looksLikeCredential: true, pattern });

/** Harmless settings, shared between apps: inventories are read-only. */
export const WEB_SETTINGS: readonly PlainSetting[] = [
  plain('WEBSITE_RUN_FROM_PACKAGE'),
  plain('ASPNETCORE_ENVIRONMENT'),
  plain('WEBSITE_TIME_ZONE'),
  plain('LOG_LEVEL'),
  plain('FEATURE_FLAGS_URL'),
  plain('WEBSITES_PORT'),
  plain('WEBSITE_HEALTHCHECK_MAXPINGFAILURES'),
  plain('NODE_ENV'),
];

export const FUNCTION_SETTINGS: readonly PlainSetting[] = [
  plain('FUNCTIONS_EXTENSION_VERSION'),
  plain('FUNCTIONS_WORKER_RUNTIME'),
];

/** Identity-based storage for functions: nothing secret in the value. */
export const FUNCTION_STORAGE_BY_IDENTITY = plain('AzureWebJobsStorage__accountName');
export const FUNCTION_STORAGE_BY_KEY = credential('AzureWebJobsStorage', 'AccountKey=');

/** Hard-coded credentials as VM002 finds them (the value itself is never stored). */
export const HARDCODED_SETTINGS: readonly PlainSetting[] = [
  credential('STORAGE_CONNECTION', 'AccountKey='),
  credential('SQL_CONNECTION_STRING', 'Password='),
  credential('SERVICEBUS_CONNECTION', 'SharedAccessKey='),
];

export const CREDENTIAL_NAMES: readonly (string | null)[] = [
  'ci',
  'terraform',
  'github-actions',
  'rotation',
  'local-dev',
  'legacy',
  null,
];

export const APP_REGISTRATION_SUFFIXES: readonly string[] = ['api', 'daemon', 'spa', 'ci', 'connector'];

export const SYNC_TARGETS: readonly string[] = [
  'aws-secrets-manager:eu-west-1',
  'aws-secrets-manager:us-east-1',
  'gcp-secret-manager:projects/contoso-prod',
  'hashicorp-vault:kv',
];

export const ACCESS_ERROR = 'Forbidden: the caller is not allowed by the vault firewall';

/** Small primes, used as strides that walk a name catalog in a vault-specific order. */
export const STRIDES: readonly number[] = [7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];
