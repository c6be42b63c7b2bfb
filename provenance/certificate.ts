/**
 * Provenance certificates: an ES256 compact JWS saying which preset a credential was generated
 * to, from which entropy source, when, for which Key Vault secret, with a salted HMAC
 * commitment that lets whoever holds the credential prove it is the one certified while the
 * certificate itself reveals nothing about it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  JwsError,
  jwkThumbprint,
  pinSigner,
  signCompact,
  verifyCompact,
  type Jwks,
  type Signer,
} from '../base/jws.js';
import { CertifyError } from '../base/errors.js';
import {
  ENTROPY_SOURCE,
  classAlphabets,
  entropyBitsFor,
  fipsMode,
  presetEntropyBits,
  requiredClasses,
  type GeneratedCredential,
} from './generate.js';
import {
  CHAR_CLASSES,
  DIGITS,
  LOWER,
  PRESET_IDS,
  UPPER,
  findPreset,
  type CharClass,
  type Preset,
} from './presets.js';

export const PROVENANCE_SCHEMA = 'certify.provenance/v1';
export const PROVENANCE_TYP = 'certify-provenance+jwt';

export interface ProvenanceTarget {
  vault: string;
  secret: string;
  version: string | null;
}

export interface ProvenancePayload {
  schema: typeof PROVENANCE_SCHEMA;
  id: string;
  preset: { id: string; version: string; name: string };
  parameters: { length: number; alphabetSize: number; classes: string[]; symbols: string };
  entropyBits: number;
  entropySource: { generator: string; fipsMode: boolean; node: string };
  generatedAt: string;
  expiresAt: string | null;
  target: ProvenanceTarget | null;
  commitment: { alg: 'HMAC-SHA256'; salt: string; digest: string };
  issuer: { kid: string; jwks: string | null };
}

export interface IssueInput {
  signer: Signer;
  preset: Preset;
  credential: string;
  generated: Pick<GeneratedCredential, 'entropyBits' | 'length' | 'alphabetSize' | 'classes'>;
  now: number;
  target: ProvenanceTarget | null;
  jwksUrl: string | null;
  id?: string;
}

export interface IssuedCertificate {
  id: string;
  jws: string;
  payload: ProvenancePayload;
}

export interface CertificateCheck {
  ok: boolean;
  /** The payload, only when it is well formed and its signature verifies. */
  payload: ProvenancePayload | null;
  /** Each reason the certificate must not be trusted; ok is true exactly when this is empty. */
  problems: string[];
  /** Facts worth showing that do not make the certificate false (e.g. an older preset version). */
  warnings: string[];
}

