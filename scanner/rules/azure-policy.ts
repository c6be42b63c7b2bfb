/**
 * Cross-reference with Microsoft's built-in Azure Policy definitions for Key Vault (repository
 * Azure/azure-policy, `built-in-policies/policyDefinitions/Key Vault/`): for each built-in rule,
 * the definitions that judge the same thing, and where Certify deliberately differs, how and why
 * (rules.md, "Rules from Microsoft's Azure Policy built-ins"). Definitions that correspond to no
 * rule are listed separately with the reason.
 *
 * Everything here is in our own words except the definitions' display names and ids, which are
 * how an auditor finds them in the Azure portal. The cases in test/policy/ pin each entry: on
 * every case Certify's verdict equals the definition's, except where `difference` says otherwise.
 */
import type { OrgParameters } from './parameters.js';

export type PolicyParameterValue = number | string | readonly string[];

export interface PolicyParameter {
  /** The definition's parameter, as the definition names it. */
  readonly name: string;
  /** Its default in the definition; null when it has none (every assignment must then set it). */
  readonly default: PolicyParameterValue | null;
  /**
   * The value at which the definition means what Certify's rule means (its default when Certify
   * agrees with it); null when Certify's rule has no counterpart to this parameter.
   */
  readonly certify: PolicyParameterValue | null;
  /** The organisation parameter that moves Certify's side, when there is one. */
  readonly orgParameter: keyof OrgParameters | null;
}

export interface PolicyCorrespondence {
  /** The definition's display name, as the Azure portal shows it. */
  readonly displayName: string;
  /** The definition's id (its `name`), a GUID; the full resource id is `/providers/Microsoft.Authorization/policyDefinitions/<id>`. */
  readonly definitionId: string;
  /** The definition's threshold parameter, if it has one. */
  readonly parameter: PolicyParameter | null;
  /** One sentence, our words: how and why Certify deliberately differs; null when both mean the same. */
  readonly difference: string | null;
}

export interface UnmappedPolicy {
  readonly displayName: string;
  readonly definitionId: string;
  /** Why no Certify rule corresponds, in one line. */
  readonly reason: string;
}

interface Definition {
  readonly displayName: string;
  readonly definitionId: string;
}

const def = (displayName: string, definitionId: string): Definition => ({ displayName, definitionId });

// The definitions that correspond to a rule.
const SECRETS_EXPIRATION_SET = def(
  'Key Vault secrets should have an expiration date',
  '98728c90-32c7-4049-8429-847dc0f4fe37',
);
const SECRETS_EXPIRY_BY_DAYS = def(
  'Secrets should have more than the specified number of days before expiration',
  'b0eb591a-5e70-4534-a8bf-04b9c489584a',
);
const SECRETS_ACTIVE_PERIOD = def(
  'Secrets should not be active for longer than the specified number of days',
  'e8d99835-8a06-45ae-a8e0-87a91941ccfe',
);
const SECRETS_CONTENT_TYPE = def(
  'Secrets should have content type set',
  '75262d3e-ba4a-4f43-85f8-9f72c090e5e3',
);
const KEYS_EXPIRATION_SET = def(
  'Key Vault keys should have an expiration date',
  '152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0',
);
const KEYS_EXPIRY_BY_DAYS = def(
  'Keys should have more than the specified number of days before expiration',
  '5ff38825-c5d8-47c5-b70e-069a21955146',
);
const KEYS_ACTIVE_PERIOD = def(
  'Keys should not be active for longer than the specified number of days',
  'c26e4b24-cf98-4c67-b48b-5a25c4c69eb9',
);
const KEYS_HSM_BACKED = def(
  'Keys should be backed by a hardware security module (HSM)',
  '587c79fe-dd04-4a5e-9d0b-f89598c7261b',
);
const KEYS_RSA_MIN_SIZE = def(
  'Keys using RSA cryptography should have a specified minimum key size',
  '82067dbb-e53b-4e06-b631-546d197452d9',
);
const KEYS_EC_CURVES = def(
  'Keys using elliptic curve cryptography should have the specified curve names',
  'ff25f3c8-b739-4538-9d07-3d6d25cfb255',
);
const KEYS_ROTATION_SCHEDULED = def(
  'Keys should have a rotation policy ensuring that their rotation is scheduled within the specified number of days after creation.',
  'd8cf8476-a2ec-4916-896e-992351803c44',
);
const CERTS_EXPIRY_BY_DAYS = def(
  'Certificates should not expire within the specified number of days',
  'f772fb64-8e40-40ad-87bc-7706e1949427',
);
const CERTS_VALIDITY_PERIOD = def(
  'Certificates should have the specified maximum validity period',
  '0a075868-4c26-42ef-914c-5bc007359560',
);
const CERTS_RSA_MIN_SIZE = def(
  'Certificates using RSA cryptography should have the specified minimum key size',
  'cee51871-e572-4576-855c-047c820360f0',
);
const CERTS_EC_CURVES = def(
  'Certificates using elliptic curve cryptography should have allowed curve names',
  'bd78111f-4953-4367-9fd5-7e08808b54bf',
);
const VAULT_SOFT_DELETE = def(
  'Key vaults should have soft delete enabled',
  '1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d',
);
const VAULT_DELETION_PROTECTION = def(
  'Key vaults should have deletion protection enabled',
  '0b60c0b2-2dc2-4e1c-b5c9-abbed971de53',
);
const VAULT_FIREWALL = def(
  'Azure Key Vault should have firewall enabled',
  '55615ac9-af46-4a59-874e-391cc3dfb490',
);
const VAULT_PUBLIC_ACCESS = def(
  'Azure Key Vault should disable public network access',
  '405c5871-3e91-4644-8a63-58e19d68ff5b',
);
const VAULT_PRIVATE_LINK = def(
  'Azure Key Vaults should use private link',
  'a6abeaec-4d90-4a02-805f-6b26c4d3fbe9',
);
const VAULT_PRIVATE_ENDPOINT_DEPRECATED = def(
  '[Deprecated]: Private endpoint should be configured for Key Vault',
  '5f0bc445-3935-4915-9981-011aa2b46147',
);
const VAULT_RBAC = def(
  'Azure Key Vault should use RBAC permission model',
  '12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5',
);

