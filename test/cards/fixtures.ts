/** Realistic views for the card renderer tests. */
import { rotationView } from '../../bot/commands/provenance.js';
import type { RotationRequest } from '../../store/provenance.js';
import type {
  ActionView,
  AlertView,
  ControlView,
  EvidenceView,
  HelpView,
  MessageView,
  ParametersView,
  RuleLine,
  RulesView,
  ScoreView,
  Tone,
} from '../../cards/views.js';

const SEVERITIES = ['Critical', 'High', 'Medium', 'Low'] as const;
const DISCLAIMER =
  'Certify reports evidence about your Key Vault credentials. It does not certify conformance with any framework; your auditor decides.';

const actions: ActionView[] = [
  { verb: 'rescan', title: 'Scan again', data: { source: 'azure' }, style: 'positive' },
  { verb: 'rules', title: 'Show rules', data: {} },
  { verb: 'export', title: 'Export evidence pack', data: { format: 'zip', scope: 'all' } },
];

function failingRule(i: number): RuleLine {
  const n = String(i + 1).padStart(3, '0');
  return {
    id: `KV-${n}`,
    name: `Rule number ${i + 1}: secrets in production vaults rotate within policy`,
    severity: SEVERITIES[i % 4] ?? 'Low',
    failing: `${i + 2} of ${80 + i}`,
    samples: Array.from(
      { length: 5 },
      (_, j) =>
        `kv-prod-westeurope-payments-${j}/secrets/database-connection-string-for-the-ledger-service-replica-${i}-${j}-a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6`,
    ),
    moreSamples: 40 + i,
  };
}

export const hugeScore: ScoreView = {
  kind: 'score',
  title: 'Certify score',
  score: 61.25,
  rating: 'Needs work',
  tone: 'warning',
  trend: { previous: 58.75, delta: 2.5, previousAt: '2026-11-22' },
  scope: { source: 'azure (3 subscriptions)', at: '2026-11-29T09:14:03.000Z', vaults: 42, assets: 3180 },
  counts: { pass: 11, fail: 30, notApplicable: 3 },
  failing: Array.from({ length: 30 }, (_, i) => failingRule(i)),
  moreFailing: 0,
  breakdown: [
    {
      id: 'cis-azure-2',
      label: 'CIS Microsoft Azure Foundations 2.0',
      score: 72.4,
      status: '3 controls failing',
    },
    { id: 'nist-800-53', label: 'NIST SP 800-53 rev. 5', score: 64, status: '7 controls failing' },
    { id: 'pci-dss-4', label: 'PCI DSS 4.0', score: null, status: 'no applicable evidence' },
  ],
  disclaimer: DISCLAIMER,
  actions,
};

export const frameworkScore: ScoreView = {
  kind: 'score',
  title: 'PCI DSS 4.0',
  score: 88,
  rating: 'Strong',
  tone: 'good',
  trend: { previous: 90, delta: -2, previousAt: '2026-11-20T18:00:00Z' },
  scope: { source: 'demo', at: '2026-11-29T09:14:03Z', vaults: 3, assets: 57 },
  counts: { pass: 20, fail: 2, notApplicable: 19 },
  failing: [failingRule(0), failingRule(1)].map((r) => ({
    ...r,
    samples: r.samples.slice(0, 2),
    moreSamples: 0,
  })),
  moreFailing: 0,
  breakdown: Array.from({ length: 12 }, (_, i) => ({
    id: `3.${i + 1}`,
    label: `Protect stored account data, requirement 3.${i + 1}`,
    score: i % 5 === 0 ? null : 70 + i,
    status: i % 3 === 0 ? 'fail' : 'pass',
  })),
  disclaimer: DISCLAIMER,
  actions: [{ verb: 'score', title: 'Overall score', data: {} }],
};

