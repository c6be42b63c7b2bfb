import type { Framework } from '../types.js';

export const asb: Framework = {
  id: 'asb',
  name: 'Microsoft Azure Security Benchmark v3',
  shortName: 'ASB v3',
  aliases: ['asb', 'mcsb', 'azure-security-benchmark'],
  scopeNote:
    'The benchmark spans network security, identity, privileged access, data protection, asset management, ' +
    'logging and threat detection, incident response, posture and vulnerability management, endpoint ' +
    'security, backup and recovery, DevOps security and governance. Certify adds evidence where these touch ' +
    'Key Vault and the credentials it holds; data discovery and classification (DP-1) and the other areas ' +
    'need their own evidence.',
  controls: [
    {
      id: 'DP-5',
      title: 'Customer-managed keys for data at rest when required',
      summary:
        'Where a customer-managed key is required, data at rest should be encrypted with a key the ' +
        'customer controls. Certify shows whether vaults holding keys are HSM-capable and whether the keys ' +
        'are strong and HSM-backed; an earlier mapping labelled DP-5 as data classification, which in v3 ' +
        'is DP-1 and outside Certify.',
      coverage: 'supporting',
      citations: [{ rule: 'KMS-HSM' }, { rule: 'K006' }, { rule: 'K008' }],
      customerNote:
        'List the services that must use customer-managed keys and show that each one is configured to ' +
        'encrypt with a key from your vaults; Certify does not read those service settings.',
    },
    {
      id: 'DP-6',
      title: 'Secure key management process',
      summary:
        'Keys and secrets should be created, rotated and retired through a controlled process. Certify ' +
        'shows expiry, age and automatic rotation of keys, and expiry and age of secrets.',
      coverage: 'direct',
      citations: [
        { rule: 'K001' },
        { rule: 'K002' },
        { rule: 'K003' },
        { rule: 'K005' },
        { rule: 'K007' },
        { rule: 'K009' },
        { rule: 'P001' },
        { rule: 'P002' },
        { rule: 'P007' },
        { rule: 'P008' },
      ],
      customerNote: null,
    },
    {
      id: 'DP-7',
      title: 'Secure certificate management process',
      summary:
        'Certificates should be issued, renewed and retired under a controlled process. Certify shows ' +
        'certificates without expiry, close to expiry, expired, with weak keys or with a validity period ' +
        'longer than the organisation allows.',
      coverage: 'direct',
      citations: [
        { rule: 'C001' },
        { rule: 'C002' },
        { rule: 'C003' },
        { rule: 'C005' },
        { rule: 'C006' },
        { rule: 'C007' },
      ],
      customerNote: null,
    },
    {
      id: 'DP-8',
      title: 'Security of the key and certificate repository',
      summary:
        'The vaults themselves should be hardened. Certify shows whether they use RBAC, are closed to ' +
        'public networks, are reached over private endpoints, and have soft delete and purge protection ' +
        'turned on.',
      coverage: 'direct',
      citations: [
        { rule: 'CIS-RBAC' },
        { rule: 'CIS-8.7' },
        { rule: 'NET001' },
        { rule: 'CIS-8.5' },
        { rule: 'CIS-8.6' },
      ],
      customerNote: null,
    },
    {
      id: 'IM-3',
      title: 'Application identities managed securely and automatically',
      summary:
        'Application identities should use managed or automatically rotated credentials instead of ' +
        'hand-kept ones. Certify shows plain-text credentials, unused secrets, rotation coverage and the ' +
        'outcome of rotations.',
      coverage: 'direct',
      citations: [
        { rule: 'VM002' },
        { rule: 'VM003' },
        { rule: 'P009' },
        { rule: 'P010' },
        { rule: 'VM004' },
      ],
      customerNote: null,
    },
    {
      id: 'IM-8',
      title: 'Restrict exposure of credentials and secrets',
      summary:
        'Credentials should be kept out of code and configuration and read from a vault. Certify finds ' +
        'plain-text credentials in app settings and vault references that do not resolve.',
      coverage: 'direct',
      citations: [{ rule: 'VM001' }, { rule: 'VM002' }],
      customerNote: null,
    },
    {
      id: 'PA-7',
      title: 'Just enough administration',
      summary:
        'Administrative access should be limited to what each task needs. CIS-RBAC shows whether vaults use ' +
        'Azure RBAC, which allows narrowly scoped roles instead of broad access policies.',
      coverage: 'direct',
      citations: [{ rule: 'CIS-RBAC' }],
      customerNote:
        'Certify does not judge the role assignments themselves; keep an export of them with your access ' +
        'review records.',
    },
    {
      id: 'NS-2',
      title: 'Cloud services secured with network controls',
      summary:
        'Cloud services should be reachable only through private or restricted network paths. CIS-8.7 ' +
        'shows which vaults accept traffic from any public network, and NET001 which vaults have an ' +
        'approved private endpoint.',
      coverage: 'supporting',
      citations: [{ rule: 'CIS-8.7' }, { rule: 'NET001' }],
      customerNote:
        'Add the private endpoint and firewall configuration of the vaults and of the other services.',
    },
    {
      id: 'AM-2',
      title: 'Only approved services',
      summary:
        'Only approved services and configurations should be used. Certify shows broken vault references, ' +
        'plain-text credentials and unreviewed uncertain dependencies.',
      coverage: 'supporting',
      citations: [{ rule: 'VM001' }, { rule: 'VM002' }, { rule: 'VM005' }],
      customerNote:
        'Add the Azure Policy assignments that restrict which services and configurations may be deployed.',
    },
    {
      id: 'AM-3',
      title: 'Asset lifecycle management',
      summary:
        'Assets should be tracked from creation to retirement. Certify shows broken references, unused ' +
        'secrets, rotation coverage and outcomes, and the health of multi-cloud secret synchronisation.',
      coverage: 'supporting',
      citations: [
        { rule: 'VM001' },
        { rule: 'VM003' },
        { rule: 'VM004' },
        { rule: 'P009' },
        { rule: 'P010' },
        { rule: 'SYN001' },
        { rule: 'SYN002' },
        { rule: 'SYN004' },
      ],
      customerNote:
        'Add the approval and decommissioning records for the assets in scope beyond the credentials Certify sees.',
    },
    {
      id: 'BR-2',
      title: 'Backup and recovery data protected',
      summary:
        'Backups and recovery data should be protected from loss and tampering. CIS-8.5 and CIS-8.6 show ' +
        'whether vaults keep deleted objects and block their early purging.',
      coverage: 'supporting',
      citations: [{ rule: 'CIS-8.5' }, { rule: 'CIS-8.6' }],
      customerNote:
        'Add your backup configuration and restore test records for the data the keys protect, and for the ' +
        'keys themselves if you back them up.',
    },
    {
      id: 'LT-3',
      title: 'Logging for security investigation',
      summary:
        'Services should produce the logs needed to investigate incidents. Certify does not collect vault ' +
        'logs and gives no evidence here.',
      coverage: 'customer',
      citations: [],
      customerNote:
        'Enable diagnostic settings on each vault, send the logs to a Log Analytics workspace with the ' +
        'retention your policy sets, and enable Defender for Key Vault so that unusual access raises alerts.',
    },
  ],
  redirects: [
    {
      from: 'BR-4',
      to: ['DP-8', 'BR-2'],
      note:
        '"Mitigate risk of lost keys" was BR-4 in version 2 of the benchmark; v3 has no such control. Vault ' +
        'hardening, including soft delete and purge protection, is DP-8, and protection of recovery data is BR-2.',
    },
    {
      from: 'IM-7',
      to: ['PA-7', 'DP-8'],
      note:
        'An earlier mapping filed vault RBAC and network access under IM-7. In v3, IM-7 is about granting ' +
        'access based on conditions (Entra ID Conditional Access), which Certify cannot see; evidence it for ' +
        'yourself. The RBAC and network results are reported under PA-7 and DP-8.',
    },
  ],
};
