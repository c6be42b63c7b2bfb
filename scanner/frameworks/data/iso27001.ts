import type { Framework } from '../types.js';

export const iso27001: Framework = {
  id: 'iso27001',
  name: 'ISO/IEC 27001:2022 Annex A',
  shortName: 'ISO 27001',
  aliases: ['iso', 'iso27001', 'iso-27001', '27001'],
  scopeNote:
    'Certification looks at the whole information security management system: clauses 4 to 10 (context, ' +
    'leadership, risk treatment, internal audit, management review) and the 93 Annex A controls chosen in ' +
    'the Statement of Applicability, judged by an accredited certification body. Certify gives technical ' +
    'evidence for the few Annex A controls that touch keys, certificates and stored credentials in Azure ' +
    'Key Vault.',
  controls: [
    {
      id: 'A.8.24',
      title: 'Use of cryptography (incl. key management)',
      summary:
        'Cryptography and its keys should be used and managed according to defined rules. Certify shows ' +
        'whether keys and certificates have expiry dates, are current, strong, HSM-backed and within their ' +
        'maximum age or validity, whether secrets are close to expiry or expired, and whether vaults ' +
        'holding keys are HSM-capable.',
      coverage: 'direct',
      citations: [
        { rule: 'K001' },
        { rule: 'K002' },
        { rule: 'K003' },
        { rule: 'K005' },
        { rule: 'K006' },
        { rule: 'K008' },
        { rule: 'K009' },
        { rule: 'C001' },
        { rule: 'C002' },
        { rule: 'C003' },
        { rule: 'C005' },
        { rule: 'C006' },
        { rule: 'C007' },
        { rule: 'P003' },
        { rule: 'P007' },
        { rule: 'KMS-HSM' },
      ],
      customerNote:
        'Certify shows the technical state of the vaults; attach the documented cryptography and key ' +
        'management rules that the control expects you to define.',
    },
    {
      id: 'A.5.17',
      title: 'Authentication information',
      summary:
        'Secrets, passwords and similar authentication information should be allocated and handled under ' +
        'control. Certify shows whether stored secrets expire, are current and recently changed, and whether ' +
        'applications fetch them from vaults and rotate them successfully.',
      coverage: 'supporting',
      citations: [
        { rule: 'P001' },
        { rule: 'P007' },
        { rule: 'P008' },
        { rule: 'VM001' },
        { rule: 'VM002' },
        { rule: 'VM004' },
        { rule: 'P011' },
      ],
      customerNote:
        'The control also covers authentication information of people. Add your Entra ID password and MFA ' +
        'settings and the guidance given to users on handling their credentials.',
    },
    {
      id: 'A.5.15',
      title: 'Access control',
      summary:
        'Access to information should follow rules set by the business. CIS-RBAC shows whether vaults use ' +
        'Azure RBAC, which lets those rules be expressed as role assignments.',
      coverage: 'supporting',
      citations: [{ rule: 'CIS-RBAC' }],
      customerNote:
        'Add your access control policy and an export of the role assignments on each vault, with evidence ' +
        'that they are reviewed.',
    },
    {
      id: 'A.8.13',
      title: 'Information backup (recoverability)',
      summary:
        'Information should be recoverable after loss. CIS-8.5 and CIS-8.6 show whether vaults keep deleted ' +
        'objects for recovery and block early purging.',
      coverage: 'supporting',
      citations: [{ rule: 'CIS-8.5' }, { rule: 'CIS-8.6' }],
      customerNote:
        'Add your backup policy and records of restore tests; soft delete does not protect against the loss ' +
        'of a whole region or subscription.',
    },
    {
      id: 'A.8.20',
      title: 'Networks security',
      summary:
        'Networks should be secured and managed. CIS-8.7 shows which vaults accept traffic from any public ' +
        'network, and NET001 which vaults can be reached over a private endpoint.',
      coverage: 'supporting',
      citations: [{ rule: 'CIS-8.7' }, { rule: 'NET001' }],
      customerNote:
        'Add evidence for the rest of the network: segmentation, firewalls, private endpoints and the way ' +
        'network devices are managed.',
    },
    {
      id: 'A.8.15',
      title: 'Logging',
      summary:
        'Activity and security events should be logged, protected and reviewed. Certify does not collect ' +
        'vault logs and gives no evidence here.',
      coverage: 'customer',
      citations: [],
      customerNote:
        'Enable diagnostic settings on each vault, send the audit events to a Log Analytics workspace with ' +
        'the retention your policy sets, restrict who can change the logs, and keep records of log reviews.',
    },
  ],
  redirects: [
    {
      from: 'A.10.1.2',
      to: ['A.8.24'],
      note:
        'A.10.1.2 (key management) is a 2013 number. The 2022 edition renumbered Annex A and folded key ' +
        'management into A.8.24, where this evidence is reported.',
    },
    {
      from: 'A.10.1.2-keys',
      to: ['A.8.24'],
      note:
        'An earlier mapping split the 2013 control A.10.1.2 into keys and certificates. In the 2022 edition ' +
        'both belong to A.8.24, which cites the key rules.',
    },
    {
      from: 'A.10.1.2-certs',
      to: ['A.8.24'],
      note:
        'An earlier mapping split the 2013 control A.10.1.2 into keys and certificates. In the 2022 edition ' +
        'both belong to A.8.24, which cites the certificate rules.',
    },
    {
      from: 'A.9.4.3',
      to: ['A.5.17'],
      note:
        'A.9.4.3 (password management system) is a 2013 number. The 2022 edition covers it in A.5.17, ' +
        'Authentication information, where this evidence is reported.',
    },
  ],
};
