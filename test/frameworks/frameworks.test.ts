import { describe, it } from 'vitest';
import assert from 'node:assert/strict';

import { CertifyError } from '../../base/errors.js';
import { closest, levenshtein } from '../../base/closest.js';
import {
  allCitedRuleIds,
  citedRuleIds,
  findFramework,
  FRAMEWORK_IDS,
  FRAMEWORKS,
  getFramework,
  lookupControl,
} from '../../scanner/frameworks/index.js';
import type { ControlLookup, Coverage, FrameworkId } from '../../scanner/frameworks/index.js';

type Row = [id: string, title: string, coverage: Coverage, rules: string[]];

/** frameworks.md, table by table: control, title, coverage, cited rules (in the table's order). */
const SPEC: Record<FrameworkId, Row[]> = {
  cis: [
    ['8.1', 'Expiration date set for all keys in RBAC vaults', 'direct', ['K001']],
    ['8.2', 'Expiration date set for all keys in non-RBAC vaults', 'direct', ['K001']],
    ['8.3', 'Expiration date set for all secrets in RBAC vaults', 'direct', ['P001']],
    ['8.4', 'Expiration date set for all secrets in non-RBAC vaults', 'direct', ['P001']],
    ['8.5', 'Key Vault is recoverable (soft delete and purge protection)', 'direct', ['CIS-8.5', 'CIS-8.6']],
    ['8.6', 'Role-based access control enabled for Key Vault', 'direct', ['CIS-RBAC']],
    ['8.7', 'Private endpoints used for Key Vault', 'direct', ['NET001', 'CIS-8.7']],
    ['8.8', 'Automatic key rotation enabled', 'direct', ['K007']],
    ['9.11', 'Key Vaults used to store secrets', 'supporting', ['VM001', 'VM002']],
    ['5.1.5', 'Logging for Key Vault enabled', 'customer', []],
  ],
  soc2: [
    [
      'CC6.1',
      'Logical access security over protected assets (points of focus: protects encryption keys; manages credentials for infrastructure and software)',
      'direct',
      [
        'P001',
        'P002',
        'P003',
        'P007',
        'P008',
        'K001',
        'K002',
        'K005',
        'K006',
        'C001',
        'C002',
        'C005',
        'C006',
        'CIS-8.5',
        'CIS-8.6',
        'VM001',
        'VM002',
        'P011',
      ],
    ],
    [
      'CC6.2',
      'Credentials registered, authorized and removed',
      'supporting',
      ['VM003', 'P009', 'P012', 'P013', 'P014', 'VM004'],
    ],
    ['CC6.3', 'Role-based access, least privilege', 'supporting', ['CIS-RBAC']],
    ['CC6.6', 'Logical access from outside system boundaries', 'supporting', ['CIS-8.7', 'NET001']],
    [
      'CC7.1',
      'Detect configuration changes that introduce vulnerabilities',
      'supporting',
      ['VM002', 'CIS-8.7', 'VM005'],
    ],
    [
      'CC7.2',
      'Monitor system components for anomalies',
      'supporting',
      ['VM003', 'VM004', 'P009', 'P010', 'SYN004'],
    ],
  ],
  iso27001: [
    [
      'A.8.24',
      'Use of cryptography (incl. key management)',
      'direct',
      // Expiry rules in pairs: "expiring" (P003) beside "expired" (P007).
      [
        'K001',
        'K002',
        'K003',
        'K005',
        'K006',
        'K008',
        'K009',
        'C001',
        'C002',
        'C003',
        'C005',
        'C006',
        'C007',
        'P003',
        'P007',
        'KMS-HSM',
      ],
    ],
    [
      'A.5.17',
      'Authentication information',
      'supporting',
      ['P001', 'P007', 'P008', 'VM001', 'VM002', 'VM004', 'P011'],
    ],
    ['A.5.15', 'Access control', 'supporting', ['CIS-RBAC']],
    ['A.8.13', 'Information backup (recoverability)', 'supporting', ['CIS-8.5', 'CIS-8.6']],
    ['A.8.20', 'Networks security', 'supporting', ['CIS-8.7', 'NET001']],
    ['A.8.15', 'Logging', 'customer', []],
  ],
  nist: [
    [
      'SC-12',
      'Cryptographic key establishment and management',
      'supporting',
      ['K001', 'K002', 'K003', 'K005', 'K009', 'P001', 'P002', 'P007', 'VM001'],
    ],
    ['SC-12(1)', 'Availability of keys', 'direct', ['CIS-8.5', 'CIS-8.6']],
    ['SC-13', 'Cryptographic protection', 'supporting', ['K006', 'K008', 'C006', 'KMS-HSM']],
    ['SC-17', 'PKI certificates', 'supporting', ['C001', 'C002', 'C003', 'C005', 'C006', 'C007']],
    [
      'IA-5',
      'Authenticator management',
      'direct',
      ['P001', 'P007', 'P008', 'P012', 'P013', 'P014', 'VM003', 'VM004', 'P011'],
    ],
    ['IA-5(7)', 'No embedded unencrypted static authenticators', 'direct', ['VM002']],
    ['CM-2', 'Baseline configuration', 'supporting', ['VM001', 'VM005']],
    ['CM-3', 'Configuration change control', 'supporting', ['VM004', 'P009', 'P010']],
    ['CM-8', 'System component inventory', 'direct', ['VM001', 'VM002', 'VM003']],
    ['AU-2', 'Event logging', 'customer', []],
  ],
  hipaa: [
    ['164.312(a)(1)', 'Access control', 'supporting', ['CIS-RBAC', 'CIS-8.7', 'NET001', 'VM002']],
    [
      '164.312(a)(2)(iv)',
      'Encryption and decryption (addressable)',
      'supporting',
      ['K006', 'K008', 'C006', 'CIS-8.5', 'CIS-8.6', 'KMS-HSM'],
    ],
    ['164.312(b)', 'Audit controls', 'customer', []],
    ['164.312(c)(1)', 'Integrity', 'supporting', ['CIS-8.5', 'CIS-8.6', 'K005', 'C005', 'P007']],
    ['164.312(d)', 'Person or entity authentication', 'customer', []],
    ['164.312(e)(1)', 'Transmission security', 'supporting', ['K006', 'C006']],
  ],
  pci: [
    [
      '3.6.1',
      'Keys protecting stored account data are secured (access, HSM)',
      'supporting',
      ['CIS-RBAC', 'CIS-8.7', 'NET001', 'K006', 'K008', 'KMS-HSM'],
    ],
    [
      '3.7.4',
      'Key changes at the end of the cryptoperiod',
      'direct',
      ['K001', 'K002', 'K003', 'K005', 'K009', 'P001', 'P002', 'P007'],
    ],
    [
      '3.7.5',
      'Keys retired or replaced when weakened or compromised',
      'supporting',
      ['K005', 'K006', 'P007', 'C005'],
    ],
    ['8.3.2', 'Authentication factors unreadable with strong cryptography', 'supporting', ['K006', 'C006']],
    ['8.6.1', 'Interactive use of system/application accounts managed', 'supporting', ['VM002', 'VM003']],
    ['8.6.2', 'No hard-coded passwords for system/application accounts', 'direct', ['VM002']],
    [
      '8.6.3',
      'System/application account passwords protected, changed periodically',
      'direct',
      ['P008', 'P009', 'P010', 'P012', 'P013', 'P014', 'VM004', 'P011'],
    ],
    ['10.2.1', 'Audit logs enabled for all system components', 'customer', []],
  ],
  asb: [
    [
      'DP-5',
      'Customer-managed keys for data at rest when required',
      'supporting',
      ['KMS-HSM', 'K006', 'K008'],
    ],
    [
      'DP-6',
      'Secure key management process',
      'direct',
      ['K001', 'K002', 'K003', 'K005', 'K007', 'K009', 'P001', 'P002', 'P007', 'P008'],
    ],
    [
      'DP-7',
      'Secure certificate management process',
      'direct',
      ['C001', 'C002', 'C003', 'C005', 'C006', 'C007'],
    ],
    [
      'DP-8',
      'Security of the key and certificate repository',
      'direct',
      ['CIS-RBAC', 'CIS-8.7', 'NET001', 'CIS-8.5', 'CIS-8.6'],
    ],
    [
      'IM-3',
      'Application identities managed securely and automatically',
      'direct',
      ['VM002', 'VM003', 'P009', 'P010', 'VM004'],
    ],
    ['IM-8', 'Restrict exposure of credentials and secrets', 'direct', ['VM001', 'VM002']],
    ['PA-7', 'Just enough administration', 'direct', ['CIS-RBAC']],
    ['NS-2', 'Cloud services secured with network controls', 'supporting', ['CIS-8.7', 'NET001']],
    ['AM-2', 'Only approved services', 'supporting', ['VM001', 'VM002', 'VM005']],
    [
      'AM-3',
      'Asset lifecycle management',
      'supporting',
      ['VM001', 'VM003', 'VM004', 'P009', 'P010', 'SYN001', 'SYN002', 'SYN004'],
    ],
    ['BR-2', 'Backup and recovery data protected', 'supporting', ['CIS-8.5', 'CIS-8.6']],
    ['LT-3', 'Logging for security investigation', 'customer', []],
  ],
};

