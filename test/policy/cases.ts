/**
 * Cases built from Microsoft's built-in Azure Policy definitions for Key Vault, read from the
 * Azure/azure-policy repository and restated here in our own words. Each case is one asset and
 * the verdict the definition gives it, assigned with the parameter value the cross-reference
 * names (scanner/rules/azure-policy.ts: the definition's default, or where it has none the value
 * at which it means what the rule means; `at` overrides it where a case says so).
 *
 * How the definitions read, in short (our summary, not their text):
 * - secrets/keys "expiration date": non-compliant when no expiry is set (disabled objects too);
 * - secrets/keys "more than N days before expiration": non-compliant when an expiry is set and
 *   lies strictly before now + N days (so already-expired objects are non-compliant);
 * - certificates "should not expire within N days": non-compliant when expiry ≤ now + N days;
 * - secrets/keys "not active for longer than N days": non-compliant when now is strictly later
 *   than N days after the activation date (notBefore), or after creation when none is set;
 * - secrets "content type set": non-compliant when no content type is present;
 * - keys "HSM-backed": non-compliant unless the type is RSA-HSM or EC-HSM;
 * - keys/certificates RSA minimum size: non-compliant when RSA/RSA-HSM and size < the minimum;
 * - keys/certificates EC curves: non-compliant when EC/EC-HSM and the curve is not in the list
 *   (default list: P-256, P-256K, P-384, P-521);
 * - keys "rotation scheduled within N days after creation": non-compliant when no rotation is
 *   scheduled, or the scheduled date is later than creation + N days;
 * - certificates "maximum validity period": non-compliant when the validity in months is greater
 *   than the maximum (default 12);
 * - vaults: soft delete off; soft delete or purge protection off; firewall default action other
 *   than Deny; public network access other than Disabled; no approved private endpoint
 *   connection (the deprecated private-endpoint definition: no connection at all, any state);
 *   RBAC authorisation off.
 */
import type { Certificate, Inventory, Key, Secret, Vault } from '../../scanner/inventory/types.js';
import type { PolicyParameterValue } from '../../scanner/rules/azure-policy.js';
import { NOW, cert, inventory, key, secret, vault } from '../support/builders.js';

export type Verdict = 'compliant' | 'non-compliant';

export interface PolicyCase {
  /** Certify rule id. */
  rule: string;
  /** The built-in definition the case is built from (its GUID). */
  definitionId: string;
  name: string;
  /** A one-asset inventory. */
  inventory: Inventory;
  /** The id of that asset (a vault's ARM id for vault rules). */
  assetId: string;
  /** Azure Policy's verdict on the asset, as read from the definition. */
  azure: Verdict;
  /** The parameter value `azure` assumes, when not the cross-reference's value. */
  at?: PolicyParameterValue;
  /** The case sits on the boundary of the parameter's value. */
  boundary?: true;
  /**
   * Set only where Certify deliberately differs (documented in the cross-reference): Certify's
   * verdict on the asset, which then is not Azure Policy's.
   */
  certify?: Verdict;
}

const MIN = 60_000;
const DAY = 86_400_000;
/** ISO time `ms` milliseconds after NOW (negative: before). */
const at = (ms: number): string => new Date(NOW + ms).toISOString();

function withSecret(over: Partial<Secret>): Pick<PolicyCase, 'inventory' | 'assetId'> {
  const s = secret('app-secret', over);
  return { inventory: inventory({ secrets: [s] }), assetId: s.id };
}
function withKey(over: Partial<Key>): Pick<PolicyCase, 'inventory' | 'assetId'> {
  const k = key('app-key', over);
  return { inventory: inventory({ keys: [k] }), assetId: k.id };
}
function withCert(over: Partial<Certificate>): Pick<PolicyCase, 'inventory' | 'assetId'> {
  const c = cert('app-cert', over);
  return { inventory: inventory({ certificates: [c] }), assetId: c.id };
}
function withVault(over: Partial<Vault>): Pick<PolicyCase, 'inventory' | 'assetId'> {
  const v = vault('kv-case', over);
  return { inventory: inventory({ vaults: [v] }), assetId: v.id };
}

