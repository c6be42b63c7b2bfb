import type { Framework } from '../types.js';

export const cis: Framework = {
  id: 'cis',
  name: 'CIS Microsoft Azure Foundations Benchmark v2.0.0',
  shortName: 'CIS Azure',
  aliases: ['cis', 'cis-azure'],
  scopeNote:
    'The benchmark reaches across the whole Azure estate: identity, Defender plans, storage, databases, ' +
    'logging, networking, virtual machines and App Service. Certify reads Key Vault settings and contents ' +
    'and the app settings that point at vaults, so it speaks to the Key Vault section (8) and to one App ' +
    'Service item (9.11); every other recommendation needs a separate assessment.',
  controls: [
    {
      id: '8.1',
      title: 'Expiration date set for all keys in RBAC vaults',
      summary:
        'Every enabled key kept in a vault that uses Azure RBAC for data access should carry an expiry date. ' +
        'Certify runs K001 over the keys in RBAC vaults only and lists each one that has no expiry.',
      coverage: 'direct',
      citations: [{ rule: 'K001', subset: { section: 'keys', vaultRbac: true } }],
      customerNote: null,
    },
    {
      id: '8.2',
      title: 'Expiration date set for all keys in non-RBAC vaults',
      summary:
        'The same expiry expectation for keys, applied to vaults that still grant access through access ' +
        'policies. Certify runs K001 over the keys in those vaults only.',
      coverage: 'direct',
      citations: [{ rule: 'K001', subset: { section: 'keys', vaultRbac: false } }],
      customerNote: null,
    },
    {
      id: '8.3',
      title: 'Expiration date set for all secrets in RBAC vaults',
      summary:
        'Every enabled secret kept in a vault that uses Azure RBAC should have an expiry date. Certify runs ' +
        'P001 over the secrets in RBAC vaults only and lists each one without an expiry.',
      coverage: 'direct',
      citations: [{ rule: 'P001', subset: { section: 'secrets', vaultRbac: true } }],
      customerNote: null,
    },
    {
      id: '8.4',
      title: 'Expiration date set for all secrets in non-RBAC vaults',
      summary:
        'The same expiry expectation for secrets, applied to vaults that use access policies. Certify runs ' +
        'P001 over the secrets in those vaults only.',
      coverage: 'direct',
      citations: [{ rule: 'P001', subset: { section: 'secrets', vaultRbac: false } }],
      customerNote: null,
    },
    {
      id: '8.5',
      title: 'Key Vault is recoverable (soft delete and purge protection)',
      summary:
        'A deleted vault or object should be recoverable, and nobody should be able to purge it before the ' +
        'retention period ends. CIS-8.5 checks soft delete and CIS-8.6 checks purge protection on every vault.',
      coverage: 'direct',
      citations: [{ rule: 'CIS-8.5' }, { rule: 'CIS-8.6' }],
      customerNote: null,
    },
    {
      id: '8.6',
      title: 'Role-based access control enabled for Key Vault',
      summary:
        'Vaults should authorize data access through Azure RBAC rather than legacy access policies. ' +
        'CIS-RBAC reports every vault that still relies on access policies.',
      coverage: 'direct',
      citations: [{ rule: 'CIS-RBAC' }],
      customerNote: null,
    },
    {
      id: '8.7',
      title: 'Private endpoints used for Key Vault',
      summary:
        'Vaults should be reached over private endpoints instead of the public internet. NET001 shows ' +
        'which vaults have an approved private endpoint connection, and CIS-8.7 which vaults still accept ' +
        'traffic from any public network.',
      coverage: 'direct',
      citations: [{ rule: 'NET001' }, { rule: 'CIS-8.7' }],
      customerNote:
        'Certify sees whether an approved private endpoint exists, not which networks can resolve and use ' +
        'it: keep the private DNS zone and virtual network design for the vaults in scope with this ' +
        'evidence.',
    },
    {
      id: '8.8',
      title: 'Automatic key rotation enabled',
      summary:
        'Keys should have a rotation policy that renews them on a schedule. K007 lists each enabled RSA or EC ' +
        'key whose rotation policy has no automatic rotate action.',
      coverage: 'direct',
      citations: [{ rule: 'K007' }],
      customerNote: null,
    },
    {
      id: '9.11',
      title: 'Key Vaults used to store secrets',
      summary:
        'Applications should read their secrets from Key Vault instead of holding them in configuration. ' +
        'VM002 finds app settings that look like plain-text credentials and VM001 finds vault references ' +
        'that point at nothing Certify can see.',
      coverage: 'supporting',
      citations: [{ rule: 'VM001' }, { rule: 'VM002' }],
      customerNote:
        'Certify only sees the app settings of the resources it collects. Add evidence that source code, ' +
        'pipelines and deployment files are free of secrets, such as secret-scanning results for your ' +
        'repositories.',
    },
    {
      id: '5.1.5',
      title: 'Logging for Key Vault enabled',
      summary:
        'Each vault should send its audit events to a log destination. Certify does not read diagnostic ' +
        'settings or vault logs, so it offers no evidence for this item.',
      coverage: 'customer',
      citations: [],
      customerNote:
        'Create a diagnostic setting on every vault in scope that sends the AuditEvent category to a Log ' +
        'Analytics workspace (or a storage account) kept for as long as your policy requires, and export ' +
        'those settings as evidence.',
    },
  ],
  redirects: [
    {
      from: 'RBAC',
      to: ['8.6'],
      note:
        'CIS v2.0.0 has no control called "RBAC". Turning on role-based access for Key Vault is control ' +
        '8.6, and the CIS-RBAC result is reported there.',
    },
    {
      from: '7.4',
      to: ['9.11'],
      note:
        'An earlier mapping filed the check for plain-text credentials in app settings under 7.4, which in ' +
        'v2.0.0 belongs to the virtual machine section. That evidence (VM001, VM002) is now reported under ' +
        '9.11, Key Vaults used to store secrets.',
    },
  ],
};
