import { test } from 'vitest';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { b64url, signCompact, signerFromKey, type Jwks, type Signer } from '../../base/jws.js';
import { CertifyError } from '../../base/errors.js';
import {
  PROVENANCE_TYP,
  findPreset,
  generateCredential,
  issueCertificate,
  newCertificateId,
  verifyCertificate,
  type ProvenancePayload,
  type ProvenanceTarget,
} from '../../provenance/index.js';

const newSigner = (): Signer => signerFromKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
const signer = newSigner();
const jwks: Jwks = { keys: [signer.publicJwk] };
const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const TARGET: ProvenanceTarget = { vault: 'kv-a', secret: 'db', version: 'v1' };
const pci = findPreset('pci');

async function issue(target: ProvenanceTarget | null = TARGET, preset = pci) {
  const generated = generateCredential(preset);
  const cert = await issueCertificate({
    signer,
    preset,
    credential: generated.value,
    generated,
    now: NOW,
    target,
    jwksUrl: 'https://certify.example/.well-known/jwks.json',
  });
  return { ...cert, credential: generated.value };
}

const decodePayload = (jws: string): ProvenancePayload =>
  JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as ProvenancePayload;

/** Re-signs a payload with the trusted key, to test checks that sit behind a valid signature. */
const resign = (payload: unknown, s: Signer = signer): Promise<string> =>
  signCompact(s, payload, { typ: PROVENANCE_TYP });

test('sign and verify round trip', async () => {
  const { jws, payload, id, credential } = await issue();
  const header = JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  assert.deepEqual(header, { alg: 'ES256', kid: signer.kid, typ: 'certify-provenance+jwt' });
  assert.deepEqual(decodePayload(jws), payload);
  assert.equal(payload.id, id);
  assert.match(id, /^cert-[a-z2-7]{26}$/);
  assert.equal(payload.schema, 'certify.provenance/v1');
  assert.deepEqual(payload.preset, { id: 'pci', version: pci.version, name: pci.name });
  assert.deepEqual(payload.parameters, {
    length: 16,
    alphabetSize: 82,
    classes: ['lower', 'upper', 'digits'],
    symbols: pci.symbols,
  });
  assert.equal(payload.entropyBits, 101.52);
  assert.equal(payload.generatedAt, '2026-03-01T12:00:00.000Z');
  assert.equal(payload.expiresAt, '2026-05-30T12:00:00.000Z');
  assert.deepEqual(payload.target, TARGET);
  assert.deepEqual(payload.issuer, {
    kid: signer.kid,
    jwks: 'https://certify.example/.well-known/jwks.json',
  });
  assert.equal(payload.entropySource.node, process.version);
  assert.equal(typeof payload.entropySource.fipsMode, 'boolean');

  const check = verifyCertificate(jws, jwks, {
    now: NOW,
    expectTarget: { vault: 'KV-A', secret: 'DB', version: 'v1' },
    credential,
  });
  assert.deepEqual(check, { ok: true, payload, problems: [], warnings: [] });
  const cli = await issue(null);
  assert.equal(cli.payload.target, null);
  assert.equal(verifyCertificate(cli.jws, jwks).ok, true);
});

test('the right credential matches the commitment, a wrong one does not', async () => {
  const { jws, credential } = await issue();
  assert.equal(verifyCertificate(jws, jwks, { credential }).ok, true);
  const wrong = credential.slice(0, -1) + (credential.endsWith('a') ? 'b' : 'a');
  assert.deepEqual(verifyCertificate(jws, jwks, { credential: wrong }).problems, [
    'credential does not match the commitment',
  ]);
  assert.deepEqual(verifyCertificate(jws, jwks, { credential: '' }).problems, [
    'credential does not match the commitment',
  ]);
});

