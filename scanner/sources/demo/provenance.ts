/**
 * Provenance certificates in the demo tenant, so P011 and the provenance register have both
 * sides to show: a few recently rotated secrets carry a valid certificate, a couple carry a
 * tampered one or a tag copied from another secret, and the rest carry none.
 *
 * The tenant must be byte-identical for a seed, and ECDSA as Node signs it draws a random nonce.
 * So the demo key comes from the seed, and signatures use a nonce derived from the key and the
 * message (the idea of RFC 6979): Node still does the curve arithmetic, through a key object
 * whose private scalar is the nonce, and only `s` is computed here with BigInt.
 */
import { createHash, createHmac } from 'node:crypto';
import { P256_ORDER, p256KeyOf, signP256Digest, to32, toBig } from '../../../base/p256.js';
import { b64url, compactSigningInput, publicJwkOf, type PublicJwk } from '../../../base/jws.js';
import {
  PROVENANCE_SCHEMA,
  PROVENANCE_TYP,
  type ProvenancePayload,
} from '../../../provenance/certificate.js';
import { classAlphabets, presetEntropyBits, requiredClasses } from '../../../provenance/generate.js';
import { CHAR_CLASSES, listPresets, type Preset } from '../../../provenance/presets.js';
import { PRESET_TAG, PROVENANCE_TAG } from '../../../provenance/writer.js';
import type { ProvenanceSection, Secret } from '../../inventory/types.js';
import { HOUR_MS } from '../../../base/time.js';
import type { Assets } from './assets.js';
import { DEMO_ROTATION_SECRET, DEMO_ROTATION_VAULT } from './catalog.js';
import type { Rng } from './random.js';
import { EMPTY_TAGS, type Tenant } from './tenant.js';

/** 5% of the enabled secrets, within bounds: signing is the one costly step of a large tenant. */
const CERTIFIED_SHARE = 0.05;
const MIN_CERTIFIED = 3;
const MAX_CERTIFIED = 200;

const DAY_H = 24;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const ENTROPY_SOURCE = 'Certify demo tenant: synthetic certificate, no credential was generated';

/** A scalar in [1, n − 1] from a label, rehashed in the (2^-32) case it falls outside. */
function scalarFrom(label: string): bigint {
  for (let i = 0; ; i++) {
    const d = toBig(createHash('sha256').update(`${label}#${i}`).digest());
    if (d > 0n && d < P256_ORDER) return d;
  }
}

/** The demo tenant's key, signing synchronously: the tenant is drawn in one synchronous pass. */
interface DemoSigner {
  readonly kid: string;
  readonly publicJwk: PublicJwk;
  sign(data: Uint8Array): Buffer;
}

/** The demo tenant's signing key: derived from the seed, so each tenant has its own, always the same. */
export function demoSigner(seed: number): DemoSigner {
  const d = scalarFrom(`certify demo provenance key, seed ${seed}`);
  const dBytes = to32(d);
  const publicJwk = publicJwkOf(p256KeyOf(d));
  return {
    kid: publicJwk.kid,
    publicJwk,
    sign(data: Uint8Array): Buffer {
      const digest = createHash('sha256').update(data).digest();
      return signP256Digest(d, digest, (attempt) =>
        toBig(createHmac('sha256', dBytes).update(digest).update(String(attempt)).digest()),
      );
    },
  };
}

interface PresetFacts {
  preset: Preset;
  parameters: ProvenancePayload['parameters'];
  entropyBits: number;
}

function presetFacts(preset: Preset): PresetFacts {
  const alphabets = classAlphabets(preset);
  return {
    preset,
    parameters: {
      length: preset.length,
      alphabetSize: CHAR_CLASSES.reduce((sum, c) => sum + alphabets[c].length, 0),
      classes: requiredClasses(preset),
      symbols: preset.symbols,
    },
    entropyBits: Math.round(presetEntropyBits(preset) * 100) / 100,
  };
}

function certificateId(rng: Rng): string {
  let id = 'cert-';
  for (let i = 0; i < 26; i++) id += BASE32[rng.int(32)];
  return id;
}

function bytes32(rng: Rng): string {
  const b = Buffer.alloc(32);
  for (let i = 0; i < 32; i += 4) b.writeUInt32BE(rng.next(), i);
  return b.toString('base64url');
}

/**
 * Adds provenance tags to some secrets and returns the section the service would supply. Runs
 * after everything else is drawn, so the rest of the tenant is the same with or without it, and
 * tags only secrets that already have tags, so P006 judges them as before.
 */