export const controlView: ControlView = {
  kind: 'control',
  framework: {
    id: 'pci-dss-4',
    name: 'Payment Card Industry Data Security Standard 4.0',
    shortName: 'PCI DSS',
  },
  query: '3.6',
  redirectNote: 'Control 3.6 of PCI DSS 3.2.1 lives in 3.7.1–3.7.3 of version 4.0; showing those.',
  controls: [
    {
      id: '3.7.1',
      title: 'Key-management policies cover generation of strong keys',
      coverage: 'direct',
      status: 'pass',
      score: 100,
      summary: 'Every key in scope uses RSA 3072+ or EC P-256+.',
      customerNote: null,
      rules: [
        { id: 'KV-010', name: 'Keys use strong algorithms', status: 'pass', samples: [], moreSamples: 0 },
        {
          id: 'KV-011',
          name: 'HSM-backed keys for production',
          status: 'not_applicable',
          samples: [],
          moreSamples: 0,
        },
      ],
    },
    {
      id: '3.7.2',
      title: 'Secure distribution of cryptographic keys',
      coverage: 'supporting',
      status: 'fail',
      score: 50,
      summary: 'Some vaults allow public network access.',
      customerNote: 'Document how keys are distributed to applications outside Azure.',
      rules: [
        {
          id: 'KV-020',
          name: 'Vault firewall denies public access',
          status: 'fail',
          samples: ['kv-prod-1', 'kv-prod-2', 'kv-legacy-3', 'kv-legacy-4'],
          moreSamples: 2,
        },
        { id: 'KV-021', name: 'Private endpoint configured', status: 'pass', samples: [], moreSamples: 0 },
      ],
    },
    {
      id: '3.7.3',
      title: 'Secure storage of cryptographic keys',
      coverage: 'customer',
      status: 'customer',
      score: null,
      summary: 'Storage outside Key Vault is not visible to Certify.',
      customerNote: 'Show where keys are stored outside Key Vault and who can read them.',
      rules: [],
    },
  ],
  disclaimer: DISCLAIMER,
  actions: [
    { verb: 'control', title: 'Show 3.7.1', data: { framework: 'pci-dss-4', control: '3.7.1' } },
    { verb: 'control', title: 'Show 3.7.2', data: { framework: 'pci-dss-4', control: '3.7.2' } },
    { verb: 'score', title: 'PCI DSS score', data: { framework: 'pci-dss-4' } },
  ],
};

export const rulesView: RulesView = {
  kind: 'rules',
  builtIn: Array.from({ length: 41 }, (_, i) => ({
    id: `KV-${String(i + 1).padStart(3, '0')}`,
    name: `Built-in rule ${i + 1} about credential hygiene`,
    severity: SEVERITIES[i % 4] ?? 'Low',
    weight: (i % 5) + 1,
    class: i % 2 === 0 ? 'expiry' : 'access',
  })),
  custom: [
    {
      id: 'X-001',
      name: 'Team tags present',
      severity: 'Low',
      weight: 1,
      enabled: true,
      condition: "tags.team != ''",
    },
    {
      id: 'X-002',
      name: 'No secrets named *password* without expiry',
      severity: 'High',
      weight: 3,
      enabled: true,
      condition: "name ~ 'password' && expires == null",
    },
    {
      id: 'X-003',
      name: 'Old rule',
      severity: 'Medium',
      weight: 2,
      enabled: false,
      condition: 'age_days > 365 && <x>',
    },
  ],
  actions: [{ verb: 'rules.add', title: 'Add a custom rule', data: {}, style: 'positive' }],
};

export const helpView: HelpView = {
  kind: 'help',
  unknown: { input: 'scroe pci', suggestion: 'score pci' },
  commands: [
    { usage: 'score [framework]', description: 'Your score, overall or for one framework.' },
    { usage: 'control <framework> <id>', description: 'Evidence for one control.' },
    { usage: 'rules', description: 'Built-in and custom rules.' },
    { usage: 'scan', description: 'Scan your vaults again.' },
    { usage: 'help', description: 'This list.' },
  ],
};

export const messages: MessageView[] = (['good', 'warning', 'attention', 'neutral'] as Tone[]).map(
  (tone) => ({
    kind: 'message',
    tone,
    title: `Scan ${tone}`,
    text: `A ${tone} message about the last scan of 42 vaults.`,
    hint: tone === 'neutral' ? null : 'Type "help" for commands.',
    actions:
      tone === 'attention'
        ? [{ verb: 'rescan', title: 'Retry', data: { source: 'azure' }, style: 'destructive' }]
        : [],
  }),
);