test('the certificate never contains the credential, in any common encoding', async () => {
  for (let i = 0; i < 50; i++) {
    const { jws, credential } = await issue();
    const bytes = Buffer.from(credential, 'utf8');
    const forms = [
      credential,
      bytes.toString('base64'),
      bytes.toString('base64url'),
      bytes.toString('hex'),
      b64url(JSON.stringify(credential)),
    ];
    const decoded = Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8');
    for (const form of forms) {
      assert.ok(!jws.includes(form), 'jws');
      assert.ok(!decoded.includes(form), 'payload');
      assert.ok(!decoded.toLowerCase().includes(form.toLowerCase()), 'payload, any case');
    }
  }
  // Same credential twice: fresh salt, so the commitments cannot be linked.
  const generated = generateCredential(pci);
  const input = {
    signer,
    preset: pci,
    credential: generated.value,
    generated,
    now: NOW,
    target: null,
    jwksUrl: null,
  };
  const a = (await issueCertificate(input)).payload.commitment;
  const b = (await issueCertificate(input)).payload.commitment;
  assert.notEqual(a.salt, b.salt);
  assert.notEqual(a.digest, b.digest);
});

test('a tampered payload fails the signature', async () => {
  const { jws } = await issue();
  const [h, p, s] = jws.split('.') as [string, string, string];
  // One character changed in the middle of the payload segment.
  const i = Math.floor(p.length / 2);
  const flipped = `${h}.${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}.${s}`;
  const c1 = verifyCertificate(flipped, jwks);
  assert.equal(c1.ok, false);
  assert.equal(c1.payload, null);
  assert.ok(
    c1.problems.includes(`signature does not verify with key kid=${signer.kid}`),
    c1.problems.join('\n'),
  );

  // A well-formed edit, re-encoded, with the old signature.
  const edited = { ...decodePayload(jws), target: { vault: 'kv-b', secret: 'db', version: null } };
  const c2 = verifyCertificate(`${h}.${b64url(JSON.stringify(edited))}.${s}`, jwks);
  assert.deepEqual(c2.problems, [`signature does not verify with key kid=${signer.kid}`]);
  assert.equal(c2.payload, null);
});

test('signed by a key outside the key set', async () => {
  const other = newSigner();
  const { payload } = await issue();
  const c = verifyCertificate(
    await resign({ ...payload, issuer: { kid: other.kid, jwks: null } }, other),
    jwks,
  );
  assert.deepEqual(c.problems, [`signed by an unknown key kid=${other.kid}`]);
  assert.equal(c.payload, null);
});

test('another key published under the trusted kid is caught by its thumbprint', async () => {
  const attacker = newSigner();
  const impostor: Signer = {
    kid: signer.kid,
    publicJwk: { ...attacker.publicJwk, kid: signer.kid },
    sign: attacker.sign,
  };
  const { payload } = await issue();
  const forged = await resign(payload, impostor);
  // The attacker's own key set, claiming the trusted kid.
  const c1 = verifyCertificate(forged, { keys: [impostor.publicJwk] });
  assert.equal(c1.ok, false);
  assert.equal(c1.problems.length, 1);
  assert.match(
    c1.problems[0]!,
    new RegExp(`^the key set's key kid=${signer.kid} is not the key that kid names`),
  );
  // The genuine key set: the forged signature does not verify.
  assert.deepEqual(verifyCertificate(forged, jwks).problems, [
    `signature does not verify with key kid=${signer.kid}`,
  ]);
});

test('a retargeted certificate names both targets', async () => {
  const { jws } = await issue();
  assert.deepEqual(verifyCertificate(jws, jwks, { expectTarget: { vault: 'kv-b', secret: 'db' } }).problems, [
    'target is kv-a/db@v1 but the secret is kv-b/db',
  ]);
  assert.deepEqual(
    verifyCertificate(jws, jwks, { expectTarget: { vault: 'kv-a', secret: 'api' } }).problems,
    ['target is kv-a/db@v1 but the secret is kv-a/api'],
  );
  assert.deepEqual(
    verifyCertificate(jws, jwks, { expectTarget: { vault: 'kv-a', secret: 'db', version: 'v2' } }).problems,
    ['target is kv-a/db@v1 but the secret is kv-a/db@v2'],
  );
  // No version expected: the vault and name decide.
  assert.equal(
    verifyCertificate(jws, jwks, { expectTarget: { vault: 'kv-a', secret: 'db', version: null } }).ok,
    true,
  );
  const cli = await issue(null);
  assert.deepEqual(
    verifyCertificate(cli.jws, jwks, { expectTarget: { vault: 'kv-a', secret: 'db' } }).problems,
    ['the certificate names no target but the secret is kv-a/db'],
  );
  const kvA = await issue({ vault: 'kv-a', secret: 'db', version: null });
  assert.deepEqual(
    verifyCertificate(kvA.jws, jwks, { expectTarget: { vault: 'kv-b', secret: 'db' } }).problems,
    ['target is kv-a/db but the secret is kv-b/db'],
  );
});