const NIST_CURVES = ['P-256', 'P-384', 'P-521'] as const;
const DEFAULT_CURVES = ['P-256', 'P-256K', 'P-384', 'P-521'] as const;

const ref = (
  d: Definition,
  parameter: PolicyParameter | null,
  difference: string | null,
): PolicyCorrespondence => Object.freeze({ ...d, parameter, difference });

const param = (
  name: string,
  dflt: PolicyParameterValue | null,
  certify: PolicyParameterValue | null,
  orgParameter: keyof OrgParameters | null = null,
): PolicyParameter => Object.freeze({ name, default: dflt, certify, orgParameter });

/** "More than N days before expiration" for secrets or keys: strict comparison, expired included. */
function expiringWithin(
  d: Definition,
  kind: 'secret' | 'key',
  expiredRule: string,
  days: number,
  orgParameter: keyof OrgParameters,
): PolicyCorrespondence {
  return ref(
    d,
    param('minimumDaysBeforeExpiration', null, days, orgParameter),
    `Certify counts a ${kind} with exactly the threshold's number of days left as expiring, as it does for every object type (the definition's comparison is strict where its certificate counterpart's is not), leaves a ${kind} already past its expiry to ${expiredRule} rather than calling it expiring, and judges enabled ${kind}s only.`,
  );
}

/** The same definition assigned with 0 days: what Certify calls expired. */
function expiredAtZero(d: Definition, kind: 'secret' | 'key'): PolicyCorrespondence {
  return ref(
    d,
    param('minimumDaysBeforeExpiration', null, 0),
    `Assigned with 0 days the definition flags a ${kind} only once its expiry instant has passed, whereas Certify counts it as expired from that instant on (expiry ≤ now) and judges enabled ${kind}s only.`,
  );
}

function certExpiringWithin(days: number, orgParameter: keyof OrgParameters): PolicyCorrespondence {
  return ref(
    CERTS_EXPIRY_BY_DAYS,
    param('daysToExpire', null, days, orgParameter),
    'Both count exactly the threshold as expiring, but Certify leaves a certificate already past its expiry to C005 rather than calling it expiring, and judges enabled certificates only.',
  );
}