// Definition ids (display names in scanner/rules/azure-policy.ts).
const SECRETS_EXPIRATION_SET = '98728c90-32c7-4049-8429-847dc0f4fe37';
const SECRETS_EXPIRY_BY_DAYS = 'b0eb591a-5e70-4534-a8bf-04b9c489584a';
const SECRETS_ACTIVE_PERIOD = 'e8d99835-8a06-45ae-a8e0-87a91941ccfe';
const SECRETS_CONTENT_TYPE = '75262d3e-ba4a-4f43-85f8-9f72c090e5e3';
const KEYS_EXPIRATION_SET = '152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0';
const KEYS_EXPIRY_BY_DAYS = '5ff38825-c5d8-47c5-b70e-069a21955146';
const KEYS_ACTIVE_PERIOD = 'c26e4b24-cf98-4c67-b48b-5a25c4c69eb9';
const KEYS_HSM_BACKED = '587c79fe-dd04-4a5e-9d0b-f89598c7261b';
const KEYS_RSA_MIN_SIZE = '82067dbb-e53b-4e06-b631-546d197452d9';
const KEYS_EC_CURVES = 'ff25f3c8-b739-4538-9d07-3d6d25cfb255';
const KEYS_ROTATION_SCHEDULED = 'd8cf8476-a2ec-4916-896e-992351803c44';
const CERTS_EXPIRY_BY_DAYS = 'f772fb64-8e40-40ad-87bc-7706e1949427';
const CERTS_VALIDITY_PERIOD = '0a075868-4c26-42ef-914c-5bc007359560';
const CERTS_RSA_MIN_SIZE = 'cee51871-e572-4576-855c-047c820360f0';
const CERTS_EC_CURVES = 'bd78111f-4953-4367-9fd5-7e08808b54bf';
const VAULT_SOFT_DELETE = '1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d';
const VAULT_DELETION_PROTECTION = '0b60c0b2-2dc2-4e1c-b5c9-abbed971de53';
const VAULT_FIREWALL = '55615ac9-af46-4a59-874e-391cc3dfb490';
const VAULT_PUBLIC_ACCESS = '405c5871-3e91-4644-8a63-58e19d68ff5b';
const VAULT_PRIVATE_LINK = 'a6abeaec-4d90-4a02-805f-6b26c4d3fbe9';
const VAULT_PRIVATE_ENDPOINT_DEPRECATED = '5f0bc445-3935-4915-9981-011aa2b46147';
const VAULT_RBAC = '12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5';

type Build = (over: Partial<Secret & Key & Certificate>) => Pick<PolicyCase, 'inventory' | 'assetId'>;

/** "No expiration date" (secrets, keys). */
function expirationSet(rule: string, definitionId: string, build: Build): PolicyCase[] {
  return [
    { rule, definitionId, name: 'expiry a year out', ...build({}), azure: 'compliant' },
    { rule, definitionId, name: 'no expiry', ...build({ expires: null }), azure: 'non-compliant' },
    {
      rule,
      definitionId,
      name: 'disabled, no expiry',
      ...build({ enabled: false, expires: null }),
      azure: 'non-compliant',
      certify: 'compliant',
    },
  ];
}