export interface VerifyOptions {
  credential?: string;
  expectTarget?: { vault: string; secret: string; version?: string | null };
  now?: number;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const ID_PATTERN = /^cert-[a-z2-7]{26}$/;
const B64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;
/** Clock skew tolerated before a generation time counts as "in the future". */
const FUTURE_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/** 'cert-' and 26 base32 characters: 130 random bits, so ids cannot be guessed or enumerated. */
export function newCertificateId(): string {
  const bytes = randomBytes(17);
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += BASE32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return `cert-${out}`;
}

function hmac(salt: Buffer, credential: string): Buffer {
  return createHmac('sha256', salt).update(credential, 'utf8').digest();
}

/** The classes that actually occur in `credential`, or null if it has a character outside the alphabet. */
function classesIn(credential: string, alphabets: Record<CharClass, string>): Set<CharClass> | null {
  const found = new Set<CharClass>();
  for (const ch of credential) {
    const c = CHAR_CLASSES.find((k) => alphabets[k].includes(ch));
    if (c === undefined) return null;
    found.add(c);
  }
  return found;
}

/**
 * Signs a certificate for a credential just generated to `preset`. Refuses a credential that does
 * not meet the preset, so a hand-made password can never be certified as generated.
 */
export async function issueCertificate(input: IssueInput): Promise<IssuedCertificate> {
  const { preset, credential, generated } = input;
  const alphabets = classAlphabets(preset);
  const alphabetSize = CHAR_CLASSES.reduce((n, c) => n + alphabets[c].length, 0);
  const required = requiredClasses(preset);
  const entropyBits = presetEntropyBits(preset);
  const problems: string[] = [];
  if ([...credential].length !== preset.length)
    problems.push(`the credential is not ${preset.length} characters long`);
  const present = classesIn(credential, alphabets);
  if (present === null) problems.push(`the credential has characters outside preset ${preset.id}'s alphabet`);
  else for (const c of required) if (!present.has(c)) problems.push(`the credential has no ${c} character`);
  if (generated.length !== preset.length || generated.alphabetSize !== alphabetSize) {
    problems.push(`the generation parameters do not match preset ${preset.id}`);
  }
  if (generated.classes.join(',') !== required.join(','))
    problems.push(`the required classes do not match preset ${preset.id}`);
  if (Math.abs(generated.entropyBits - entropyBits) > 1e-9)
    problems.push('the stated entropy does not follow from the preset');
  if (entropyBits < preset.minEntropyBits)
    problems.push(`preset ${preset.id} yields less than its minimum entropy`);
  if (input.id !== undefined && !ID_PATTERN.test(input.id))
    problems.push(`certificate id "${input.id}" is not cert- and 26 base32 characters`);
  if (!Number.isFinite(input.now)) problems.push('now is not a time');
  if (problems.length > 0) throw new CertifyError('BAD_INPUT', 'cannot certify this credential', problems);

  // The kid in the payload and the signature's must be one version, even if the key rotates meanwhile.
  const signer = await pinSigner(input.signer);
  const id = input.id ?? newCertificateId();
  const salt = randomBytes(32);
  const payload: ProvenancePayload = {
    schema: PROVENANCE_SCHEMA,
    id,
    preset: { id: preset.id, version: preset.version, name: preset.name },
    parameters: { length: preset.length, alphabetSize, classes: [...required], symbols: preset.symbols },
    entropyBits: Math.round(entropyBits * 100) / 100,
    entropySource: { generator: ENTROPY_SOURCE, fipsMode: fipsMode(), node: process.version },
    generatedAt: new Date(input.now).toISOString(),
    expiresAt: new Date(input.now + preset.maxLifetimeDays * DAY_MS).toISOString(),
    target: input.target === null ? null : { ...input.target },
    commitment: {
      alg: 'HMAC-SHA256',
      salt: salt.toString('base64url'),
      digest: hmac(salt, credential).toString('base64url'),
    },
    issuer: { kid: signer.kid, jwks: input.jwksUrl },
  };
  const jws = await signCompact(signer, payload, { typ: PROVENANCE_TYP });
  return { id, jws, payload };
}

// ---- strict payload validation -------------------------------------------------------------

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIso = (v: unknown): v is string =>
  typeof v === 'string' &&
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) &&
  !Number.isNaN(Date.parse(v));

/**
 * Checks every field of the payload; each problem names the field. Unknown fields are rejected
 * too: a v1 verifier cannot vouch for claims it does not understand.
 */
export function payloadProblems(value: unknown): string[] {
  const out: string[] = [];
  const bad = (field: string, why: string): void => void out.push(`malformed: ${field} ${why}`);
  const keys = (o: Obj, field: string, allowed: string[]): void => {
    for (const k of Object.keys(o))
      if (!allowed.includes(k)) bad(`${field}${field ? '.' : ''}${k}`, 'is not a known field');
  };
  const str = (o: Obj, field: string, path: string, nonEmpty = true): void => {
    const v = o[field];
    if (typeof v !== 'string' || (nonEmpty && v.length === 0)) bad(path, 'must be a non-empty string');
  };
  const obj = (o: Obj, field: string, path: string, allowed: string[]): Obj | null => {
    const v = o[field];
    if (!isObj(v)) {
      bad(path, 'must be an object');
      return null;
    }
    keys(v, path, allowed);
    return v;
  };
  if (!isObj(value)) return ['malformed: the payload is not a JSON object'];
  keys(value, '', [
    'schema',
    'id',
    'preset',
    'parameters',
    'entropyBits',
    'entropySource',
    'generatedAt',
    'expiresAt',
    'target',
    'commitment',
    'issuer',
  ]);
  if (value.schema !== PROVENANCE_SCHEMA) bad('schema', `must be "${PROVENANCE_SCHEMA}"`);
  if (typeof value.id !== 'string' || !ID_PATTERN.test(value.id))
    bad('id', 'must be cert- and 26 base32 characters');
  const preset = obj(value, 'preset', 'preset', ['id', 'version', 'name']);
  if (preset) for (const f of ['id', 'version', 'name']) str(preset, f, `preset.${f}`);
  const params = obj(value, 'parameters', 'parameters', ['length', 'alphabetSize', 'classes', 'symbols']);
  if (params) {
    for (const f of ['length', 'alphabetSize']) {
      const v = params[f];
      if (!Number.isInteger(v) || (v as number) < 1) bad(`parameters.${f}`, 'must be a positive integer');
    }
    const classes = params.classes;
    if (
      !Array.isArray(classes) ||
      !classes.every((c) => CHAR_CLASSES.includes(c as CharClass)) ||
      new Set(classes).size !== classes.length
    ) {
      bad('parameters.classes', `must be distinct names from ${CHAR_CLASSES.join(', ')}`);
    }
    str(params, 'symbols', 'parameters.symbols', false);
  }
  if (typeof value.entropyBits !== 'number' || !Number.isFinite(value.entropyBits) || value.entropyBits < 0) {
    bad('entropyBits', 'must be a non-negative number');
  }
  const source = obj(value, 'entropySource', 'entropySource', ['generator', 'fipsMode', 'node']);
  if (source) {
    str(source, 'generator', 'entropySource.generator');
    str(source, 'node', 'entropySource.node');
    if (typeof source.fipsMode !== 'boolean') bad('entropySource.fipsMode', 'must be a boolean');
  }
  if (!isIso(value.generatedAt)) bad('generatedAt', 'must be an ISO 8601 UTC time');
  if (value.expiresAt !== null && !isIso(value.expiresAt))
    bad('expiresAt', 'must be an ISO 8601 UTC time or null');
  if (value.target !== null) {
    const target = obj(value, 'target', 'target', ['vault', 'secret', 'version']);
    if (target) {
      str(target, 'vault', 'target.vault');
      str(target, 'secret', 'target.secret');
      if (target.version !== null && (typeof target.version !== 'string' || target.version === '')) {
        bad('target.version', 'must be a non-empty string or null');
      }
    }
  }
  const commitment = obj(value, 'commitment', 'commitment', ['alg', 'salt', 'digest']);
  if (commitment) {
    if (commitment.alg !== 'HMAC-SHA256') bad('commitment.alg', 'must be "HMAC-SHA256"');
    for (const f of ['salt', 'digest']) {
      const v = commitment[f];
      if (typeof v !== 'string' || !B64URL_32_BYTES.test(v))
        bad(`commitment.${f}`, 'must be 32 bytes in base64url');
    }
  }
  const issuer = obj(value, 'issuer', 'issuer', ['kid', 'jwks']);
  if (issuer) {
    str(issuer, 'kid', 'issuer.kid');
    if (issuer.jwks !== null && typeof issuer.jwks !== 'string')
      bad('issuer.jwks', 'must be a URL string or null');
  }
  return out;
}