/** Per built-in rule id, the built-in definitions it corresponds to (rules without any are absent). */
export const AZURE_POLICY: Readonly<Record<string, readonly PolicyCorrespondence[]>> = Object.freeze({
  P001: [
    ref(
      SECRETS_EXPIRATION_SET,
      null,
      'Certify judges enabled secrets only (P004 lists the disabled ones), while the definition also flags a disabled secret without an expiry.',
    ),
  ],
  P002: [expiringWithin(SECRETS_EXPIRY_BY_DAYS, 'secret', 'P007', 7, 'expiringCriticalDays')],
  P003: [expiringWithin(SECRETS_EXPIRY_BY_DAYS, 'secret', 'P007', 30, 'expiringSoonDays')],
  P007: [expiredAtZero(SECRETS_EXPIRY_BY_DAYS, 'secret')],
  P008: [
    ref(
      SECRETS_ACTIVE_PERIOD,
      param('maximumValidityInDays', null, 90, 'secretMaxAgeDays'),
      "Certify measures a secret's age from the creation of its current version and ignores a later activation date (notBefore), because the value exists, and can leak, from the moment it is written; it judges enabled secrets only.",
    ),
  ],
  P016: [
    ref(
      SECRETS_CONTENT_TYPE,
      null,
      'Certify judges enabled secrets only (P004 lists the disabled ones), while the definition also flags a disabled secret without a content type.',
    ),
  ],
  C002: [certExpiringWithin(7, 'expiringCriticalDays')],
  C003: [certExpiringWithin(30, 'expiringSoonDays')],
  C005: [
    ref(
      CERTS_EXPIRY_BY_DAYS,
      param('daysToExpire', null, 0),
      'Assigned with 0 days the definition flags exactly what C005 calls expired, but Certify judges enabled certificates only (C004 lists the disabled ones).',
    ),
  ],
  C006: [
    ref(
      CERTS_RSA_MIN_SIZE,
      param('minimumRSAKeySize', null, 2048),
      'Certify also fails an RSA certificate whose key size it cannot read, since a strength it cannot show is no evidence, and judges enabled certificates only.',
    ),
    ref(
      CERTS_EC_CURVES,
      param('allowedECNames', DEFAULT_CURVES, NIST_CURVES),
      "Certify accepts the NIST curves P-256, P-384 and P-521 only, so a P-256K (secp256k1) certificate that the definition's default list allows fails, and it judges enabled certificates only.",
    ),
  ],
  C007: [
    ref(
      CERTS_VALIDITY_PERIOD,
      param('maximumValidityInMonths', 12, 12, 'certificateMaxValidityMonths'),
      'Certify measures the issued certificate, from its not-before date to its expiry in calendar months with one day of grace for a backdated not-before, rather than the validity its issuance policy asks for, so imported certificates are judged too; it judges enabled certificates only.',
    ),
  ],
  K001: [
    ref(
      KEYS_EXPIRATION_SET,
      null,
      'Certify judges enabled keys only (K004 lists the disabled ones), while the definition also flags a disabled key without an expiry.',
    ),
  ],
  K002: [expiringWithin(KEYS_EXPIRY_BY_DAYS, 'key', 'K005', 7, 'expiringCriticalDays')],
  K003: [expiringWithin(KEYS_EXPIRY_BY_DAYS, 'key', 'K005', 30, 'expiringSoonDays')],
  K005: [expiredAtZero(KEYS_EXPIRY_BY_DAYS, 'key')],
  K006: [
    ref(
      KEYS_RSA_MIN_SIZE,
      param('minimumRSAKeySize', null, 2048),
      'Certify also fails an RSA key whose size it cannot read, since a strength it cannot show is no evidence, and judges enabled keys only.',
    ),
    ref(
      KEYS_EC_CURVES,
      param('allowedECNames', DEFAULT_CURVES, NIST_CURVES),
      "Certify accepts the NIST curves P-256, P-384 and P-521 only, so a P-256K (secp256k1) key that the definition's default list allows fails, and it judges enabled keys only.",
    ),
  ],
  K007: [
    ref(
      KEYS_ROTATION_SCHEDULED,
      param('maximumDaysToRotate', null, null),
      "Certify asks only that some rotation be scheduled (a Rotate action after creation, or before an expiry the key actually has), not that it fall within a number of days, which K009 bounds through the key's age instead; it judges enabled RSA and EC keys only.",
    ),
  ],
  K008: [
    ref(
      KEYS_HSM_BACKED,
      null,
      "Certify counts every key type ending in -HSM as HSM-backed, oct-HSM included, which the definition's list of two types leaves out; it judges enabled keys only.",
    ),
  ],
  K009: [
    ref(
      KEYS_ACTIVE_PERIOD,
      param('maximumValidityInDays', null, 365, 'keyMaxAgeDays'),
      "Certify measures a key's age from the creation of its current version and ignores a later activation date (notBefore), because the key material exists from the moment it is created; it judges enabled keys only.",
    ),
  ],
  'CIS-8.5': [ref(VAULT_SOFT_DELETE, null, null)],
  'CIS-8.6': [
    ref(
      VAULT_DELETION_PROTECTION,
      null,
      'The definition also flags a vault without soft delete; Certify judges that under CIS-8.5 and lets CIS-8.6 judge purge protection alone, so each finding is counted once.',
    ),
  ],
  'CIS-8.7': [
    ref(
      VAULT_FIREWALL,
      param('restrictIPAddresses', 'No', 'No'),
      "Certify passes a vault whose public network access is disabled whatever its firewall's default action, since no public request reaches it then, while the definition asks for a Deny default action in every case.",
    ),
    ref(
      VAULT_PUBLIC_ACCESS,
      null,
      'Certify passes a vault that keeps public access on behind a firewall whose default action is Deny (CIS 8.7 accepts either safeguard), which the definition flags.',
    ),
  ],
  'CIS-RBAC': [ref(VAULT_RBAC, null, null)],
  NET001: [
    ref(VAULT_PRIVATE_LINK, null, null),
    ref(
      VAULT_PRIVATE_ENDPOINT_DEPRECATED,
      null,
      'The deprecated definition counts private endpoint connections in any state, whereas Certify, like its replacement a6abeaec, counts approved connections only, since a pending or rejected one carries no traffic.',
    ),
  ],
});