/** "More than N days before expiration" (secrets, keys: strict comparison, expired included). */
function expiryByDays(rule: string, definitionId: string, build: Build, days: number): PolicyCase[] {
  const c = (name: string, over: Partial<Secret & Key>, azure: Verdict, extra: Partial<PolicyCase> = {}) => ({
    rule,
    definitionId,
    name,
    ...build(over),
    azure,
    ...extra,
  });
  return [
    c(`${2 * days} days left`, { expires: at(2 * days * DAY) }, 'compliant'),
    c(`${days / 2} days left`, { expires: at((days / 2) * DAY) }, 'non-compliant'),
    c('no expiry (the definition judges only an expiry that is set)', { expires: null }, 'compliant'),
    c(`exactly ${days} days left`, { expires: at(days * DAY) }, 'compliant', {
      boundary: true,
      certify: 'non-compliant',
    }),
    c(`${days} days and a minute left`, { expires: at(days * DAY + MIN) }, 'compliant', { boundary: true }),
    c(`a minute short of ${days} days left`, { expires: at(days * DAY - MIN) }, 'non-compliant', {
      boundary: true,
    }),
    c('expired yesterday', { expires: at(-DAY) }, 'non-compliant', { certify: 'compliant' }),
    c(`disabled, ${days / 2} days left`, { enabled: false, expires: at((days / 2) * DAY) }, 'non-compliant', {
      certify: 'compliant',
    }),
  ];
}

/** The same definition assigned with 0 days: strictly past the expiry instant. */
function expiredAtZero(rule: string, definitionId: string, build: Build): PolicyCase[] {
  const c = (name: string, over: Partial<Secret & Key>, azure: Verdict, extra: Partial<PolicyCase> = {}) => ({
    rule,
    definitionId,
    name,
    ...build(over),
    azure,
    ...extra,
  });
  return [
    c('a year left', {}, 'compliant'),
    c('expired yesterday', { expires: at(-DAY) }, 'non-compliant'),
    c('no expiry', { expires: null }, 'compliant'),
    c('expires exactly now', { expires: at(0) }, 'compliant', { boundary: true, certify: 'non-compliant' }),
    c('expired a minute ago', { expires: at(-MIN) }, 'non-compliant', { boundary: true }),
    c('a minute left', { expires: at(MIN) }, 'compliant', { boundary: true }),
    c('disabled, expired yesterday', { enabled: false, expires: at(-DAY) }, 'non-compliant', {
      certify: 'compliant',
    }),
  ];
}

/** "Not active for longer than N days": from notBefore, or creation when none (secrets, keys). */
function activePeriod(rule: string, definitionId: string, build: Build, days: number): PolicyCase[] {
  const c = (name: string, over: Partial<Secret & Key>, azure: Verdict, extra: Partial<PolicyCase> = {}) => ({
    rule,
    definitionId,
    name,
    ...build(over),
    azure,
    ...extra,
  });
  const old = at(-(days + 30) * DAY);
  return [
    c('created 30 days ago', { created: at(-30 * DAY), updated: at(-DAY) }, 'compliant'),
    c(`created ${days + 30} days ago`, { created: old, updated: old }, 'non-compliant'),
    c(
      `created exactly ${days} days ago`,
      { created: at(-days * DAY), updated: at(-days * DAY) },
      'compliant',
      {
        boundary: true,
      },
    ),
    c(
      `created ${days} days and a minute ago`,
      { created: at(-days * DAY - MIN), updated: at(-days * DAY - MIN) },
      'non-compliant',
      { boundary: true },
    ),
    c(
      `created ${days + 30} days ago, tags edited yesterday`,
      { created: old, updated: at(-DAY) },
      'non-compliant',
    ),
    c(
      `created ${days + 30} days ago, activated (notBefore) 30 days ago`,
      { created: old, updated: old, notBefore: at(-30 * DAY) },
      'compliant',
      { certify: 'non-compliant' },
    ),
    c(
      `disabled, created ${days + 30} days ago`,
      { enabled: false, created: old, updated: old },
      'non-compliant',
      {
        certify: 'compliant',
      },
    ),
  ];
}

