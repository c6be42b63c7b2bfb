import type { Framework } from '../types.js';

export const pci: Framework = {
  id: 'pci',
  name: 'PCI DSS v4.0.1',
  shortName: 'PCI DSS',
  aliases: ['pci', 'pci-dss', 'pcidss', 'pci dss'],
  scopeNote:
    'PCI DSS covers the whole cardholder data environment: network controls, secure configuration, stored ' +
    'and transmitted account data, vulnerability management, access, physical security, logging, testing ' +
    'and policy, assessed by a QSA or through a self-assessment. Certify never sees cardholder data; it ' +
    'adds evidence to parts of Requirements 3 and 8 about keys and about system and application account ' +
    'credentials kept in Key Vault.',
  controls: [
    {
      id: '3.6.1',
      title: 'Keys protecting stored account data are secured (access, HSM)',
      summary:
        'Keys that protect stored account data should be guarded against disclosure and misuse. Certify ' +
        'shows whether vaults use RBAC, are closed to public networks and reached over private endpoints, ' +
        'hold keys of adequate strength that are HSM-backed, and are on the HSM-capable Premium tier.',
      coverage: 'supporting',
      citations: [
        { rule: 'CIS-RBAC' },
        { rule: 'CIS-8.7' },
        { rule: 'NET001' },
        { rule: 'K006' },
        { rule: 'K008' },
        { rule: 'KMS-HSM' },
      ],
      customerNote:
        'Add your key management procedures, the list of key custodians and their signed acknowledgements ' +
        '(3.7.8), evidence that access to keys is limited to them, and, for service providers, the ' +
        'description of the cryptographic architecture (3.6.1.1).',
    },
    {
      id: '3.7.4',
      title: 'Key changes at the end of the cryptoperiod',
      summary:
        'Keys should be replaced when their defined cryptoperiod ends. Certify shows which keys and ' +
        'secrets have no expiry, are about to expire or have expired, and which keys are older than the ' +
        'maximum age the organisation sets.',
      coverage: 'direct',
      citations: [
        { rule: 'K001' },
        { rule: 'K002' },
        { rule: 'K003' },
        { rule: 'K005' },
        { rule: 'K009' },
        { rule: 'P001' },
        { rule: 'P002' },
        { rule: 'P007' },
      ],
      customerNote:
        'Certify measures expiry dates against the scan time, not against the cryptoperiods you define; keep ' +
        'the documented cryptoperiod of each key type alongside this evidence.',
    },
    {
      id: '3.7.5',
      title: 'Keys retired or replaced when weakened or compromised',
      summary:
        'Keys should be retired or replaced when they become weak, exposed or suspect. Certify shows expired ' +
        'keys, certificates and secrets still enabled, and keys below the required strength.',
      coverage: 'supporting',
      citations: [{ rule: 'K005' }, { rule: 'K006' }, { rule: 'P007' }, { rule: 'C005' }],
      customerNote:
        'Add the procedure for replacing a key suspected of compromise and the records of replacements ' +
        'carried out during the period.',
    },
    {
      id: '8.3.2',
      title: 'Authentication factors unreadable with strong cryptography',
      summary:
        'Authentication factors should be protected by strong cryptography when sent and stored. Certify ' +
        'checks the strength of the keys and certificates held in vaults.',
      coverage: 'supporting',
      citations: [{ rule: 'K006' }, { rule: 'C006' }],
      customerNote:
        'Add evidence from every system that stores or transmits authentication factors, for example the ' +
        'identity provider and the TLS settings of each endpoint.',
    },
    {
      id: '8.6.1',
      title: 'Interactive use of system/application accounts managed',
      summary:
        'System and application accounts should not be used for interactive sign-in except in managed, ' +
        'exceptional cases. Certify shows credentials held in plain text and secrets with no known user, ' +
        'which often hint at accounts handled by hand.',
      coverage: 'supporting',
      citations: [{ rule: 'VM002' }, { rule: 'VM003' }],
      customerNote:
        'Add the Entra ID settings that block interactive sign-in for these accounts and the approvals and ' +
        'logs for any exception.',
    },
    {
      id: '8.6.2',
      title: 'No hard-coded passwords for system/application accounts',
      summary:
        'Passwords of system and application accounts should not be written into configuration or code. ' +
        'VM002 finds app settings that hold a credential in plain text instead of a vault reference.',
      coverage: 'direct',
      citations: [{ rule: 'VM002' }],
      customerNote:
        'The requirement also covers scripts and source code, which Certify does not read; add the results ' +
        'of secret scanning for your repositories.',
    },
    {
      id: '8.6.3',
      title: 'System/application account passwords protected, changed periodically',
      summary:
        'Passwords and secrets of system and application accounts should be protected and changed on a ' +
        'defined schedule. Certify shows secret age, rotation coverage of app registration secrets, rotation ' +
        'policy health and the outcome of rotations.',
      coverage: 'direct',
      citations: [
        { rule: 'P008' },
        { rule: 'P009' },
        { rule: 'P010' },
        { rule: 'P012' },
        { rule: 'P013' },
        { rule: 'P014' },
        { rule: 'VM004' },
        { rule: 'P011' },
      ],
      customerNote:
        'Keep the targeted risk analysis (12.3.1) that sets how often these credentials must change next to ' +
        'this evidence.',
    },
    {
      id: '10.2.1',
      title: 'Audit logs enabled for all system components',
      summary:
        'Every system component should produce audit logs. Certify does not collect vault logs and gives no ' +
        'evidence here.',
      coverage: 'customer',
      citations: [],
      customerNote:
        'Enable diagnostic settings on each vault in scope and send the logs to Log Analytics; keep them for ' +
        'at least twelve months with the latest three months at hand for analysis, as 10.5.1 asks.',
    },
  ],
  redirects: [
    {
      from: '3.5',
      to: ['3.6.1', '3.7.4', '3.7.5'],
      note:
        'In v4.0.1, requirement 3.5 is about making stored card numbers unreadable, which Certify cannot see. ' +
        'The evidence about the keys themselves is reported under 3.6.1 (protecting keys) and 3.7.4 and ' +
        '3.7.5 (changing keys at the end of their cryptoperiod and retiring weakened ones).',
    },
    {
      from: '3.6',
      to: ['3.6.1'],
      note:
        '3.6 is the heading of the key protection requirements; the evidence is reported under its testable ' +
        'item 3.6.1.',
    },
    {
      from: '8.3.9',
      to: ['8.6.3'],
      note:
        '8.3.9 deals with passwords of user accounts that rely on a password alone. Certify checks system and ' +
        'application account credentials, whose protection and periodic change is 8.6.3.',
    },
    {
      from: '10.x',
      to: ['10.2.1'],
      note:
        '"10.x" is not a requirement number. Audit logging is 10.2.1 (with retention in 10.5.1); it is the ' +
        "customer's responsibility, because Certify does not collect logs.",
    },
  ],
};