// ---- verification --------------------------------------------------------------------------

function decodeJson(part: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw new Error('not base64url');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const describeTarget = (t: { vault: string; secret: string; version?: string | null }): string =>
  `${t.vault}/${t.secret}${t.version ? `@${t.version}` : ''}`;

/** Checks the signature and its key: an unknown kid, a key set entry that is not the key it names, a bad signature. */
function signatureProblems(jws: string, header: Obj, jwks: Jwks): string[] {
  const kid = header.kid;
  if (typeof kid !== 'string' || kid === '') return ['malformed: the JWS header has no kid'];
  const key = jwks.keys.find((k) => k.kid === kid);
  if (!key) return [`signed by an unknown key kid=${kid}`];
  if (jwkThumbprint(key) !== kid) {
    return [
      `the key set's key kid=${kid} is not the key that kid names (its thumbprint is ${jwkThumbprint(key)})`,
    ];
  }
  try {
    verifyCompact(jws, { keys: [key] });
    return [];
  } catch (e) {
    if (e instanceof JwsError && /does not verify/.test(e.message))
      return [`signature does not verify with key kid=${kid}`];
    return [`malformed: ${(e as Error).message}`];
  }
}

function commitmentMatches(commitment: ProvenancePayload['commitment'], credential: string): boolean {
  const expected = Buffer.from(commitment.digest, 'base64url');
  const actual = hmac(Buffer.from(commitment.salt, 'base64url'), credential);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** What the payload claims about entropy and parameters, checked against the preset it names. */
function presetChecks(p: ProvenancePayload, problems: string[], warnings: string[]): void {
  const symbolsSize = p.parameters.symbols.length;
  const sizes = { lower: LOWER.length, upper: UPPER.length, digits: DIGITS.length, symbols: symbolsSize };
  const alphabetSize = sizes.lower + sizes.upper + sizes.digits + sizes.symbols;
  if (p.parameters.alphabetSize !== alphabetSize) {
    problems.push(
      `alphabet size ${p.parameters.alphabetSize} does not match the character classes (${alphabetSize})`,
    );
  }
  let computed: number | null = null;
  try {
    computed = entropyBitsFor(p.parameters.length, sizes, p.parameters.classes);
  } catch {
    problems.push(`no credential of length ${p.parameters.length} can contain every required class`);
  }
  if (computed !== null && Math.abs(computed - p.entropyBits) > 0.006) {
    problems.push(
      `entropy ${p.entropyBits} bits does not follow from the parameters (they give ${computed.toFixed(2)})`,
    );
  }
  if (!PRESET_IDS.includes(p.preset.id)) {
    warnings.push(`preset "${p.preset.id}" is unknown to this verifier: its requirements were not checked`);
    return;
  }
  const preset = findPreset(p.preset.id);
  if (p.entropyBits < preset.minEntropyBits) {
    problems.push(`entropy ${p.entropyBits} bits is below the preset's minimum ${preset.minEntropyBits}`);
  }
  if (p.preset.version !== preset.version) {
    warnings.push(
      `preset version unknown: the certificate names ${p.preset.id} ${p.preset.version}, this verifier knows ${preset.version}; only the entropy floor was checked`,
    );
    return;
  }
  if (p.parameters.length < preset.length) {
    problems.push(`length ${p.parameters.length} is below preset ${preset.id}'s ${preset.length}`);
  }
  const want = requiredClasses(preset);
  const missing = want.filter((c) => !p.parameters.classes.includes(c));
  if (missing.length > 0)
    problems.push(`the required classes lack ${missing.join(', ')}, which preset ${preset.id} requires`);
  if (preset.id === 'fips' && !p.entropySource.fipsMode) {
    warnings.push(
      'generated to the fips preset while Node was not in FIPS mode: the DRBG was not a validated module',
    );
  }
}

/**
 * Verifies a provenance certificate against a key set. Never throws for a bad certificate:
 * every problem found is reported, so one look tells the whole story.
 */
export function verifyCertificate(jws: string, jwks: Jwks, opts: VerifyOptions = {}): CertificateCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  const parts = typeof jws === 'string' ? jws.trim().split('.') : [];
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    return {
      ok: false,
      payload: null,
      problems: ['malformed: not a compact JWS (header.payload.signature)'],
      warnings,
    };
  }
  const [h, p] = parts as [string, string, string];
  let header: unknown;
  try {
    header = decodeJson(h);
  } catch {
    return {
      ok: false,
      payload: null,
      problems: ['malformed: the JWS header is not base64url JSON'],
      warnings,
    };
  }
  if (!isObj(header))
    return { ok: false, payload: null, problems: ['malformed: the JWS header is not an object'], warnings };
  if (header.alg !== 'ES256') problems.push(`malformed: header alg is ${String(header.alg)}, expected ES256`);
  if (header.typ !== PROVENANCE_TYP)
    problems.push(`malformed: header typ is ${String(header.typ)}, expected ${PROVENANCE_TYP}`);
  if (problems.length === 0) problems.push(...signatureProblems(jws.trim(), header, jwks));

  let body: unknown;
  try {
    body = decodeJson(p);
  } catch {
    problems.push('malformed: the JWS payload is not base64url JSON');
    return { ok: false, payload: null, problems, warnings };
  }
  const shape = payloadProblems(body);
  if (shape.length > 0) {
    problems.push(...shape);
    return { ok: false, payload: null, problems, warnings };
  }
  const payload = body as ProvenancePayload;

  if (typeof header.kid === 'string' && payload.issuer.kid !== header.kid) {
    problems.push(`issuer.kid ${payload.issuer.kid} differs from the signing key kid=${header.kid}`);
  }
  presetChecks(payload, problems, warnings);

  const generatedAt = Date.parse(payload.generatedAt);
  if (payload.expiresAt !== null && Date.parse(payload.expiresAt) <= generatedAt) {
    problems.push(`expiresAt ${payload.expiresAt} is not after generatedAt ${payload.generatedAt}`);
  }
  if (opts.now !== undefined) {
    if (generatedAt > opts.now + FUTURE_SKEW_MS)
      problems.push(`generatedAt ${payload.generatedAt} is in the future`);
    if (payload.expiresAt !== null && Date.parse(payload.expiresAt) <= opts.now) {
      warnings.push(`the secret's certified lifetime ended at ${payload.expiresAt}`);
    }
  }

  const expect = opts.expectTarget;
  if (expect) {
    const t = payload.target;
    if (t === null) {
      problems.push(`the certificate names no target but the secret is ${describeTarget(expect)}`);
    } else {
      const versionDiffers = expect.version != null && t.version !== null && expect.version !== t.version;
      if (!sameName(t.vault, expect.vault) || !sameName(t.secret, expect.secret) || versionDiffers) {
        problems.push(`target is ${describeTarget(t)} but the secret is ${describeTarget(expect)}`);
      }
    }
  }
  if (opts.credential !== undefined && !commitmentMatches(payload.commitment, opts.credential)) {
    problems.push('credential does not match the commitment');
  }

  const ok = problems.length === 0;
  return { ok, payload: trustworthy(problems) ? payload : null, problems, warnings };
}

/**
 * Whether the payload may be shown: its header and signature held up, even if other checks
 * (target, commitment, entropy) failed, so a caller can say what the certificate does claim.
 */
function trustworthy(problems: string[]): boolean {
  return !problems.some((m) => /^(malformed|signed by|signature|the key set)/.test(m));
}