/** "Should not expire within N days" (certificates: expiry ≤ now + N days, expired included). */
function certExpiryByDays(rule: string, days: number): PolicyCase[] {
  const definitionId = CERTS_EXPIRY_BY_DAYS;
  const c = (name: string, over: Partial<Certificate>, azure: Verdict, extra: Partial<PolicyCase> = {}) => ({
    rule,
    definitionId,
    name,
    ...withCert(over),
    azure,
    ...extra,
  });
  if (days === 0) {
    return [
      c('a year left', {}, 'compliant'),
      c('expired yesterday', { expires: at(-DAY) }, 'non-compliant'),
      c('expires exactly now', { expires: at(0) }, 'non-compliant', { boundary: true }),
      c('a minute left', { expires: at(MIN) }, 'compliant', { boundary: true }),
      c('disabled, expired yesterday', { enabled: false, expires: at(-DAY) }, 'non-compliant', {
        certify: 'compliant',
      }),
    ];
  }
  return [
    c(`${2 * days} days left`, { expires: at(2 * days * DAY) }, 'compliant'),
    c(`${days / 2} days left`, { expires: at((days / 2) * DAY) }, 'non-compliant'),
    c(`exactly ${days} days left`, { expires: at(days * DAY) }, 'non-compliant', { boundary: true }),
    c(`${days} days and a minute left`, { expires: at(days * DAY + MIN) }, 'compliant', { boundary: true }),
    c('expired yesterday', { expires: at(-DAY) }, 'non-compliant', { certify: 'compliant' }),
    c(`disabled, ${days / 2} days left`, { enabled: false, expires: at((days / 2) * DAY) }, 'non-compliant', {
      certify: 'compliant',
    }),
  ];
}

/** RSA minimum size 2048 (keys, certificates). */
function rsaMinimum(rule: string, definitionId: string, build: Build): PolicyCase[] {
  const c = (
    name: string,
    over: Partial<Key & Certificate>,
    azure: Verdict,
    extra: Partial<PolicyCase> = {},
  ) => ({
    rule,
    definitionId,
    name,
    ...build(over),
    azure,
    ...extra,
  });
  return [
    c('RSA 4096', { keyType: 'RSA', keySize: 4096 }, 'compliant'),
    c('RSA 1024', { keyType: 'RSA', keySize: 1024 }, 'non-compliant'),
    c('RSA-HSM 1024', { keyType: 'RSA-HSM', keySize: 1024 }, 'non-compliant'),
    c('RSA 2048', { keyType: 'RSA', keySize: 2048 }, 'compliant', { boundary: true }),
    c('RSA 2047', { keyType: 'RSA', keySize: 2047 }, 'non-compliant', { boundary: true }),
    c(
      'EC P-256 (not RSA: outside the definition)',
      { keyType: 'EC', keySize: null, curve: 'P-256' },
      'compliant',
    ),
    c(
      'RSA of unknown size (a comparison with an absent size is not true)',
      { keyType: 'RSA', keySize: null },
      'compliant',
      { certify: 'non-compliant' },
    ),
    c('disabled RSA 1024', { enabled: false, keyType: 'RSA', keySize: 1024 }, 'non-compliant', {
      certify: 'compliant',
    }),
  ];
}

/** EC curve names (keys, certificates); default list P-256, P-256K, P-384, P-521. */
function ecCurves(rule: string, definitionId: string, build: Build): PolicyCase[] {
  const c = (
    name: string,
    over: Partial<Key & Certificate>,
    azure: Verdict,
    extra: Partial<PolicyCase> = {},
  ) => ({
    rule,
    definitionId,
    name,
    ...build({ keySize: null, ...over }),
    azure,
    ...extra,
  });
  const nist = ['P-256', 'P-384', 'P-521'];
  return [
    c('EC P-256', { keyType: 'EC', curve: 'P-256' }, 'compliant'),
    c('EC-HSM P-384', { keyType: 'EC-HSM', curve: 'P-384' }, 'compliant'),
    c('EC P-521', { keyType: 'EC', curve: 'P-521' }, 'compliant'),
    c('EC P-256K under the default list', { keyType: 'EC', curve: 'P-256K' }, 'compliant', {
      certify: 'non-compliant',
    }),
    c('EC P-256K, assigned with the NIST curves only', { keyType: 'EC', curve: 'P-256K' }, 'non-compliant', {
      at: nist,
    }),
    c('EC P-256, assigned with the NIST curves only', { keyType: 'EC', curve: 'P-256' }, 'compliant', {
      at: nist,
    }),
    c(
      'disabled EC P-256K, assigned with the NIST curves only',
      {
        enabled: false,
        keyType: 'EC',
        curve: 'P-256K',
      },
      'non-compliant',
      { at: nist, certify: 'compliant' },
    ),
  ];
}

