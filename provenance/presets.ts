/**
 * Compliance presets for generated credentials, kept as data so that a certificate can name the
 * exact rule set (id + version) it was generated to, and an auditor can read why each number was
 * chosen. No standard below states every number; where one is silent the requirement text says
 * so and gives the reasoning for the value picked.
 */
import { CertifyError } from '../base/errors.js';
import { closest } from '../base/closest.js';

export type CharClass = 'lower' | 'upper' | 'digits' | 'symbols';
export const CHAR_CLASSES: readonly CharClass[] = ['lower', 'upper', 'digits', 'symbols'];

export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const DIGITS = '0123456789';

/**
 * Symbols that survive the places a Key Vault secret usually ends up. Left out, each for a reason:
 * `'` `"` `` ` `` `\` and space (quoting and escaping in shells, JSON and YAML), `$` (shell,
 * .env and Azure Pipelines `$(var)` interpolation), `!` (bash history expansion inside double
 * quotes), `#` (comment start in .env and INI files), `%` (URL decoding, cmd.exe and Python
 * config interpolation), `&` `<` `>` (XML/web.config entities, shell redirection) and `;`
 * (the separator of ADO.NET/JDBC connection strings).
 */
export const SAFE_SYMBOLS = '()*+,-./:=?@[]^_{|}~';

/** Characters a preset's symbol set may never contain (see SAFE_SYMBOLS). */
export const FORBIDDEN_SYMBOLS = ' \'"`\\$!#%&<>;';

export interface PresetSource {
  title: string;
  ref: string;
}

export interface Preset {
  id: string;
  version: string;
  name: string;
  summary: string;
  /** Each requirement in our words, ending with the clause it rests on. */
  requirements: string[];
  sources: PresetSource[];
  length: number;
  /** Classes every generated credential must contain; the alphabet always has all four. */
  classes: Record<CharClass, boolean>;
  symbols: string;
  minEntropyBits: number;
  /** Sets the expiry of the Key Vault secret the credential is written to. */
  maxLifetimeDays: number;
}

export const DEFAULT_PRESET_ID = 'strict';

/**
 * Why 90 days everywhere: Certify's own rules fail a secret with no expiry (P001) and one not
 * updated for more than 90 days (P008), so a longer lifetime would make a freshly certified
 * credential fail the scanner before it expires.
 */
const LIFETIME_NOTE =
  'The secret expires after 90 days: Certify fails secrets with no expiry (rule P001) and secrets not updated for more than 90 days (rule P008), so a longer lifetime would contradict its own scan.';

const ALPHABET_NOTE =
  'Characters are drawn uniformly from a-z, A-Z, 0-9 and the symbols ' +
  SAFE_SYMBOLS +
  ', leaving out characters that break quoting in shells, .env files, XML and connection strings; inside a URL the credential still needs percent-encoding (Certify policy).';

