import type { Framework } from '../types.js';

export const soc2: Framework = {
  id: 'soc2',
  name: 'SOC 2 Type II (2017 TSC)',
  shortName: 'SOC 2',
  aliases: ['soc2', 'soc-2', 'soc 2'],
  scopeNote:
    'A SOC 2 Type II report gives the opinion of a service auditor on how a whole organisation designed and ' +
    'ran its controls over a period: governance, risk assessment, change management, vendor oversight, incident ' +
    'response and more. Certify adds technical evidence about Key Vault credentials to a few of the ' +
    'logical access (CC6) and system operations (CC7) criteria; forming the opinion is left to the auditor.',
  controls: [
    {
      id: 'CC6.1',
      title:
        'Logical access security over protected assets (points of focus: protects encryption keys; ' +
        'manages credentials for infrastructure and software)',
      summary:
        'The organisation should protect its encryption keys and the credentials its systems use. Certify ' +
        'shows whether secrets, keys and certificates have expiry dates, are current and strong, whether ' +
        'vaults can be recovered, and whether applications reference vaults instead of holding credentials.',
      coverage: 'direct',
      citations: [
        { rule: 'P001' },
        { rule: 'P002' },
        { rule: 'P003' },
        { rule: 'P007' },
        { rule: 'P008' },
        { rule: 'K001' },
        { rule: 'K002' },
        { rule: 'K005' },
        { rule: 'K006' },
        { rule: 'C001' },
        { rule: 'C002' },
        { rule: 'C005' },
        { rule: 'C006' },
        { rule: 'CIS-8.5' },
        { rule: 'CIS-8.6' },
        { rule: 'VM001' },
        { rule: 'VM002' },
        { rule: 'P011' },
      ],
      customerNote:
        'The criterion also covers how people sign in. Certify does not read Entra ID, so add your ' +
        'Conditional Access policies that require MFA for users holding Key Vault roles.',
    },
    {
      id: 'CC6.2',
      title: 'Credentials registered, authorized and removed',
      summary:
        'Credentials should be issued only after authorisation and removed when no longer needed. Certify ' +
        'points to secrets nothing uses, app registration secrets without rotation, and rotation policies ' +
        'that are unverified, untargeted or failing.',
      coverage: 'supporting',
      citations: [
        { rule: 'VM003' },
        { rule: 'P009' },
        { rule: 'P012' },
        { rule: 'P013' },
        { rule: 'P014' },
        { rule: 'VM004' },
      ],
      customerNote:
        'Add records of the approval process for new credentials and identities (requests, approvals) and ' +
        'of their removal when people leave or systems are retired.',
    },
    {
      id: 'CC6.3',
      title: 'Role-based access, least privilege',
      summary:
        'Access should follow roles and be limited to what each role needs. CIS-RBAC shows whether vaults ' +
        'use Azure RBAC at all, which is a precondition for role-based access to their contents.',
      coverage: 'supporting',
      citations: [{ rule: 'CIS-RBAC' }],
      customerNote:
        'Export the role assignments at vault scope and the records of periodic access reviews showing ' +
        'that each assignment is still needed; Privileged Identity Management history helps here.',
    },
    {
      id: 'CC6.6',
      title: 'Logical access from outside system boundaries',
      summary:
        'Access from outside the system boundary should be restricted. CIS-8.7 shows which vaults accept ' +
        'traffic from any public network, and NET001 which vaults can be reached over a private endpoint.',
      coverage: 'supporting',
      citations: [{ rule: 'CIS-8.7' }, { rule: 'NET001' }],
      customerNote:
        'Add the network design for the boundary as a whole: firewalls, private endpoints, network security ' +
        'groups and remote-access controls.',
    },
    {
      id: 'CC7.1',
      title: 'Detect configuration changes that introduce vulnerabilities',
      summary:
        'The organisation should find configurations that create weaknesses. Certify flags plain-text ' +
        'credentials in app settings, publicly reachable vaults and uncertain dependency matches that no ' +
        'one has reviewed.',
      coverage: 'supporting',
      citations: [{ rule: 'VM002' }, { rule: 'CIS-8.7' }, { rule: 'VM005' }],
      customerNote:
        'Add the results of your wider configuration monitoring, such as Defender for Cloud ' +
        'recommendations, Azure Policy results and vulnerability scans.',
    },
    {
      id: 'CC7.2',
      title: 'Monitor system components for anomalies',
      summary:
        'Systems should be watched for behaviour that points to an incident. Certify surfaces unused ' +
        'secrets, failed rotations, rotation gaps and failed multi-cloud syncs; it does not read access logs.',
      coverage: 'supporting',
      citations: [
        { rule: 'VM003' },
        { rule: 'VM004' },
        { rule: 'P009' },
        { rule: 'P010' },
        { rule: 'SYN004' },
      ],
      customerNote:
        'Send Key Vault diagnostic logs to Log Analytics, turn on Defender for Key Vault alerts, and keep ' +
        'records showing that alerts are triaged, for example from your SIEM.',
    },
  ],
  redirects: [],
};