function rotationScheduled(): PolicyCase[] {
  // The definition has no default for maximumDaysToRotate; the cases assign 365 days.
  const rule = 'K007';
  const definitionId = KEYS_ROTATION_SCHEDULED;
  const created = at(-30 * DAY);
  const c = (name: string, over: Partial<Key>, azure: Verdict, extra: Partial<PolicyCase> = {}) => ({
    rule,
    definitionId,
    name,
    ...withKey({ created, ...over }),
    azure,
    at: 365,
    ...extra,
  });
  return [
    c(
      'rotates 90 days after creation',
      { rotationPolicy: { rotateAfterDays: 90, rotateBeforeExpiryDays: null } },
      'compliant',
    ),
    c('no rotation policy', { rotationPolicy: null }, 'non-compliant'),
    c(
      'a policy with no Rotate trigger (nothing scheduled)',
      { rotationPolicy: { rotateAfterDays: null, rotateBeforeExpiryDays: null } },
      'non-compliant',
    ),
    c(
      'only "30 days before expiry", key without expiry (nothing scheduled)',
      { expires: null, rotationPolicy: { rotateAfterDays: null, rotateBeforeExpiryDays: 30 } },
      'non-compliant',
    ),
    c(
      'only "30 days before expiry", expiry 300 days after creation (rotation on day 270)',
      { expires: at(270 * DAY), rotationPolicy: { rotateAfterDays: null, rotateBeforeExpiryDays: 30 } },
      'compliant',
    ),
    c(
      'rotates exactly 365 days after creation',
      { rotationPolicy: { rotateAfterDays: 365, rotateBeforeExpiryDays: null } },
      'compliant',
      { boundary: true },
    ),
    c(
      'rotates 366 days after creation',
      { rotationPolicy: { rotateAfterDays: 366, rotateBeforeExpiryDays: null } },
      'non-compliant',
      { boundary: true, certify: 'compliant' },
    ),
    c('disabled, no rotation policy', { enabled: false, rotationPolicy: null }, 'non-compliant', {
      certify: 'compliant',
    }),
    c(
      'oct key, no rotation policy',
      { keyType: 'oct', keySize: 256, rotationPolicy: null },
      'non-compliant',
      {
        certify: 'compliant',
      },
    ),
  ];
}

function hsmBacked(): PolicyCase[] {
  const c = (name: string, over: Partial<Key>, azure: Verdict, extra: Partial<PolicyCase> = {}) => ({
    rule: 'K008',
    definitionId: KEYS_HSM_BACKED,
    name,
    ...withKey(over),
    azure,
    ...extra,
  });
  return [
    c('RSA-HSM', { keyType: 'RSA-HSM' }, 'compliant'),
    c('EC-HSM', { keyType: 'EC-HSM', keySize: null, curve: 'P-256' }, 'compliant'),
    c('RSA (software)', { keyType: 'RSA' }, 'non-compliant'),
    c('EC (software)', { keyType: 'EC', keySize: null, curve: 'P-256' }, 'non-compliant'),
    c('oct (software)', { keyType: 'oct', keySize: 256 }, 'non-compliant'),
    c('oct-HSM', { keyType: 'oct-HSM', keySize: 256 }, 'non-compliant', { certify: 'compliant' }),
    c('disabled RSA (software)', { enabled: false, keyType: 'RSA' }, 'non-compliant', {
      certify: 'compliant',
    }),
  ];
}

