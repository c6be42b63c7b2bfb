import type { Framework } from '../types.js';

export const hipaa: Framework = {
  id: 'hipaa',
  name: 'HIPAA Security Rule (45 CFR §164.312)',
  shortName: 'HIPAA',
  aliases: ['hipaa'],
  scopeNote:
    '§164.312 holds the technical safeguards only. The administrative and physical safeguards (§164.308, ' +
    '§164.310), the risk analysis, policies and documentation (§164.316) and business associate agreements ' +
    'sit outside Certify, which never sees electronic protected health information and only describes the ' +
    'vaults that hold keys and credentials.',
  controls: [
    {
      id: '164.312(a)(1)',
      title: 'Access control',
      summary:
        'Only authorised people and software should reach systems holding ePHI. Certify shows whether ' +
        'vaults use Azure RBAC, whether they are open to public networks or reached over private ' +
        'endpoints, and whether credentials sit in plain text in app settings.',
      coverage: 'supporting',
      citations: [{ rule: 'CIS-RBAC' }, { rule: 'CIS-8.7' }, { rule: 'NET001' }, { rule: 'VM002' }],
      customerNote:
        'Add evidence for unique user identification, emergency (break-glass) access and automatic logoff, ' +
        'typically from Entra ID and Privileged Identity Management.',
    },
    {
      id: '164.312(a)(2)(iv)',
      title: 'Encryption and decryption (addressable)',
      summary:
        'ePHI should be encrypted where reasonable. Certify shows whether keys and certificates are ' +
        'strong, whether keys are HSM-backed and vaults holding them HSM-capable, and whether the keys can ' +
        'be recovered.',
      coverage: 'supporting',
      citations: [
        { rule: 'K006' },
        { rule: 'K008' },
        { rule: 'C006' },
        { rule: 'CIS-8.5' },
        { rule: 'CIS-8.6' },
        { rule: 'KMS-HSM' },
      ],
      customerNote:
        'Show how each service that stores ePHI (storage, databases, disks) is encrypted at rest and with ' +
        'which keys; Certify does not read those settings.',
    },
    {
      id: '164.312(b)',
      title: 'Audit controls',
      summary:
        'Activity in systems holding ePHI should be recorded and examined. Certify does not collect access ' +
        'logs and gives no evidence here.',
      coverage: 'customer',
      citations: [],
      customerNote:
        'Enable diagnostic settings on every vault in scope, send the logs to Log Analytics kept for at ' +
        'least the period your policy sets, and connect them to your SIEM so that activity is reviewed.',
    },
    {
      id: '164.312(c)(1)',
      title: 'Integrity',
      summary:
        'ePHI should be protected from improper change or destruction. Certify shows whether vaults can ' +
        'recover deleted objects and whether keys, certificates and secrets have lapsed.',
      coverage: 'supporting',
      citations: [
        { rule: 'CIS-8.5' },
        { rule: 'CIS-8.6' },
        { rule: 'K005' },
        { rule: 'C005' },
        { rule: 'P007' },
      ],
      customerNote:
        'Add the mechanisms that protect the health data itself, such as versioning, immutable storage or ' +
        'checksums on the data stores.',
    },
    {
      id: '164.312(d)',
      title: 'Person or entity authentication',
      summary:
        'Anyone seeking access to ePHI should prove who they are. Certify does not see sign-ins and gives ' +
        'no evidence here.',
      coverage: 'customer',
      citations: [],
      customerNote:
        'Require MFA through Entra ID Conditional Access for every user holding a Key Vault role, grant ' +
        'elevated roles just in time through Privileged Identity Management, and document the break-glass ' +
        'procedure.',
    },
    {
      id: '164.312(e)(1)',
      title: 'Transmission security',
      summary:
        'ePHI sent over networks should be guarded against interception. Certify shows whether the keys and ' +
        'certificates that secure those connections are strong enough.',
      coverage: 'supporting',
      citations: [{ rule: 'K006' }, { rule: 'C006' }],
      customerNote:
        'Add the TLS settings of each endpoint that carries ePHI, such as the minimum TLS version enforced.',
    },
  ],
  redirects: [],
};