export function buildProvenance(tenant: Tenant, assets: Assets, seed: number): ProvenanceSection {
  const { rng, clock } = tenant;
  const now = Date.parse(clock.at(0));
  const signer = demoSigner(seed);
  const presets = listPresets().map(presetFacts);

  // A Certify rotation writes a new version, so only secrets whose current version was created
  // within 90 days qualify.
  const cutoff = clock.hours(-90 * DAY_H);
  const qualifies = (s: Secret): boolean =>
    s.enabled &&
    s.tags !== EMPTY_TAGS &&
    s.created > cutoff &&
    // Left uncertified so the playground's first rotation visibly turns it valid.
    !(s.vault === DEMO_ROTATION_VAULT && s.name === DEMO_ROTATION_SECRET);
  const plain = assets.plainSecrets;
  let enabled = 0;
  for (const s of plain) if (s.enabled) enabled++;
  const wanted = Math.min(Math.max(Math.round(enabled * CERTIFIED_SHARE), MIN_CERTIFIED), MAX_CERTIFIED);
  // A lazy Fisher–Yates over all plain secrets, stopping at `wanted`: a uniform sample of the
  // qualifying ones that looks at a few hundred secrets, not at every one of a large tenant.
  const picked: Secret[] = [];
  const swapped = new Map<number, number>();
  for (let i = 0; i < plain.length && picked.length < wanted; i++) {
    const j = i + rng.int(plain.length - i);
    const drawn = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    const s = plain[drawn]!;
    if (qualifies(s)) picked.push(s);
  }
  const n = picked.length;

  const bad = n >= 50 ? 2 : 1;
  const tampered = n >= MIN_CERTIFIED ? bad : 0;
  const copied = n >= MIN_CERTIFIED ? bad : 0;
  const extras = n >= 10 ? 1 : 0;
  const valid = n - tampered - copied - 2 * extras;

  const certificates: ProvenanceSection['certificates'] = [];
  const issue = (s: Secret, facts: PresetFacts): { id: string; jws: string } => {
    const createdH = Math.round((Date.parse(s.created) - now) / HOUR_MS);
    const payload: ProvenancePayload = {
      schema: PROVENANCE_SCHEMA,
      id: certificateId(rng),
      preset: { id: facts.preset.id, version: facts.preset.version, name: facts.preset.name },
      parameters: facts.parameters,
      entropyBits: facts.entropyBits,
      entropySource: { generator: ENTROPY_SOURCE, fipsMode: false, node: 'none (demo tenant)' },
      generatedAt: s.created,
      expiresAt: clock.hours(createdH + facts.preset.maxLifetimeDays * DAY_H),
      target: { vault: s.vault, secret: s.name, version: rng.hex(32) },
      // The demo holds no credential, so the commitment is to nothing: random bytes.
      commitment: { alg: 'HMAC-SHA256', salt: bytes32(rng), digest: bytes32(rng) },
      issuer: { kid: signer.kid, jwks: null },
    };
    const input = compactSigningInput(signer.kid, payload, { typ: PROVENANCE_TYP });
    const cert = { id: payload.id, jws: `${input}.${b64url(signer.sign(Buffer.from(input)))}` };
    certificates.push(cert);
    return cert;
  };
  const tag = (s: Secret, id: string, facts: PresetFacts): void => {
    s.tags = { ...s.tags, [PROVENANCE_TAG]: id, [PRESET_TAG]: `${facts.preset.id}@${facts.preset.version}` };
  };

  const validIds: { id: string; facts: PresetFacts }[] = [];
  let at = 0;
  for (; at < valid; at++) {
    const s = picked[at]!;
    const facts = rng.pick(presets);
    const cert = issue(s, facts);
    tag(s, cert.id, facts);
    validIds.push({ id: cert.id, facts });
  }
  // Edited after signing to claim more entropy: the signature no longer verifies.
  for (let k = 0; k < tampered; k++, at++) {
    const s = picked[at]!;
    const facts = rng.pick(presets);
    const cert = issue(s, facts);
    const [h, p, sig] = cert.jws.split('.') as [string, string, string];
    const body = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as ProvenancePayload;
    body.entropyBits = Math.round((body.entropyBits + 32) * 100) / 100;
    cert.jws = `${h}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.${sig}`;
    tag(s, cert.id, facts);
  }
  // A tag copied from a certified secret, perhaps in another vault: it names someone else's certificate.
  for (let k = 0; k < copied; k++, at++) {
    const source = validIds[rng.int(validIds.length)]!;
    tag(picked[at]!, source.id, source.facts);
  }
  for (let k = 0; k < extras; k++) {
    // A tag naming a certificate Certify does not hold (issued elsewhere, or its store lost).
    const facts = rng.pick(presets);
    tag(picked[at++]!, certificateId(rng), facts);
    // Certified, but the tags were later overwritten by hand: the register still finds it.
    issue(picked[at++]!, rng.pick(presets));
  }
  return { jwks: { keys: [signer.publicJwk] }, certificates };
}