function validityPeriod(): PolicyCase[] {
  // A certificate Key Vault issued with a validity of M months runs M calendar months from its
  // not-before date to its expiry; the definition reads M from the issuance policy.
  const notBefore = '2026-06-15T00:00:00Z';
  const c = (
    name: string,
    expires: string,
    azure: Verdict,
    extra: Partial<PolicyCase> & { enabled?: boolean } = {},
  ) => {
    const { enabled = true, ...rest } = extra;
    return {
      rule: 'C007',
      definitionId: CERTS_VALIDITY_PERIOD,
      name,
      ...withCert({ notBefore, expires, enabled }),
      azure,
      ...rest,
    };
  };
  return [
    c('issued for 6 months', '2026-12-15T00:00:00Z', 'compliant'),
    c('issued for 24 months', '2028-06-15T00:00:00Z', 'non-compliant'),
    c('issued for exactly 12 months', '2027-06-15T00:00:00Z', 'compliant', { boundary: true }),
    c('issued for 13 months', '2027-07-15T00:00:00Z', 'non-compliant', { boundary: true }),
    // What Key Vault records for a certificate issued for 12 months: it starts 10 minutes before
    // the request and ends 12 months after it; the definition reads the policy's 12 months.
    c(
      'issued by Key Vault for 12 months, not-before backdated 10 minutes',
      '2027-06-15T00:10:00Z',
      'compliant',
      {
        boundary: true,
      },
    ),
    c('disabled, issued for 24 months', '2028-06-15T00:00:00Z', 'non-compliant', {
      enabled: false,
      certify: 'compliant',
    }),
  ];
}

function vaultCases(): PolicyCase[] {
  const c = (
    rule: string,
    definitionId: string,
    name: string,
    over: Partial<Vault>,
    azure: Verdict,
    extra: Partial<PolicyCase> = {},
  ) => ({ rule, definitionId, name, ...withVault(over), azure, ...extra });
  return [
    c('CIS-8.5', VAULT_SOFT_DELETE, 'soft delete on', {}, 'compliant'),
    c(
      'CIS-8.5',
      VAULT_SOFT_DELETE,
      'soft delete off',
      { softDeleteEnabled: false, purgeProtectionEnabled: false },
      'non-compliant',
    ),

    c('CIS-8.6', VAULT_DELETION_PROTECTION, 'soft delete and purge protection on', {}, 'compliant'),
    c(
      'CIS-8.6',
      VAULT_DELETION_PROTECTION,
      'purge protection off',
      { purgeProtectionEnabled: false },
      'non-compliant',
    ),
    c(
      'CIS-8.6',
      VAULT_DELETION_PROTECTION,
      'both off',
      { softDeleteEnabled: false, purgeProtectionEnabled: false },
      'non-compliant',
    ),
    c(
      'CIS-8.6',
      VAULT_DELETION_PROTECTION,
      'soft delete off, purge protection on',
      { softDeleteEnabled: false },
      'non-compliant',
      { certify: 'compliant' },
    ),

    c(
      'CIS-8.7',
      VAULT_FIREWALL,
      'public access on, firewall Deny',
      { publicNetworkAccess: 'Enabled' },
      'compliant',
    ),
    c('CIS-8.7', VAULT_FIREWALL, 'public access off, firewall Deny', {}, 'compliant'),
    c(
      'CIS-8.7',
      VAULT_FIREWALL,
      'public access on, firewall Allow',
      { publicNetworkAccess: 'Enabled', networkDefaultAction: 'Allow' },
      'non-compliant',
    ),
    c(
      'CIS-8.7',
      VAULT_FIREWALL,
      'public access off, firewall Allow',
      { networkDefaultAction: 'Allow' },
      'non-compliant',
      { certify: 'compliant' },
    ),

    c('CIS-8.7', VAULT_PUBLIC_ACCESS, 'public access off', {}, 'compliant'),
    c(
      'CIS-8.7',
      VAULT_PUBLIC_ACCESS,
      'public access off, firewall Allow',
      { networkDefaultAction: 'Allow' },
      'compliant',
    ),
    c(
      'CIS-8.7',
      VAULT_PUBLIC_ACCESS,
      'public access on, firewall Allow',
      { publicNetworkAccess: 'Enabled', networkDefaultAction: 'Allow' },
      'non-compliant',
    ),
    c(
      'CIS-8.7',
      VAULT_PUBLIC_ACCESS,
      'public access on, firewall Deny',
      { publicNetworkAccess: 'Enabled' },
      'non-compliant',
      { certify: 'compliant' },
    ),

    c('CIS-RBAC', VAULT_RBAC, 'RBAC permission model', {}, 'compliant'),
    c('CIS-RBAC', VAULT_RBAC, 'access policies', { rbacAuthorization: false }, 'non-compliant'),

    c(
      'NET001',
      VAULT_PRIVATE_LINK,
      'one approved connection',
      { privateEndpointConnections: 1 },
      'compliant',
      {
        boundary: true,
      },
    ),
    c(
      'NET001',
      VAULT_PRIVATE_LINK,
      'three approved connections',
      { privateEndpointConnections: 3 },
      'compliant',
    ),
    c(
      'NET001',
      VAULT_PRIVATE_LINK,
      'no approved connection',
      { privateEndpointConnections: 0 },
      'non-compliant',
      {
        boundary: true,
      },
    ),

    c(
      'NET001',
      VAULT_PRIVATE_ENDPOINT_DEPRECATED,
      'one approved connection',
      { privateEndpointConnections: 1 },
      'compliant',
    ),
    c(
      'NET001',
      VAULT_PRIVATE_ENDPOINT_DEPRECATED,
      'no connection at all',
      { privateEndpointConnections: 0 },
      'non-compliant',
    ),
    c(
      'NET001',
      VAULT_PRIVATE_ENDPOINT_DEPRECATED,
      'one pending connection only (the inventory counts approved ones: 0)',
      { privateEndpointConnections: 0 },
      'compliant',
      { certify: 'non-compliant' },
    ),
  ];
}