const alertActions = (key: string): ActionView[] => [
  { verb: 'alert.ack', title: 'Acknowledge', data: { key }, style: 'positive' },
  { verb: 'alert.snooze', title: 'Snooze 7 days', data: { key } },
  { verb: 'score', title: 'Score', data: {} },
];

const alertScan = {
  id: 'scan-2026-11-29-0914',
  at: '2026-11-29T09:14:03.000Z',
  source: 'azure (3 subscriptions)',
};

export const expiringAlert: AlertView = {
  kind: 'alert',
  tone: 'warning',
  title: 'Secret expires within 7 days',
  scan: alertScan,
  items: [
    {
      kind: '7d',
      text: 'db-password expires on 2026-12-04 (in 5 days)',
      subject: 'kv-prod/secrets/db-password',
      ruleId: 'KV-003',
    },
  ],
  moreItems: 0,
  state: null,
  actions: alertActions('7d:kv-prod/secrets/db-password'),
};

const DIGEST_KINDS = ['expired', '7d', '30d', 'critical-rule', 'score-drop'] as const;

export const digestAlert: AlertView = {
  kind: 'alert',
  tone: 'attention',
  title: '43 changes since the last scan',
  scan: alertScan,
  items: Array.from({ length: 40 }, (_, i) => {
    const kind = DIGEST_KINDS[i % 5] ?? 'expired';
    const n = String(i + 1).padStart(3, '0');
    switch (kind) {
      case 'critical-rule':
        return {
          kind,
          text: `Critical rule KV-${n} now fails on ${i + 1} assets`,
          subject: `KV-${n}`,
          ruleId: `KV-${n}`,
        };
      case 'score-drop':
        return { kind, text: `Score dropped by ${i / 5 + 1} points to 71.5`, subject: null, ruleId: null };
      default:
        return {
          kind,
          text: `Certificate tls-${n} ${kind === 'expired' ? 'expired on 2026-11-28' : `expires in ${kind === '7d' ? 6 : 24} days`}`,
          subject: `kv-prod-westeurope-payments-${i}/certificates/tls-wildcard-payments-ledger-service-${n}-a1b2c3d4e5f6`,
          ruleId: 'KV-001',
        };
    }
  }),
  moreItems: 3,
  state: null,
  actions: alertActions('digest:scan-2026-11-29-0914'),
};

export const acknowledgedAlert: AlertView = {
  ...expiringAlert,
  tone: 'neutral',
  state: { kind: 'acknowledged', by: 'Ana', at: '2026-11-29T10:02:00Z', until: null },
  actions: [{ verb: 'score', title: 'Score', data: {} }],
};

export const snoozedAlert: AlertView = {
  ...expiringAlert,
  state: { kind: 'snoozed', by: 'Ana', at: '2026-11-29T10:02:00Z', until: '2026-12-06T10:02:00Z' },
  actions: [{ verb: 'score', title: 'Score', data: {} }],
};

// ── Evidence bundle approval, one card per step ────────────────────────────────────────────

const BUNDLE = 'ev-2026q3-soc2-7f3a9c';
const STATEMENT =
  'Management of Contoso Ltd asserts that, for the period 2026-07-01 to 2026-09-30, the Azure Key Vault ' +
  'credentials listed in this bundle were inventoried by Certify, and that the attached scan results ' +
  'are complete and unaltered <to the best of our knowledge> & belief.\n\n' +
  'This assertion is made for the purposes of the SOC 2 Type II examination only.';