test('entropy below the preset minimum, and entropy that does not follow from the parameters', async () => {
  const { payload } = await issue();
  const weak = { ...payload, parameters: { ...payload.parameters, length: 7 }, entropyBits: 40.1 };
  const c = verifyCertificate(await resign(weak), jwks);
  assert.equal(c.ok, false);
  assert.ok(c.problems.includes("entropy 40.1 bits is below the preset's minimum 96"), c.problems.join('\n'));
  assert.ok(c.problems.includes("length 7 is below preset pci's 16"), c.problems.join('\n'));
  assert.ok(
    c.problems.some((m) =>
      /^entropy 40\.1 bits does not follow from the parameters \(they give 4\d\.\d\d\)$/.test(m),
    ),
  );
  // A valid signature does not make an inflated claim true.
  const inflated = verifyCertificate(await resign({ ...payload, entropyBits: 120 }), jwks);
  assert.deepEqual(inflated.problems, [
    'entropy 120 bits does not follow from the parameters (they give 101.52)',
  ]);
  assert.notEqual(inflated.payload, null, 'signed, so shown, but not ok');
});

test('an older preset version or an unknown preset is a warning, not a failure', async () => {
  const { payload } = await issue();
  const old = verifyCertificate(
    await resign({ ...payload, preset: { ...payload.preset, version: '2025.1' } }),
    jwks,
  );
  assert.equal(old.ok, true);
  assert.match(old.warnings[0]!, /^preset version unknown: the certificate names pci 2025\.1/);
  const unknown = verifyCertificate(
    await resign({ ...payload, preset: { ...payload.preset, id: 'acme' } }),
    jwks,
  );
  assert.equal(unknown.ok, true);
  assert.deepEqual(unknown.warnings, [
    'preset "acme" is unknown to this verifier: its requirements were not checked',
  ]);
});

test('times: generated in the future is a problem, an ended lifetime a warning', async () => {
  const { jws } = await issue();
  assert.deepEqual(verifyCertificate(jws, jwks, { now: NOW - 3_600_000 }).problems, [
    'generatedAt 2026-03-01T12:00:00.000Z is in the future',
  ]);
  const late = verifyCertificate(jws, jwks, { now: NOW + 91 * 86_400_000 });
  assert.equal(late.ok, true);
  assert.deepEqual(late.warnings, ["the secret's certified lifetime ended at 2026-05-30T12:00:00.000Z"]);
});

test('strict payload validation names the field', async () => {
  const { payload } = await issue();
  const cases: [unknown, string][] = [
    [{ ...payload, schema: 'certify.provenance/v2' }, 'malformed: schema must be "certify.provenance/v1"'],
    [{ ...payload, id: 'cert-1' }, 'malformed: id must be cert- and 26 base32 characters'],
    [{ ...payload, entropyBits: '128' }, 'malformed: entropyBits must be a non-negative number'],
    [{ ...payload, generatedAt: 'yesterday' }, 'malformed: generatedAt must be an ISO 8601 UTC time'],
    [{ ...payload, extra: 1 }, 'malformed: extra is not a known field'],
    [
      { ...payload, target: { vault: 'kv-a', secret: '', version: null } },
      'malformed: target.secret must be a non-empty string',
    ],
    [
      { ...payload, commitment: { ...payload.commitment, salt: 'c2hvcnQ' } },
      'malformed: commitment.salt must be 32 bytes in base64url',
    ],
    [
      { ...payload, commitment: { ...payload.commitment, alg: 'SHA-256' } },
      'malformed: commitment.alg must be "HMAC-SHA256"',
    ],
    [
      { ...payload, parameters: { ...payload.parameters, classes: ['lower', 'emoji'] } },
      'malformed: parameters.classes must be distinct names from lower, upper, digits, symbols',
    ],
    [
      { ...payload, entropySource: { ...payload.entropySource, fipsMode: 'no' } },
      'malformed: entropySource.fipsMode must be a boolean',
    ],
    [{ ...payload, preset: undefined }, 'malformed: preset must be an object'],
    [[payload], 'malformed: the payload is not a JSON object'],
  ];
  for (const [bad, problem] of cases) {
    const c = verifyCertificate(await resign(bad), jwks);
    assert.equal(c.ok, false, problem);
    assert.equal(c.payload, null, problem);
    assert.deepEqual(c.problems, [problem]);
  }
  const header = { alg: 'ES256', kid: signer.kid, typ: 'JWT' };
  const wrongTyp = `${b64url(JSON.stringify(header))}.${(await resign(payload)).split('.').slice(1).join('.')}`;
  assert.ok(
    verifyCertificate(wrongTyp, jwks).problems.includes(
      'malformed: header typ is JWT, expected certify-provenance+jwt',
    ),
  );
});

