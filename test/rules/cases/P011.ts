import { generateKeyPairSync } from 'node:crypto';
import { signerFromKey, type Signer } from '../../../base/jws.js';
import { issueCertificate, type IssuedCertificate } from '../../../provenance/certificate.js';
import { generateCredential } from '../../../provenance/generate.js';
import { findPreset } from '../../../provenance/presets.js';
import { PRESET_TAG, PROVENANCE_TAG } from '../../../provenance/writer.js';
import type { ProvenanceSection, Secret } from '../../../scanner/inventory/types.js';
import type { RuleCase } from '../case.js';
import { NOW, assetUrl, inventory, secret, vault } from '../../support/builders.js';

// P011: population = enabled, non-managed secrets; not_applicable without a provenance section.
// A secret fails when it has no certify-provenance tag, when the tag names no certificate of the
// section, or when that certificate does not verify against the section's keys for this vault
// and secret (bad signature, unknown key, malformed, issued for another secret or vault).

const signer = (): Signer => signerFromKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
const certify = signer();
const stranger = signer();
const pci = findPreset('pci');

function issue(vaultName: string, name: string, by: Signer = certify): Promise<IssuedCertificate> {
  const generated = generateCredential(pci);
  return issueCertificate({
    signer: by,
    preset: pci,
    credential: generated.value,
    generated,
    now: NOW - 86_400_000,
    target: { vault: vaultName, secret: name, version: 'v1' },
    jwksUrl: null,
  });
}

const good = await issue('kv-test', 'db-password');
const elsewhere = await issue('kv-other', 'db-password');
const sibling = await issue('kv-test', 'api-key');
const foreign = await issue('kv-test', 'signed-by-stranger', stranger);

/** The payload changed after signing: same header and signature, a stronger claim. */
function tampered(c: IssuedCertificate): string {
  const [h, p, s] = c.jws.split('.') as [string, string, string];
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  payload.entropyBits = 256;
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
}
const TAMPERED_ID = 'cert-aaaaaaaaaaaaaaaaaaaaaaaaaa';

const section = (extra: ProvenanceSection['certificates'] = []): ProvenanceSection => ({
  jwks: { keys: [certify.publicJwk] },
  certificates: [
    { id: good.id, jws: good.jws },
    { id: elsewhere.id, jws: elsewhere.jws },
    { id: sibling.id, jws: sibling.jws },
    { id: foreign.id, jws: foreign.jws },
    ...extra,
  ],
});

const tagged = (name: string, certificateId: string, over: Partial<Secret> = {}): Secret =>
  secret(name, {
    tags: { owner: 'platform', [PROVENANCE_TAG]: certificateId, [PRESET_TAG]: 'pci@2026.1' },
    ...over,
  });
const id = (name: string, v = 'kv-test') => assetUrl('secrets', v, name);

const cases: RuleCase[] = [
  {
    name: 'provenance section not collected → not_applicable, even with tagged secrets',
    inventory: inventory({ secrets: [tagged('db-password', good.id), secret('plain')] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'no secrets → not_applicable',
    inventory: inventory({ provenance: section() }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'only managed and disabled secrets, untagged → not_applicable',
    inventory: inventory({
      provenance: section(),
      secrets: [secret('m', { managed: true }), secret('d', { enabled: false })],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'a valid certificate naming this vault and secret → pass',
    inventory: inventory({ provenance: section(), secrets: [tagged('db-password', good.id)] }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'vault and secret names compare without regard to case → pass',
    inventory: inventory({
      vaults: [vault('KV-Test')],
      provenance: section(),
      secrets: [tagged('DB-Password', good.id, { vault: 'KV-Test' })],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'no certify-provenance tag → fail',
    inventory: inventory({
      provenance: section(),
      secrets: [tagged('db-password', good.id), secret('plain', { tags: { [PRESET_TAG]: 'pci@2026.1' } })],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('plain')] },
  },
  {
    name: 'the tag names a certificate the section does not hold → fail',
    inventory: inventory({
      provenance: section(),
      secrets: [tagged('db-password', 'cert-zzzzzzzzzzzzzzzzzzzzzzzzzz')],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [id('db-password')] },
  },
  {
    name: 'a tampered certificate (payload changed after signing) → fail',
    inventory: inventory({
      provenance: section([{ id: TAMPERED_ID, jws: tampered(good) }]),
      secrets: [tagged('db-password', TAMPERED_ID)],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [id('db-password')] },
  },
  {
    name: 'signed by a key that is not in the section’s key set → fail',
    inventory: inventory({
      provenance: section(),
      secrets: [tagged('signed-by-stranger', foreign.id)],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [id('signed-by-stranger')] },
  },
  {
    name: 'a malformed certificate → fail',
    inventory: inventory({
      provenance: section([{ id: TAMPERED_ID, jws: 'not.a.jws' }]),
      secrets: [tagged('db-password', TAMPERED_ID)],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [id('db-password')] },
  },
  {
    name: 'a valid certificate retargeted to another secret (tag copied) → only the copy fails',
    inventory: inventory({
      provenance: section(),
      secrets: [tagged('db-password', good.id), tagged('api-key', good.id), tagged('other', sibling.id)],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('api-key'), id('other')] },
  },
  {
    name: 'a certificate issued for the same secret name in another vault → fail',
    inventory: inventory({ provenance: section(), secrets: [tagged('db-password', elsewhere.id)] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('db-password')] },
  },
  {
    name: 'a certificate filed under another certificate’s id → fail',
    inventory: inventory({
      provenance: section([{ id: TAMPERED_ID, jws: good.jws }]),
      secrets: [tagged('db-password', TAMPERED_ID)],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [id('db-password')] },
  },
  {
    name: 'managed and disabled secrets are outside the population; failures in inventory order',
    inventory: inventory({
      vaults: [vault('kv-test'), vault('kv-other')],
      provenance: section(),
      secrets: [
        secret('z-untagged'),
        tagged('db-password', elsewhere.id, { vault: 'kv-other' }),
        tagged('db-password', good.id),
        secret('managed', { managed: true }),
        tagged('disabled', 'cert-zzzzzzzzzzzzzzzzzzzzzzzzzz', { enabled: false }),
        tagged('a-wrong', sibling.id),
      ],
    }),
    expect: { status: 'fail', evaluated: 4, failing: [id('z-untagged'), id('a-wrong')] },
  },
  {
    name: 'an empty section: every secret in scope fails',
    inventory: inventory({
      provenance: { jwks: { keys: [] }, certificates: [] },
      secrets: [tagged('db-password', good.id), secret('b')],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('db-password'), id('b')] },
  },
];

export default cases;