/** The definitions of the folder that correspond to no rule, one entry per definition id. */
export const UNMAPPED_AZURE_POLICIES: readonly UnmappedPolicy[] = Object.freeze([
  {
    displayName: 'Secrets should have the specified maximum validity period',
    definitionId: '342e8053-e12e-4c44-be01-c3c2f318400f',
    reason:
      "No rule bounds the window between a secret's creation and its expiry; a missing expiry, its other half, is P001, and the value's age is P008.",
  },
  {
    displayName: 'Keys should have the specified maximum validity period',
    definitionId: '49a22571-d204-4c91-a7b6-09b1a586fbc9',
    reason:
      "No rule bounds the window between a key's creation and its expiry; a missing expiry, its other half, is K001, and the key's age is K009.",
  },
  {
    displayName: 'Keys should be the specified cryptographic type RSA or EC',
    definitionId: '75c4f823-d65c-4f29-a733-01d0077fdbcb',
    reason:
      "A list of allowed key types is an organisation's choice of algorithms, not a strength floor; Certify judges RSA sizes and EC curves (K006) and keeps no allow-list.",
  },
  {
    displayName: 'Certificates should use allowed key types',
    definitionId: '1151cede-290b-4ba0-8b38-0ad145ac888f',
    reason:
      "A list of allowed key types is an organisation's choice of algorithms (its default admits RSA only); Certify judges RSA sizes and EC curves (C006) and keeps no allow-list.",
  },
  {
    displayName: 'Certificates should have the specified lifetime action triggers',
    definitionId: '12ef42cb-9903-4e39-9c26-422d29570417',
    reason: "The inventory does not hold a certificate's issuance policy, where its lifetime actions live.",
  },
  {
    displayName: 'Certificates should be issued by the specified integrated certificate authority',
    definitionId: '8e826246-c976-48f6-b03e-619bb92b3d82',
    reason:
      "Which certificate authorities may issue is an organisation's choice with no default Certify could judge.",
  },
  {
    displayName: 'Certificates should be issued by the specified non-integrated certificate authority',
    definitionId: 'a22f4a40-01d3-4c7d-8071-da157eeff341',
    reason:
      "Which certificate authority may issue is an organisation's choice with no default Certify could judge.",
  },
  {
    displayName:
      '[Preview]: Certificates should be issued by one of the specified non-integrated certificate authorities',
    definitionId: 'd3e82b87-6673-410b-8501-1896b688b9a3',
    reason:
      "Which certificate authorities may issue is an organisation's choice with no default Certify could judge.",
  },
  {
    displayName: 'Resource logs in Key Vault should be enabled',
    definitionId: 'cf820ca0-f99e-4f3e-84fb-66e913812d21',
    reason: 'Diagnostic settings are Azure Monitor resources, not part of the vault data Certify collects.',
  },
  {
    displayName: 'Deploy - Configure diagnostic settings for Azure Key Vault to Log Analytics workspace',
    definitionId: '951af2fa-529b-416e-ab6e-066fd85ac459',
    reason:
      'A deployer (DeployIfNotExists) that creates diagnostic settings: it changes resources, it judges none.',
  },
  {
    displayName: 'Deploy Diagnostic Settings for Key Vault to Event Hub',
    definitionId: 'ed7c8c13-51e7-49d1-8a43-8490431a0da2',
    reason:
      'A deployer (DeployIfNotExists) that creates diagnostic settings: it changes resources, it judges none.',
  },
  {
    displayName: 'Configure Azure Key Vaults to use private DNS zones',
    definitionId: 'ac673a9a-f77d-4846-b2d8-a57f8e1c01d4',
    reason:
      'A deployer (DeployIfNotExists) acting on private endpoints and DNS zones, which Certify does not collect.',
  },
  {
    displayName: 'Configure key vaults to enable firewall',
    definitionId: 'ac673a9a-f77d-4846-b2d8-a57f8e1c01dc',
    reason: 'A Modify policy that sets the firewall default action; what it enforces is judged by CIS-8.7.',
  },
  {
    displayName: '[Preview]: Configure Azure Key Vaults with private endpoints',
    definitionId: '9d4fad1f-5189-4a42-b29e-cf7929c6b6df',
    reason:
      'A deployer (DeployIfNotExists) that creates private endpoints; whether one exists is judged by NET001.',
  },
  {
    displayName: 'Resource logs in Azure Key Vault Managed HSM should be enabled',
    definitionId: 'a2a5b911-5617-447e-a49e-59dbe0e0434b',
    reason: 'Managed HSM pools are outside the inventory, which covers key vaults only.',
  },
  {
    displayName:
      'Deploy - Configure diagnostic settings to an Event Hub to be enabled on Azure Key Vault Managed HSM',
    definitionId: 'a6d2c800-5230-4a40-bff3-8268b4987d42',
    reason: 'A deployer for Managed HSM pools, which are outside the inventory.',
  },
  {
    displayName: '[Preview]: Azure Key Vault Managed HSM should disable public network access',
    definitionId: '19ea9d63-adee-4431-a95e-1913c6c1c75f',
    reason: 'Managed HSM pools are outside the inventory, which covers key vaults only.',
  },
  {
    displayName: '[Preview]: Configure Azure Key Vault Managed HSM to disable public network access',
    definitionId: '84d327c3-164a-4685-b453-900478614456',
    reason: 'A Modify policy for Managed HSM pools, which are outside the inventory.',
  },
  {
    displayName: 'Azure Key Vault Managed HSM keys should be the specified cryptographic type',
    definitionId: '1fd3b2cc-9904-40fa-b8da-050c02612da9',
    reason: 'Managed HSM keys are outside the inventory, which covers key vaults only.',
  },
  {
    displayName:
      '[Preview]: Azure Key Vault Managed HSM keys using elliptic curve cryptography should have the specified curve names',
    definitionId: 'e58fd0c1-feac-4d12-92db-0a7e9421f53e',
    reason: 'Managed HSM keys are outside the inventory, which covers key vaults only.',
  },
  {
    displayName: '[Preview]: Azure Key Vault Managed HSM keys should have an expiration date',
    definitionId: '1d478a74-21ba-4b9f-9d8f-8e6fced0eec5',
    reason: 'Managed HSM keys are outside the inventory, which covers key vaults only.',
  },
  {
    displayName:
      '[Preview]: Azure Key Vault Managed HSM Keys should have more than the specified number of days before expiration',
    definitionId: 'ad27588c-0198-4c84-81ef-08efd0274653',
    reason: 'Managed HSM keys are outside the inventory, which covers key vaults only.',
  },
  {
    displayName:
      'Azure Key Vault Managed HSM keys using AES cryptography should have a specified minimum key size',
    definitionId: 'fa85a975-a142-46dc-a9ab-8cc69ecb358c',
    reason: 'Managed HSM keys are outside the inventory, which covers key vaults only.',
  },
  {
    displayName:
      '[Preview]: Azure Key Vault Managed HSM keys using RSA cryptography should have a specified minimum key size',
    definitionId: '86810a98-8e91-4a44-8386-ec66d0de5d57',
    reason: 'Managed HSM keys are outside the inventory, which covers key vaults only.',
  },
  {
    displayName: '[Preview]: Azure Key Vault Managed HSM should use private link',
    definitionId: '59fee2f4-d439-4f1b-9b9a-982e1474bfd8',
    reason: 'Managed HSM pools are outside the inventory, which covers key vaults only.',
  },
  {
    displayName: 'Azure Key Vault Managed HSM should have purge protection enabled',
    definitionId: 'c39ba22d-4428-4149-b981-70acb31fc383',
    reason: 'Managed HSM pools are outside the inventory, which covers key vaults only.',
  },
  {
    displayName: '[Preview]: Configure Azure Key Vault Managed HSM with private endpoints',
    definitionId: 'd1d6d8bb-cc7c-420f-8c7d-6f6f5279a844',
    reason: 'A deployer for Managed HSM pools, which are outside the inventory.',
  },
]);

/** The definitions a rule corresponds to; empty when none does. */
export function azurePolicyFor(ruleId: string): readonly PolicyCorrespondence[] {
  return Object.hasOwn(AZURE_POLICY, ruleId) ? AZURE_POLICY[ruleId]! : [];
}