test('never throws on garbage', async () => {
  const inputs = [
    '',
    'abc',
    'a.b',
    'a.b.c',
    '..',
    '!!.@@.##',
    `${b64url('{"alg":"ES256"}')}.${b64url('{}')}.x`,
    (await issue()).jws + '.x',
  ];
  for (const input of inputs) {
    const c = verifyCertificate(input, jwks);
    assert.equal(c.ok, false, input);
    assert.equal(c.payload, null, input);
    assert.ok(c.problems.length > 0 && c.problems.every((m) => m.length > 0), input);
  }
  assert.equal(verifyCertificate(undefined as unknown as string, jwks).ok, false);
  assert.deepEqual(
    verifyCertificate(
      `${b64url('{"alg":"ES256","typ":"certify-provenance+jwt","kid":"k"}')}.${b64url('{}')}.AAAA`,
      { keys: [] },
    ).problems.slice(0, 1),
    ['signed by an unknown key kid=k'],
  );
});

test('issueCertificate refuses a credential the preset did not produce', async () => {
  const generated = generateCredential(pci);
  const base = { signer, preset: pci, generated, now: NOW, target: null, jwksUrl: null };
  const refuse = (credential: string, problem: string): Promise<void> =>
    assert.rejects(
      () => issueCertificate({ ...base, credential }),
      (e: unknown) => e instanceof CertifyError && e.code === 'BAD_INPUT' && e.problems.includes(problem),
    );
  await refuse('password', 'the credential is not 16 characters long');
  await refuse('aaaaaaaaaaaaaaaa', 'the credential has no upper character');
  await refuse('aaaaaaaaaaaaaA1$', "the credential has characters outside preset pci's alphabet");
  await assert.rejects(
    () =>
      issueCertificate({
        ...base,
        credential: generated.value,
        generated: { ...generated, entropyBits: 200 },
      }),
    CertifyError,
  );
  await assert.rejects(
    () => issueCertificate({ ...base, credential: generated.value, id: 'cert-x' }),
    CertifyError,
  );
  const fixed = await issueCertificate({
    ...base,
    credential: generated.value,
    id: 'cert-abcdefghijklmnopqrstuvwxyz',
  });
  assert.equal(fixed.payload.id, 'cert-abcdefghijklmnopqrstuvwxyz');
});

test('certificate ids are unguessable and distinct', async () => {
  const ids = new Set(Array.from({ length: 5000 }, () => newCertificateId()));
  assert.equal(ids.size, 5000);
  for (const id of ids) assert.match(id, /^cert-[a-z2-7]{26}$/);
});

test('every preset issues a certificate that verifies', async () => {
  for (const id of ['strict', 'nist', 'pci', 'hipaa', 'soc2', 'iso27001', 'fips']) {
    const { jws, credential } = await issue(TARGET, findPreset(id));
    const c = verifyCertificate(jws, jwks, { credential, expectTarget: TARGET, now: NOW });
    assert.equal(c.ok, true, `${id}: ${c.problems.join('; ')}`);
    if (id === 'fips' && !c.payload!.entropySource.fipsMode)
      assert.match(c.warnings.join(), /not in FIPS mode/);
  }
});