const PRESETS: readonly Preset[] = [
  {
    id: 'strict',
    version: '2026.1',
    name: 'Strict (Certify default)',
    summary: 'The strongest preset: 32 characters, all four character classes, at least 192 bits.',
    requirements: [
      'At least as strong as every other preset in length, required character classes and entropy, so a credential made with it satisfies any of them (Certify policy).',
      '32 characters with lower case, upper case, digits and symbols all present, giving about 203 bits; the floor is 192 bits, one of the security strengths NIST defines for keys and random values (NIST SP 800-57 Pt 1 Rev. 5 §5.6.1).',
      ALPHABET_NOTE,
      LIFETIME_NOTE,
    ],
    sources: [
      {
        title: 'NIST SP 800-57 Part 1 Rev. 5, Recommendation for Key Management',
        ref: 'https://doi.org/10.6028/NIST.SP.800-57pt1r5',
      },
    ],
    length: 32,
    classes: { lower: true, upper: true, digits: true, symbols: true },
    symbols: SAFE_SYMBOLS,
    minEntropyBits: 192,
    maxLifetimeDays: 90,
  },
  {
    id: 'nist',
    version: '2026.1',
    name: 'NIST SP 800-63B',
    summary:
      'NIST Digital Identity Guidelines: length over composition, 20 random characters, no forced classes.',
    requirements: [
      'A password used as a single factor must be at least 15 characters long; this preset uses 20 (NIST SP 800-63B-4 §3.1.1.2).',
      'Verifiers must not impose composition rules such as mixing character types, so no class is required; strength comes from length and a uniform random draw (NIST SP 800-63B-4 §3.1.1.2).',
      'At least 112 bits of entropy, the minimum security strength NIST allows for cryptographic protection (NIST SP 800-131A Rev. 2 §1.2).',
      'NIST asks for no periodic change, only on evidence of compromise (NIST SP 800-63B-4 §3.1.1.2). ' +
        LIFETIME_NOTE,
      ALPHABET_NOTE,
    ],
    sources: [
      {
        title: 'NIST SP 800-63B-4, Authentication and Authenticator Management',
        ref: 'https://doi.org/10.6028/NIST.SP.800-63B-4',
      },
      {
        title: 'NIST SP 800-131A Rev. 2, Transitioning the Use of Cryptographic Algorithms and Key Lengths',
        ref: 'https://doi.org/10.6028/NIST.SP.800-131Ar2',
      },
    ],
    length: 20,
    classes: { lower: false, upper: false, digits: false, symbols: false },
    symbols: SAFE_SYMBOLS,
    minEntropyBits: 112,
    maxLifetimeDays: 90,
  },
  {
    id: 'pci',
    version: '2026.1',
    name: 'PCI DSS v4.0',
    summary: 'PCI DSS v4.0 requirement 8: 16 characters with letters of both cases and digits.',
    requirements: [
      'Passwords must be at least 12 characters and contain both alphabetic and numeric characters (PCI DSS v4.0 Req. 8.3.6); this preset uses 16 and requires lower case, upper case and digits.',
      'Passwords of application and system accounts must be complex enough for how often they change and be changed periodically and on suspected compromise (PCI DSS v4.0 Req. 8.6.3); 16 characters give about 101 bits, well above what a 90-day rotation needs.',
      'At least 96 bits of entropy (Certify policy: 16 characters from this alphabet, less the small loss from requiring classes).',
      'Passwords used as the only factor for user access change at least every 90 days (PCI DSS v4.0 Req. 8.3.9). ' +
        LIFETIME_NOTE,
      ALPHABET_NOTE,
    ],
    sources: [
      {
        title: 'PCI DSS v4.0, Requirement 8 (Identify Users and Authenticate Access)',
        ref: 'https://www.pcisecuritystandards.org/document_library/',
      },
    ],
    length: 16,
    classes: { lower: true, upper: true, digits: true, symbols: false },
    symbols: SAFE_SYMBOLS,
    minEntropyBits: 96,
    maxLifetimeDays: 90,
  },
  {
    id: 'hipaa',
    version: '2026.1',
    name: 'HIPAA Security Rule',
    summary: 'HIPAA password management: 20 characters, letters of both cases and digits, at least 112 bits.',
    requirements: [
      'Covered entities need procedures for creating, changing and safeguarding passwords (45 CFR §164.308(a)(5)(ii)(D)); generating credentials with this preset and keeping its certificate is such a procedure.',
      'HIPAA states no password length or composition. This preset follows the NIST guidance HHS points to: 20 characters (above the 15 of NIST SP 800-63B-4 §3.1.1.2) with lower case, upper case and digits, so it also passes the composition checks older healthcare systems still enforce.',
      'At least 112 bits of entropy, the minimum security strength NIST allows (NIST SP 800-131A Rev. 2 §1.2).',
      'Unique credentials support person or entity authentication (45 CFR §164.312(d)). ' + LIFETIME_NOTE,
      ALPHABET_NOTE,
    ],
    sources: [
      {
        title: '45 CFR §164.308(a)(5)(ii)(D), Password management',
        ref: 'https://www.ecfr.gov/current/title-45/section-164.308',
      },
      {
        title: '45 CFR §164.312(d), Person or entity authentication',
        ref: 'https://www.ecfr.gov/current/title-45/section-164.312',
      },
      { title: 'NIST SP 800-63B-4', ref: 'https://doi.org/10.6028/NIST.SP.800-63B-4' },
    ],
    length: 20,
    classes: { lower: true, upper: true, digits: true, symbols: false },
    symbols: SAFE_SYMBOLS,
    minEntropyBits: 112,
    maxLifetimeDays: 90,
  },
  {
    id: 'soc2',
    version: '2026.1',
    name: 'SOC 2 (2017 TSC)',
    summary: 'SOC 2 CC6.1 logical access: 20 characters with all four character classes.',
    requirements: [
      "Logical access security must protect information assets, including managing credentials for infrastructure and software (AICPA TSC 2017, CC6.1 and its points of focus); the criteria set no numbers, so auditors test against the entity's own policy, which this preset documents.",
      '20 characters with lower case, upper case, digits and symbols all present, because many SOC 2 policies still state a four-class rule (Certify policy).',
      'At least 112 bits of entropy, the minimum security strength NIST allows (NIST SP 800-131A Rev. 2 §1.2).',
      LIFETIME_NOTE,
      ALPHABET_NOTE,
    ],
    sources: [
      {
        title: 'AICPA 2017 Trust Services Criteria (revised points of focus 2022), CC6.1',
        ref: 'https://www.aicpa-cima.com/resources/download/2017-trust-services-criteria-with-revised-points-of-focus-2022',
      },
    ],
    length: 20,
    classes: { lower: true, upper: true, digits: true, symbols: true },
    symbols: SAFE_SYMBOLS,
    minEntropyBits: 112,
    maxLifetimeDays: 90,
  },
  {
    id: 'iso27001',
    version: '2026.1',
    name: 'ISO/IEC 27001:2022',
    summary:
      'ISO/IEC 27001:2022 A.5.17 authentication information: 20 characters, letters of both cases and digits.',
    requirements: [
      'Allocation and management of authentication information must follow a controlled process (ISO/IEC 27001:2022 Annex A 5.17); a certificate per credential records that process.',
      'Generated passwords should be hard to guess and unique, and changed when compromise is suspected (ISO/IEC 27002:2022 §5.17 guidance); the standard sets no length, so this preset uses 20 characters with lower case, upper case and digits.',
      'At least 112 bits of entropy, the minimum security strength NIST allows (NIST SP 800-131A Rev. 2 §1.2).',
      LIFETIME_NOTE,
      ALPHABET_NOTE,
    ],
    sources: [
      {
        title: 'ISO/IEC 27001:2022, Annex A control 5.17 Authentication information',
        ref: 'https://www.iso.org/standard/27001',
      },
      {
        title: 'ISO/IEC 27002:2022, 5.17 Authentication information',
        ref: 'https://www.iso.org/standard/75652.html',
      },
    ],
    length: 20,
    classes: { lower: true, upper: true, digits: true, symbols: false },
    symbols: SAFE_SYMBOLS,
    minEntropyBits: 112,
    maxLifetimeDays: 90,
  },
  {
    id: 'fips',
    version: '2026.1',
    name: 'FIPS 140-3',
    summary:
      'Federal/DoD contexts: random bits from an approved DRBG, at least 128 bits of security strength.',
    requirements: [
      "Random values must come from an approved deterministic random bit generator (FIPS 140-3 via SP 800-140C; NIST SP 800-90A Rev. 1). Certify draws from Node's CSPRNG, which is OpenSSL's CTR_DRBG (an SP 800-90A design); it runs inside a validated module only when Node is in FIPS mode, and every certificate records whether it was.",
      'Security strength below 112 bits is disallowed (NIST SP 800-131A Rev. 2 §1.2); this preset requires 128 bits so it stays acceptable beyond 2030 (NIST SP 800-57 Pt 1 Rev. 5 §5.6.3).',
      'FIPS 140-3 sets no password length or composition; 24 characters with lower case, upper case and digits give about 152 bits and pass common composition checks (Certify policy).',
      LIFETIME_NOTE,
      ALPHABET_NOTE,
    ],
    sources: [
      {
        title: 'FIPS 140-3, Security Requirements for Cryptographic Modules',
        ref: 'https://doi.org/10.6028/NIST.FIPS.140-3',
      },
      {
        title: 'NIST SP 800-90A Rev. 1, Random Number Generation Using Deterministic Random Bit Generators',
        ref: 'https://doi.org/10.6028/NIST.SP.800-90Ar1',
      },
      { title: 'NIST SP 800-131A Rev. 2', ref: 'https://doi.org/10.6028/NIST.SP.800-131Ar2' },
      { title: 'NIST SP 800-57 Part 1 Rev. 5', ref: 'https://doi.org/10.6028/NIST.SP.800-57pt1r5' },
    ],
    length: 24,
    classes: { lower: true, upper: true, digits: true, symbols: false },
    symbols: SAFE_SYMBOLS,
    minEntropyBits: 128,
    maxLifetimeDays: 90,
  },
];