export const POLICY_CASES: readonly PolicyCase[] = [
  ...expirationSet('P001', SECRETS_EXPIRATION_SET, withSecret),
  ...expiryByDays('P002', SECRETS_EXPIRY_BY_DAYS, withSecret, 7),
  ...expiryByDays('P003', SECRETS_EXPIRY_BY_DAYS, withSecret, 30),
  ...expiredAtZero('P007', SECRETS_EXPIRY_BY_DAYS, withSecret),
  ...activePeriod('P008', SECRETS_ACTIVE_PERIOD, withSecret, 90),
  {
    rule: 'P016',
    definitionId: SECRETS_CONTENT_TYPE,
    name: 'content type set',
    ...withSecret({ contentType: 'application/json' }),
    azure: 'compliant',
  },
  {
    rule: 'P016',
    definitionId: SECRETS_CONTENT_TYPE,
    name: 'no content type',
    ...withSecret({ contentType: null }),
    azure: 'non-compliant',
  },
  {
    rule: 'P016',
    definitionId: SECRETS_CONTENT_TYPE,
    name: 'disabled, no content type',
    ...withSecret({ enabled: false, contentType: null }),
    azure: 'non-compliant',
    certify: 'compliant',
  },

  ...expirationSet('K001', KEYS_EXPIRATION_SET, withKey),
  ...expiryByDays('K002', KEYS_EXPIRY_BY_DAYS, withKey, 7),
  ...expiryByDays('K003', KEYS_EXPIRY_BY_DAYS, withKey, 30),
  ...expiredAtZero('K005', KEYS_EXPIRY_BY_DAYS, withKey),
  ...rsaMinimum('K006', KEYS_RSA_MIN_SIZE, withKey),
  ...ecCurves('K006', KEYS_EC_CURVES, withKey),
  ...rotationScheduled(),
  ...hsmBacked(),
  ...activePeriod('K009', KEYS_ACTIVE_PERIOD, withKey, 365),

  ...certExpiryByDays('C002', 7),
  ...certExpiryByDays('C003', 30),
  ...certExpiryByDays('C005', 0),
  ...rsaMinimum('C006', CERTS_RSA_MIN_SIZE, withCert),
  ...ecCurves('C006', CERTS_EC_CURVES, withCert),
  ...validityPeriod(),

  ...vaultCases(),
];