const evidenceFacts = (extra: { label: string; value: string }[] = []) => [
  { label: 'Requested by', value: 'Riley Chen' },
  { label: 'Period', value: '2026-07-01 → 2026-09-30' },
  { label: 'Scan', value: 'scan-2026-09-30-2300 · azure (3 subscriptions)' },
  { label: 'Files', value: '14 files · 2.3 MB' },
  { label: 'Manifest SHA-256', value: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
  ...extra,
];
const TSA_NOTE =
  'Timestamped by the local timestamp authority, which is not a trusted third party: ask your auditor whether that is enough.';

const evidenceBase: Omit<EvidenceView, 'status' | 'tone' | 'text' | 'inputs' | 'actions'> = {
  kind: 'evidence',
  title: 'Evidence bundle · SOC 2 · 2026-07-01 → 2026-09-30',
  bundleId: BUNDLE,
  facts: evidenceFacts(),
  statement: null,
  link: null,
  note: null,
};

export const evidencePending: EvidenceView = {
  ...evidenceBase,
  status: 'pending',
  tone: 'warning',
  text: 'Built by Riley Chen at 2026-10-01 16:02 UTC; waiting for an approver to sign the assertion.',
  inputs: [],
  actions: [
    { verb: 'evidence.sign', title: 'Sign assertion', data: { bundleId: BUNDLE }, style: 'positive' },
    { verb: 'evidence.reject', title: 'Reject', data: { bundleId: BUNDLE }, style: 'destructive' },
  ],
};

export const evidenceSigning: EvidenceView = {
  ...evidenceBase,
  status: 'signing',
  tone: 'warning',
  text: 'Morgan Diaz is signing. Read the assertion, then sign with your name and role.',
  statement: STATEMENT,
  inputs: [
    {
      id: 'name',
      label: 'Your name',
      placeholder: 'e.g. Dana Li',
      value: 'Morgan Diaz',
      required: true,
      maxLength: 100,
      multiline: false,
    },
    {
      id: 'role',
      label: 'Your role',
      placeholder: 'e.g. CISO',
      value: '',
      required: true,
      maxLength: 100,
      multiline: false,
    },
  ],
  actions: [
    { verb: 'evidence.confirm', title: 'Sign', data: { bundleId: BUNDLE }, style: 'positive' },
    { verb: 'evidence.show', title: 'Cancel', data: { bundleId: BUNDLE }, ignoresInputs: true },
  ],
};

export const evidenceRejecting: EvidenceView = {
  ...evidenceBase,
  status: 'rejecting',
  tone: 'attention',
  text: 'Morgan Diaz is rejecting this bundle. Say why, so the requester can fix it.',
  inputs: [
    {
      id: 'reason',
      label: 'Reason',
      placeholder: 'What is wrong with this bundle?',
      value: '',
      required: true,
      maxLength: 500,
      multiline: true,
    },
  ],
  actions: [
    { verb: 'evidence.reject.confirm', title: 'Reject', data: { bundleId: BUNDLE }, style: 'destructive' },
    { verb: 'evidence.show', title: 'Cancel', data: { bundleId: BUNDLE }, ignoresInputs: true },
  ],
};

export const evidenceSigned: EvidenceView = {
  ...evidenceBase,
  status: 'signed',
  tone: 'good',
  text: 'Signed by Morgan Diaz (CISO) at 2026-10-02 09:14 UTC',
  facts: evidenceFacts([{ label: 'Timestamp', value: '2026-10-02 09:14:07 UTC (local TSA)' }]),
  statement: STATEMENT,
  inputs: [],
  link: {
    url: 'https://certify.example.com/download/evidence/3q8Zk1vB7mYwXo2LrT9sNc4PeHa6JdFu',
    title: 'Download bundle',
    expiresAt: '2026-10-09T09:14:07.000Z',
  },
  note: TSA_NOTE,
  actions: [{ verb: 'evidence.list', title: 'All bundles', data: {} }],
};

export const evidenceRejected: EvidenceView = {
  ...evidenceBase,
  status: 'rejected',
  tone: 'attention',
  text: 'Rejected by Morgan Diaz at 2026-10-02 09:20 UTC: "The scan misses the westeurope subscription."',
  inputs: [],
  actions: [{ verb: 'evidence.build', title: 'Build again', data: { framework: 'soc2' } }],
};

export const evidenceFailed: EvidenceView = {
  ...evidenceBase,
  status: 'failed',
  tone: 'attention',
  text: 'The bundle could not be signed: the timestamp authority did not answer.',
  inputs: [],
  note: TSA_NOTE,
  actions: [{ verb: 'evidence.sign', title: 'Try again', data: { bundleId: BUNDLE }, style: 'positive' }],
};

export const evidenceViews: [string, EvidenceView][] = [
  ['evidence (pending)', evidencePending],
  ['evidence (signing, with inputs)', evidenceSigning],
  ['evidence (rejecting, with a reason input)', evidenceRejecting],
  ['evidence (signed, with link)', evidenceSigned],
  ['evidence (rejected)', evidenceRejected],
  ['evidence (failed)', evidenceFailed],
];

// Rotation and certificate cards are EvidenceViews built by the real handlers (with a badge and a
// certificate link instead of a download link), so the same limits are checked on them.
const rotationBase: RotationRequest = {
  id: 'rot-0123456789abcdef',
  vault: 'kv-prod',
  secret: 'db-password',
  presetId: 'pci',
  requestedBy: { id: 'U0REQUESTER', name: 'Riley Chen', channel: 'slack' },
  channel: { kind: 'slack', id: 'C1' },
  createdAt: '2026-11-26T10:00:00.000Z',
  status: 'pending',
  approval: null,
  rejection: null,
  result: null,
  error: null,
};

export const rotationViews: [string, EvidenceView][] = [
  ['rotation (pending)', rotationView(rotationBase)],
  ['rotation (rejecting)', rotationView(rotationBase, { mode: 'rejecting' })],
  [
    'rotation (rotated, certificate link)',
    rotationView(
      {
        ...rotationBase,
        status: 'rotated',
        approval: {
          by: { id: 'U0APPROVER', name: 'Morgan Diaz', channel: 'slack' },
          at: '2026-11-26T10:05:00.000Z',
        },
        result: {
          certificateId: 'cert-abcdefghijklmnopqrstuvwxyz',
          secretId: 'https://kv-prod.vault.azure.net/secrets/db-password/0f1e2d3c4b5a69788796a5b4c3d2e1f0',
          version: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
          expiresAt: '2027-02-24T10:05:00.000Z',
          entropyBits: 101.52,
          writer: 'demo',
          finishedAt: '2026-11-26T10:05:01.000Z',
        },
      },
      { certificateUrl: 'https://certify.example.com/certs/cert-abcdefghijklmnopqrstuvwxyz', demo: true },
    ),
  ],
  [
    'rotation (failed)',
    rotationView({
      ...rotationBase,
      status: 'failed',
      error: 'Key Vault kv-prod refused to write db-password: 403 Forbidden',
    }),
  ],
];

/** A score computed with non-default organisation parameters: the card names them. */
export const scoreWithParameters: ScoreView = {
  ...frameworkScore,
  parameters:
    'Organisation parameters: expiringSoonDays 45 days (default 30), expiringCriticalDays 10 days (default 7)',
};

export const controlWithParameters: ControlView = {
  ...controlView,
  parameters: 'Organisation parameters: secretMaxAgeDays 60 days (default 90)',
};

export const parametersView: ParametersView = {
  kind: 'parameters',
  tone: 'good',
  title: 'Parameters changed',
  text: 'expiringSoonDays 30 → 45 days. Scans from now on use them; saved scans keep the values they were computed with.',
  rows: [
    ['expiringSoonDays', '45 days', '30 days', false, '1–365 days', 'P003, C003, K003'],
    ['expiringCriticalDays', '7 days', '7 days', true, '1–90 days', 'P002, C002, K002'],
    ['secretMaxAgeDays', '90 days', '90 days', true, '1–3650 days', 'P008'],
    ['certificateMaxValidityMonths', '12 months', '12 months', true, '1–120 months', 'C007'],
    ['keyMaxAgeDays', '365 days', '365 days', true, '1–3650 days', 'K009'],
  ].map(([name, value, defaultValue, isDefault, allowed, rules]) => ({
    name: name as string,
    value: value as string,
    defaultValue: defaultValue as string,
    isDefault: isDefault as boolean,
    allowed: allowed as string,
    rules: rules as string,
  })),
  note: 'Only approvers (CERTIFY_APPROVERS) can change them.',
  actions: [
    { verb: 'scan.run', title: 'Scan now', data: {} },
    { verb: 'score.show', title: 'Score', data: {} },
  ],
};
