import type { Framework } from '../types.js';

export const nist: Framework = {
  id: 'nist',
  name: 'NIST SP 800-53 Rev. 5',
  shortName: 'NIST 800-53',
  aliases: ['nist', 'nist-800-53', '800-53'],
  scopeNote:
    'SP 800-53 is a catalogue of roughly a thousand controls and enhancements in twenty families, tailored ' +
    'to a system through a baseline and assessed as part of an authorisation. Certify contributes technical ' +
    'evidence to a handful of controls in the SC, IA, CM and AU families that concern keys, certificates ' +
    'and stored credentials in Azure Key Vault.',
  controls: [
    {
      id: 'SC-12',
      title: 'Cryptographic key establishment and management',
      summary:
        'Keys should be generated, distributed, stored and retired according to defined requirements. ' +
        'Certify shows whether keys and secrets carry expiry dates and are current, whether keys are ' +
        'renewed within their maximum age, and whether vault references used by applications resolve.',
      coverage: 'supporting',
      citations: [
        { rule: 'K001' },
        { rule: 'K002' },
        { rule: 'K003' },
        { rule: 'K005' },
        { rule: 'K009' },
        { rule: 'P001' },
        { rule: 'P002' },
        { rule: 'P007' },
        { rule: 'VM001' },
      ],
      customerNote:
        'Add your documented key management requirements (generation, distribution, storage, access and ' +
        'destruction) and evidence that they are followed outside Key Vault as well.',
    },
    {
      id: 'SC-12(1)',
      title: 'Availability of keys',
      summary:
        'Information should stay available even if keys are lost. CIS-8.5 and CIS-8.6 show whether vaults ' +
        'can recover deleted keys and are protected from early purging.',
      coverage: 'direct',
      citations: [{ rule: 'CIS-8.5' }, { rule: 'CIS-8.6' }],
      customerNote: null,
    },
    {
      id: 'SC-13',
      title: 'Cryptographic protection',
      summary:
        'The system should use the types of cryptography the organisation requires. Certify checks key and ' +
        'certificate sizes and curves, whether keys are HSM-backed, and whether vaults holding keys are on ' +
        'the HSM-capable Premium tier.',
      coverage: 'supporting',
      citations: [{ rule: 'K006' }, { rule: 'K008' }, { rule: 'C006' }, { rule: 'KMS-HSM' }],
      customerNote:
        'State which cryptography each use requires (for example FIPS-validated modules) and show how ' +
        'services outside Key Vault, such as storage and databases, apply it.',
    },
    {
      id: 'SC-17',
      title: 'PKI certificates',
      summary:
        'Public key certificates should be issued under a defined policy or obtained from an approved ' +
        'provider. Certify shows whether certificates expire, are current, use adequate keys and stay ' +
        'within a bounded validity period.',
      coverage: 'supporting',
      citations: [
        { rule: 'C001' },
        { rule: 'C002' },
        { rule: 'C003' },
        { rule: 'C005' },
        { rule: 'C006' },
        { rule: 'C007' },
      ],
      customerNote:
        'Add your certificate policy and the list of certificate authorities you approve, with evidence that ' +
        'the certificates in the vaults come from them.',
    },
    {
      id: 'IA-5',
      title: 'Authenticator management',
      summary:
        'Authenticators should be issued, protected, changed and revoked under control. Certify shows ' +
        'secret expiry and age, rotation policy health, unused secrets and the outcome of rotations.',
      coverage: 'direct',
      citations: [
        { rule: 'P001' },
        { rule: 'P007' },
        { rule: 'P008' },
        { rule: 'P012' },
        { rule: 'P013' },
        { rule: 'P014' },
        { rule: 'VM003' },
        { rule: 'VM004' },
        { rule: 'P011' },
      ],
      customerNote:
        'This evidence covers secrets kept in Key Vault. Authenticators of people (passwords, tokens, MFA) ' +
        'live in Entra ID and need their own evidence.',
    },
    {
      id: 'IA-5(7)',
      title: 'No embedded unencrypted static authenticators',
      summary:
        'Credentials should not be written in plain text into applications or scripts. VM002 finds app ' +
        'settings that hold what looks like a credential instead of a vault reference.',
      coverage: 'direct',
      citations: [{ rule: 'VM002' }],
      customerNote: null,
    },
    {
      id: 'CM-2',
      title: 'Baseline configuration',
      summary:
        'A current, reviewed baseline configuration should exist. Certify shows whether vault references ' +
        'resolve and whether uncertain dependency matches have been reviewed.',
      coverage: 'supporting',
      citations: [{ rule: 'VM001' }, { rule: 'VM005' }],
      customerNote:
        'Add the documented baseline itself, for example infrastructure-as-code templates under version ' +
        'control, and the record of its reviews.',
    },
    {
      id: 'CM-3',
      title: 'Configuration change control',
      summary:
        'Changes should be proposed, approved, tested and recorded. Certify shows whether credential ' +
        'rotations, which are changes, succeed and are covered by verified rotation policies.',
      coverage: 'supporting',
      citations: [{ rule: 'VM004' }, { rule: 'P009' }, { rule: 'P010' }],
      customerNote: 'Add your change management records: requests, approvals, test results and reviews.',
    },
    {
      id: 'CM-8',
      title: 'System component inventory',
      summary:
        'An accurate inventory of system components should be kept. Certify builds an inventory of vault ' +
        'credentials and the resources that depend on them, and flags broken references, plain-text ' +
        'credentials and secrets that nothing uses.',
      coverage: 'direct',
      citations: [{ rule: 'VM001' }, { rule: 'VM002' }, { rule: 'VM003' }],
      customerNote: null,
    },
    {
      id: 'AU-2',
      title: 'Event logging',
      summary:
        'The organisation should decide which events to log and log them. Certify does not collect vault ' +
        'logs and gives no evidence here.',
      coverage: 'customer',
      citations: [],
      customerNote:
        'Define the events to log, enable diagnostic settings on each vault that send audit events to Log ' +
        'Analytics, and keep them for the retention your policy sets.',
    },
  ],
  redirects: [],
};