/** Seed ids the spec mentions, and where each one points now. */
const REDIRECTS: Record<FrameworkId, Record<string, string[]>> = {
  cis: { RBAC: ['8.6'], '7.4': ['9.11'] },
  soc2: {},
  iso27001: {
    'A.10.1.2': ['A.8.24'],
    'A.10.1.2-keys': ['A.8.24'],
    'A.10.1.2-certs': ['A.8.24'],
    'A.9.4.3': ['A.5.17'],
  },
  nist: {},
  hipaa: {},
  pci: { '3.5': ['3.6.1', '3.7.4', '3.7.5'], '3.6': ['3.6.1'], '8.3.9': ['8.6.3'], '10.x': ['10.2.1'] },
  asb: { 'BR-4': ['DP-8', 'BR-2'], 'IM-7': ['PA-7', 'DP-8'] },
};

const NAMES: Record<FrameworkId, string> = {
  cis: 'CIS Microsoft Azure Foundations Benchmark v2.0.0',
  soc2: 'SOC 2 Type II (2017 TSC)',
  iso27001: 'ISO/IEC 27001:2022 Annex A',
  nist: 'NIST SP 800-53 Rev. 5',
  hipaa: 'HIPAA Security Rule (45 CFR §164.312)',
  pci: 'PCI DSS v4.0.1',
  asb: 'Microsoft Azure Security Benchmark v3',
};