export const PRESET_IDS: readonly string[] = PRESETS.map((p) => p.id);

/** Every preset, the default first. Copies, so callers cannot alter the table. */
export function listPresets(): Preset[] {
  return PRESETS.map(clonePreset);
}

function clonePreset(p: Preset): Preset {
  return {
    ...p,
    requirements: [...p.requirements],
    sources: p.sources.map((s) => ({ ...s })),
    classes: { ...p.classes },
  };
}

/** The preset with this id (case-insensitive); BAD_INPUT with a suggestion otherwise. */
export function findPreset(id: string): Preset {
  const wanted = id.trim().toLowerCase();
  const found = PRESETS.find((p) => p.id === wanted);
  if (found) return clonePreset(found);
  const near = closest(wanted, PRESET_IDS);
  throw new CertifyError(
    'BAD_INPUT',
    `unknown preset "${id.trim()}"`,
    [],
    `Known presets: ${PRESET_IDS.join(', ')}` + (near === undefined ? '' : `; did you mean "${near}"?`),
  );
}

/** Problems that make a preset unusable (empty when it is sound); the generator refuses such presets. */
export function presetProblems(p: Preset): string[] {
  const problems: string[] = [];
  const where = `preset ${p.id}`;
  if (!Number.isInteger(p.length) || p.length < 1)
    problems.push(`${where}: length must be a positive integer`);
  if (!Number.isFinite(p.minEntropyBits) || p.minEntropyBits <= 0) {
    problems.push(`${where}: minEntropyBits must be positive`);
  }
  if (!Number.isInteger(p.maxLifetimeDays) || p.maxLifetimeDays < 1) {
    problems.push(`${where}: maxLifetimeDays must be a positive integer`);
  }
  const seen = new Set<string>();
  for (const ch of p.symbols) {
    if (FORBIDDEN_SYMBOLS.includes(ch))
      problems.push(`${where}: symbol ${JSON.stringify(ch)} is not allowed`);
    else if (!/^[\x21-\x7e]$/.test(ch) || /[A-Za-z0-9]/.test(ch)) {
      problems.push(`${where}: symbol ${JSON.stringify(ch)} is not printable ASCII punctuation`);
    }
    if (seen.has(ch)) problems.push(`${where}: symbol ${JSON.stringify(ch)} appears twice`);
    seen.add(ch);
  }
  if (p.classes.symbols && p.symbols.length === 0)
    problems.push(`${where}: symbols are required but the set is empty`);
  const required = CHAR_CLASSES.filter((c) => p.classes[c]).length;
  if (required > p.length)
    problems.push(`${where}: ${required} required classes do not fit in ${p.length} characters`);
  return problems;
}