/** The product gives evidence, never a verdict. */
const VERDICT = /\b(met|meets|compliant|compliance|satisf(y|ies|ied)|certified|passed|verdict)\b/i;

function sentences(text: string): number {
  return text.split(/(?<=[.?!])\s+(?=[A-Z0-9"§])/).length;
}

function expectUnknown(fn: () => unknown, code: 'UNKNOWN_FRAMEWORK' | 'UNKNOWN_CONTROL'): CertifyError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CertifyError, `expected a CertifyError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.exitCode, 2);
    return e;
  }
  assert.fail('expected an error');
}

function ids(lookup: ControlLookup): string[] {
  return lookup.kind === 'control' ? [lookup.control.id] : lookup.controls.map((c) => c.id);
}

describe('framework catalogue', () => {
  it('lists the seven frameworks in order, with their exact display names', () => {
    assert.deepEqual(
      FRAMEWORKS.map((f) => f.id),
      ['cis', 'soc2', 'iso27001', 'nist', 'hipaa', 'pci', 'asb'],
    );
    assert.deepEqual(FRAMEWORK_IDS, ['cis', 'soc2', 'iso27001', 'nist', 'hipaa', 'pci', 'asb']);
    for (const f of FRAMEWORKS) assert.equal(f.name, NAMES[f.id]);
  });

  for (const [id, rows] of Object.entries(SPEC) as [FrameworkId, Row[]][]) {
    it(`${id}: controls, titles, coverage and cited rules match frameworks.md`, () => {
      const f = getFramework(id);
      assert.deepEqual(
        f.controls.map((c) => [c.id, c.title, c.coverage, c.citations.map((x) => x.rule)]),
        rows,
      );
    });

    it(`${id}: redirects cover the seed ids the spec names, and point at real controls`, () => {
      const f = getFramework(id);
      assert.deepEqual(Object.fromEntries(f.redirects.map((r) => [r.from, r.to])), REDIRECTS[id]);
      const controlIds = new Set(f.controls.map((c) => c.id.toLowerCase()));
      for (const r of f.redirects) {
        assert.ok(!controlIds.has(r.from.toLowerCase()), `${id} ${r.from} is both a control and a redirect`);
        assert.ok(r.note.trim().length > 40, `${id} ${r.from}: the note explains the move`);
        for (const to of r.to) assert.ok(r.note.includes(to), `${id} ${r.from}: the note names ${to}`);
      }
    });
  }

  it('CIS 8.1–8.4 restrict K001/P001 to keys or secrets in RBAC or non-RBAC vaults; nothing else is restricted', () => {
    const subsets = Object.fromEntries(
      getFramework('cis').controls.map((c) => [c.id, c.citations.map((x) => x.subset ?? null)]),
    );
    assert.deepEqual(subsets['8.1'], [{ section: 'keys', vaultRbac: true }]);
    assert.deepEqual(subsets['8.2'], [{ section: 'keys', vaultRbac: false }]);
    assert.deepEqual(subsets['8.3'], [{ section: 'secrets', vaultRbac: true }]);
    assert.deepEqual(subsets['8.4'], [{ section: 'secrets', vaultRbac: false }]);
    for (const f of FRAMEWORKS) {
      for (const c of f.controls) {
        if (f.id === 'cis' && ['8.1', '8.2', '8.3', '8.4'].includes(c.id)) continue;
        for (const x of c.citations) assert.equal(x.subset, undefined, `${f.id} ${c.id} ${x.rule}`);
      }
    }
  });

  it('customer controls cite nothing and tell the customer what to do; supporting ones say what to add', () => {
    for (const f of FRAMEWORKS) {
      for (const c of f.controls) {
        if (c.coverage === 'customer') assert.deepEqual(c.citations, [], `${f.id} ${c.id}`);
        else assert.ok(c.citations.length > 0, `${f.id} ${c.id} cites at least one rule`);
        if (c.coverage !== 'direct') {
          assert.ok((c.customerNote ?? '').trim().length > 20, `${f.id} ${c.id} has a customer note`);
        }
      }
    }
  });

  it('the customer notes name the concrete actions the spec asks for', () => {
    const note = (f: FrameworkId, c: string): string =>
      getFramework(f).controls.find((x) => x.id === c)?.customerNote ?? '';
    assert.match(note('hipaa', '164.312(b)'), /diagnostic settings/i);
    assert.match(note('hipaa', '164.312(b)'), /SIEM/);
    assert.match(note('hipaa', '164.312(d)'), /Conditional Access/);
    assert.match(note('hipaa', '164.312(d)'), /MFA/);
    assert.match(note('pci', '10.2.1'), /diagnostic settings/i);
    assert.match(note('pci', '10.2.1'), /twelve months/);
    assert.match(note('pci', '10.2.1'), /10\.5\.1/);
    for (const [f, c] of [
      ['cis', '5.1.5'],
      ['iso27001', 'A.8.15'],
      ['nist', 'AU-2'],
      ['asb', 'LT-3'],
    ] as const) {
      assert.match(note(f, c), /diagnostic setting/i, `${f} ${c}`);
      assert.match(note(f, c), /Log Analytics/, `${f} ${c}`);
    }
  });

  it('every framework and control carries its own non-empty text, and none of it gives a verdict', () => {
    for (const f of FRAMEWORKS) {
      assert.ok(f.shortName.trim() !== '', f.id);
      assert.ok(f.scopeNote.trim().length > 80, `${f.id} scopeNote`);
      assert.doesNotMatch(f.scopeNote, VERDICT, `${f.id} scopeNote`);
      assert.ok(f.aliases.includes(f.id), `${f.id} lists its id among its aliases`);
      const seen = new Set<string>();
      for (const c of f.controls) {
        assert.ok(!seen.has(c.id), `${f.id} ${c.id} is unique`);
        seen.add(c.id);
        assert.ok(c.title.trim() !== '', `${f.id} ${c.id} title`);
        assert.ok(c.summary.trim().length > 40, `${f.id} ${c.id} summary`);
        assert.notEqual(c.summary, c.title);
        const n = sentences(c.summary);
        assert.ok(n >= 1 && n <= 3, `${f.id} ${c.id}: summary has ${n} sentences`);
        for (const text of [c.summary, c.customerNote ?? ''])
          assert.doesNotMatch(text, VERDICT, `${f.id} ${c.id}`);
      }
      for (const r of f.redirects) assert.doesNotMatch(r.note, VERDICT, `${f.id} ${r.from}`);
    }
  });

  it('ASB DP-5 explains that the seed called it classification, which is DP-1 and out of scope', () => {
    const dp5 = getFramework('asb').controls.find((c) => c.id === 'DP-5');
    assert.match(dp5?.summary ?? '', /classification/);
    assert.match(dp5?.summary ?? '', /DP-1/);
  });

  it('is frozen data', () => {
    const f = getFramework('pci');
    assert.ok(Object.isFrozen(FRAMEWORKS));
    assert.ok(Object.isFrozen(f));
    assert.ok(Object.isFrozen(f.controls[0]));
    assert.ok(Object.isFrozen(f.controls[0]?.citations));
  });
});

describe('findFramework', () => {
  const aliases: [string, FrameworkId][] = [
    ['pci', 'pci'],
    ['pci-dss', 'pci'],
    ['pcidss', 'pci'],
    ['pci dss', 'pci'],
    ['PCI', 'pci'],
    ['  PCI  DSS ', 'pci'],
    ['PCI_DSS', 'pci'],
    ['iso', 'iso27001'],
    ['iso27001', 'iso27001'],
    ['iso-27001', 'iso27001'],
    ['27001', 'iso27001'],
    ['ISO 27001', 'iso27001'],
    ['nist', 'nist'],
    ['nist-800-53', 'nist'],
    ['800-53', 'nist'],
    ['NIST', 'nist'],
    ['cis', 'cis'],
    ['cis-azure', 'cis'],
    ['CIS', 'cis'],
    ['soc2', 'soc2'],
    ['soc-2', 'soc2'],
    ['soc 2', 'soc2'],
    ['SOC2', 'soc2'],
    ['hipaa', 'hipaa'],
    ['HIPAA', 'hipaa'],
    ['asb', 'asb'],
    ['mcsb', 'asb'],
    ['azure-security-benchmark', 'asb'],
    ['ASB', 'asb'],
    ['PCI DSS v4.0.1', 'pci'],
  ];
  for (const [name, id] of aliases) {
    it(`"${name}" → ${id}`, () => assert.equal(findFramework(name).id, id));
  }

  it('an unknown name is refused with the input, the known frameworks and the closest one', () => {
    const e = expectUnknown(() => findFramework('pcii'), 'UNKNOWN_FRAMEWORK');
    assert.equal(e.message, 'unknown framework "pcii"');
    assert.equal(e.hint, 'known frameworks: cis, soc2, iso27001, nist, hipaa, pci, asb; did you mean "pci"?');
    assert.match(expectUnknown(() => findFramework('hippa'), 'UNKNOWN_FRAMEWORK').hint ?? '', /"hipaa"\?$/);
    assert.match(
      expectUnknown(() => findFramework('iso2701'), 'UNKNOWN_FRAMEWORK').hint ?? '',
      /"iso27001"\?$/,
    );
    assert.match(expectUnknown(() => findFramework('soc'), 'UNKNOWN_FRAMEWORK').hint ?? '', /"soc2"\?$/);
    assert.match(expectUnknown(() => findFramework('pci-ds'), 'UNKNOWN_FRAMEWORK').hint ?? '', /"pci"\?$/);
  });

  it('input far from every name gets the list but no guess', () => {
    const e = expectUnknown(() => findFramework('gdpr-article-32'), 'UNKNOWN_FRAMEWORK');
    assert.match(e.message, /"gdpr-article-32"/);
    assert.equal(e.hint, 'known frameworks: cis, soc2, iso27001, nist, hipaa, pci, asb');
    expectUnknown(() => findFramework(''), 'UNKNOWN_FRAMEWORK');
  });
});

describe('lookupControl', () => {
  const lookup = (f: string, q: string): ControlLookup => lookupControl(findFramework(f), q);

  it('finds a control by its exact id', () => {
    const r = lookup('pci', '3.7.4');
    assert.equal(r.kind, 'control');
    assert.deepEqual(ids(r), ['3.7.4']);
    assert.deepEqual(ids(lookup('nist', 'SC-12(1)')), ['SC-12(1)']);
    assert.deepEqual(ids(lookup('hipaa', '164.312(a)(2)(iv)')), ['164.312(a)(2)(iv)']);
    assert.deepEqual(ids(lookup('cis', '5.1.5')), ['5.1.5']);
  });

  it('ignores case and surrounding space', () => {
    assert.deepEqual(ids(lookup('soc2', 'cc6.1')), ['CC6.1']);
    assert.deepEqual(ids(lookup('iso', ' a.8.24 ')), ['A.8.24']);
    assert.deepEqual(ids(lookup('nist', 'ia-5(7)')), ['IA-5(7)']);
    assert.deepEqual(ids(lookup('asb', 'dp-6')), ['DP-6']);
  });

  it('accepts a left-out prefix or separator where the answer is unambiguous', () => {
    assert.deepEqual(ids(lookup('iso', '8.24')), ['A.8.24']);
    assert.deepEqual(ids(lookup('iso', '5.17')), ['A.5.17']);
    assert.deepEqual(ids(lookup('hipaa', '312(b)')), ['164.312(b)']);
    assert.deepEqual(ids(lookup('hipaa', '§164.312(b)')), ['164.312(b)']);
    assert.deepEqual(ids(lookup('hipaa', '(d)')), ['164.312(d)']);
    assert.deepEqual(ids(lookup('hipaa', '164.312 (e)(1)')), ['164.312(e)(1)']);
    assert.deepEqual(ids(lookup('asb', 'DP5')), ['DP-5']);
    assert.deepEqual(ids(lookup('nist', 'sc 13')), ['SC-13']);
    for (const r of [lookup('iso', '8.24'), lookup('asb', 'dp5')]) assert.equal(r.kind, 'control');
  });

  it('lists every control under a heading, splitting only at . ( or -', () => {
    const r = lookup('pci', '3.7');
    assert.equal(r.kind, 'prefix');
    assert.equal(r.kind === 'prefix' ? r.query : '', '3.7');
    assert.deepEqual(ids(r), ['3.7.4', '3.7.5']);
    assert.deepEqual(ids(lookup('soc2', 'cc6')), ['CC6.1', 'CC6.2', 'CC6.3', 'CC6.6']);
    assert.deepEqual(ids(lookup('soc2', 'CC7')), ['CC7.1', 'CC7.2']);
    assert.deepEqual(ids(lookup('pci', '8.6')), ['8.6.1', '8.6.2', '8.6.3']);
    assert.deepEqual(ids(lookup('hipaa', '164.312(a)')), ['164.312(a)(1)', '164.312(a)(2)(iv)']);
    assert.deepEqual(ids(lookup('hipaa', '(a)')), ['164.312(a)(1)', '164.312(a)(2)(iv)']);
    assert.deepEqual(ids(lookup('nist', 'SC-12')), ['SC-12'], 'an exact id wins over its enhancements');
    assert.deepEqual(ids(lookup('nist', 'IA')), ['IA-5', 'IA-5(7)']);
    assert.deepEqual(ids(lookup('iso', 'A.8')), ['A.8.24', 'A.8.13', 'A.8.20', 'A.8.15']);
    assert.deepEqual(ids(lookup('cis', '8')), ['8.1', '8.2', '8.3', '8.4', '8.5', '8.6', '8.7', '8.8']);
    expectUnknown(() => lookup('nist', 'SC-1'), 'UNKNOWN_CONTROL');
    assert.deepEqual(ids(lookup('pci', '3.7.')), ['3.7.4', '3.7.5']);
    expectUnknown(() => lookup('pci', '1'), 'UNKNOWN_CONTROL');
  });

  const redirects: [string, string, string, string[]][] = [
    ['iso', 'A.10.1.2', 'A.10.1.2', ['A.8.24']],
    ['iso', 'a.10.1.2-keys', 'A.10.1.2-keys', ['A.8.24']],
    ['iso', 'A.10.1.2-certs', 'A.10.1.2-certs', ['A.8.24']],
    ['iso', '10.1.2', 'A.10.1.2', ['A.8.24']],
    ['iso', 'A.9.4.3', 'A.9.4.3', ['A.5.17']],
    ['pci', '8.3.9', '8.3.9', ['8.6.3']],
    ['pci', '3.5', '3.5', ['3.6.1', '3.7.4', '3.7.5']],
    ['pci', '3.6', '3.6', ['3.6.1']],
    ['pci', '10.x', '10.x', ['10.2.1']],
    ['pci', '10.X', '10.x', ['10.2.1']],
    ['cis', 'RBAC', 'RBAC', ['8.6']],
    ['cis', 'rbac', 'RBAC', ['8.6']],
    ['cis', '7.4', '7.4', ['9.11']],
    ['asb', 'BR-4', 'BR-4', ['DP-8', 'BR-2']],
    ['asb', 'br4', 'BR-4', ['DP-8', 'BR-2']],
    ['asb', 'IM-7', 'IM-7', ['PA-7', 'DP-8']],
  ];
  for (const [f, q, from, to] of redirects) {
    it(`${f} ${q} points to ${to.join(', ')} and says why`, () => {
      const r = lookup(f, q);
      assert.equal(r.kind, 'redirect');
      if (r.kind !== 'redirect') return;
      assert.equal(r.redirect.from, from);
      assert.deepEqual(r.redirect.to, to);
      assert.deepEqual(ids(r), to);
      assert.ok(r.redirect.note.length > 40);
    });
  }

  it('the ISO redirect note says the 2022 edition renumbered Annex A', () => {
    const r = lookup('iso', 'A.10.1.2');
    assert.match(r.kind === 'redirect' ? r.redirect.note : '', /2013/);
    assert.match(r.kind === 'redirect' ? r.redirect.note : '', /2022/);
  });

  it('an unknown control is refused with the framework, its control ids and the closest one', () => {
    const e = expectUnknown(() => lookup('pci', '3.7.6'), 'UNKNOWN_CONTROL');
    assert.equal(e.message, 'unknown control "3.7.6" in PCI DSS v4.0.1');
    assert.equal(
      e.hint,
      'PCI DSS controls: 3.6.1, 3.7.4, 3.7.5, 8.3.2, 8.6.1, 8.6.2, 8.6.3, 10.2.1; did you mean "3.7.4"?',
    );
    const far = expectUnknown(() => lookup('soc2', 'availability-of-everything'), 'UNKNOWN_CONTROL');
    assert.equal(far.hint, 'SOC 2 controls: CC6.1, CC6.2, CC6.3, CC6.6, CC7.1, CC7.2');
    assert.match(expectUnknown(() => lookup('nist', 'SC-28'), 'UNKNOWN_CONTROL').hint ?? '', /"SC-12"\?$/);
    expectUnknown(() => lookup('cis', ''), 'UNKNOWN_CONTROL');
    expectUnknown(() => lookup('cis', '   '), 'UNKNOWN_CONTROL');
  });
});

describe('cited rule ids', () => {
  it('citedRuleIds lists a framework’s rules once each, in order of first citation', () => {
    assert.deepEqual(citedRuleIds(getFramework('cis')), [
      'K001',
      'P001',
      'CIS-8.5',
      'CIS-8.6',
      'CIS-RBAC',
      'NET001',
      'CIS-8.7',
      'K007',
      'VM001',
      'VM002',
    ]);
    for (const [id, rows] of Object.entries(SPEC) as [FrameworkId, Row[]][]) {
      assert.deepEqual(citedRuleIds(getFramework(id)), [...new Set(rows.flatMap((r) => r[3]))], id);
    }
  });

  it('allCitedRuleIds is the union over every framework', () => {
    const all = allCitedRuleIds();
    const expected = new Set(Object.values(SPEC).flatMap((rows) => rows.flatMap((r) => r[3])));
    assert.deepEqual([...all].sort(), [...expected].sort());
    assert.equal(all.size, 39);
    for (const op of ['P004', 'P005', 'P006', 'P015', 'P016', 'C004', 'K004', 'SYN003'])
      assert.ok(!all.has(op), op);
  });
});

describe('closest', () => {
  it('levenshtein counts insertions, deletions and substitutions', () => {
    assert.equal(levenshtein('', ''), 0);
    assert.equal(levenshtein('abc', ''), 3);
    assert.equal(levenshtein('', 'ab'), 2);
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(levenshtein('pci', 'pcii'), 1);
    assert.equal(levenshtein('hippa', 'hipaa'), 1);
    assert.equal(levenshtein('flaw', 'lawn'), 2);
  });

  it('returns the nearest candidate, the first on a tie, ignoring case by default', () => {
    assert.equal(closest('SOC3', ['cis', 'soc2', 'soc-2']), 'soc2');
    assert.equal(closest('ab', ['ax', 'ay']), 'ax');
    assert.equal(closest('PCI', ['pci'], { ignoreCase: false, maxDistance: 5 }), 'pci');
    assert.equal(closest('PCI', ['pci'], { ignoreCase: false, maxDistance: 2 }), undefined);
    assert.equal(closest('x', []), undefined);
  });

  it('gives no suggestion beyond the distance limit', () => {
    assert.equal(closest('completely-different', ['cis', 'pci']), undefined);
    assert.equal(closest('abcdef', ['uvwxyz'], { maxDistance: 6 }), 'uvwxyz');
  });
});
