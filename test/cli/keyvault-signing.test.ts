/**
 * End to end with CERTIFY_SIGNING_KEY_ID pointing at the fake Key Vault: the CLI builds and signs
 * an evidence bundle and a provenance certificate through `CryptographyClient.sign`, no private
 * key ever lands in the data dir, and `certify verify`, `certify cert verify`, `certify audit
 * verify` and openssl all accept the result. Needs NODE_EXTRA_CA_CERTS (scripts/run-tests.mjs).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { keyVaultSigningKeyFromEnv } from '../../adapters/keyvault-signing-key.js';
import { parseJwks, type PublicJwk } from '../../base/jws.js';
import { SIGNING_KEY_FILE } from '../../store/signing-key.js';
import { inventory, vault, vaultArmId } from '../support/builders.js';
import { startFakeAzure, type FakeAzure } from '../support/fake-azure/index.js';
import { certifyProcess, runCli, tempDataDir } from './harness.js';

const run = promisify(execFile);
const KEY_ID = 'https://kv-sign.vault.azure.net/keys/certify-signing';
const NOW = '2026-10-05T09:00:00Z';

/** A raw r‖s ES256 signature as the DER ECDSA-Sig-Value openssl reads. */
function derSignature(raw: Buffer): Buffer {
  const int = (b: Buffer) => {
    let v = b;
    while (v.length > 1 && v[0] === 0 && v[1]! < 0x80) v = v.subarray(1);
    if (v[0]! >= 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

describe('the signing key in Key Vault, through the CLI', () => {
  let fake: FakeAzure;
  let undo: () => void;
  const dataDir = tempDataDir();
  const out = join(dataDir, 'soc2-q3.zip');
  const kvEnv = () => ({ ...fake.env, CERTIFY_SIGNING_KEY_ID: KEY_ID });
  const signed = () => fake.signingKeys.signCalls().filter((c) => c.status === 200).length;

  beforeAll(async () => {
    fake = await startFakeAzure({
      inventory: inventory({
        tenantId: '72f988bf-0000-4000-8000-00000000f00d',
        vaults: [vault('kv-sign', { id: vaultArmId('kv-sign', '00000000-0000-0000-0000-0000000000cc') })],
        secrets: [],
        keys: [],
        certificates: [],
        resources: [],
        dependencies: [],
        appRegistrations: [],
      }),
      signingKeys: [{ vault: 'kv-sign', name: 'certify-signing', kty: 'EC-HSM' }],
    });
    undo = fake.applyEnv();
  });
  afterAll(async () => {
    undo();
    await fake.close();
  });

  it('builds a bundle signed by Key Vault, and creates no local key', async () => {
    const scan = await runCli(['scan', '--now', '2026-09-15T06:00:00Z', '--size', '300'], {
      dataDir,
      env: kvEnv(),
    });
    assert.equal(scan.code, 0, scan.stderr);
    const afterScan = signed();
    assert.ok(afterScan >= 1, 'the saved scan was audited under a Key Vault signature');
    const r = await certifyProcess(
      ['evidence', 'soc2', '--from', '2026-07-01', '--to', '2026-09-30', '--out', out, '--now', NOW],
      { dataDir, env: kvEnv() },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Wrote .*soc2-q3\.zip/);
    // The manifest's signature at least, and the audit entries of the build.
    assert.ok(signed() > afterScan);
    assert.ok(fake.signingKeys.signCalls().every((c) => c.alg === 'ES256' && c.status === 200));
    assert.ok(!existsSync(join(dataDir, SIGNING_KEY_FILE)), 'no private key in the data dir');
    // The local TSA keeps its own key under tsa/; nothing else in the data dir holds a private key.
    for (const name of readdirSync(dataDir)) {
      const path = join(dataDir, name);
      if (!statSync(path).isFile() || name.endsWith('.zip')) continue;
      assert.doesNotMatch(readFileSync(path, 'utf8'), /PRIVATE KEY/, name);
    }
  });

  it('certify verify accepts it against the key set Key Vault publishes; openssl verifies the signature', async () => {
    const key = await keyVaultSigningKeyFromEnv(kvEnv(), { keyId: KEY_ID });
    const jwksFile = join(dataDir, 'published-jwks.json');
    writeFileSync(jwksFile, JSON.stringify(key.jwks()));

    const r = await certifyProcess(['verify', out, '--jwks', jwksFile], { dataDir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^ok {4}signature manifest\\.json: ES256 by key ${key.kid}$`, 'm'));
    assert.match(r.stdout, /VERIFIED ev-[0-9a-f]{16}/);

    const zip = await JSZip.loadAsync(readFileSync(out));
    const file = async (name: string) => {
      const path = Object.keys(zip.files).find((n) => n.endsWith(`/${name}`))!;
      return zip.files[path]!.async('nodebuffer');
    };
    const inside = parseJwks((await file('jwks.json')).toString('utf8'));
    assert.deepEqual(
      inside.keys.map((k) => k.kid),
      [key.kid],
    );

    // openssl, from the bundle's own files: the detached JWS's signing input and its signature.
    const dir = mkdtempSync(join(tmpdir(), 'certify-kv-openssl-'));
    const manifest = await file('manifest.json');
    const [header, , signature] = (await file('manifest.jws')).toString('utf8').trim().split('.') as [
      string,
      string,
      string,
    ];
    writeFileSync(join(dir, 'input.bin'), `${header}.${manifest.toString('base64url')}`);
    writeFileSync(join(dir, 'sig.der'), derSignature(Buffer.from(signature, 'base64url')));
    const jwk = inside.keys[0]! as PublicJwk;
    writeFileSync(
      join(dir, 'pub.pem'),
      createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' })
        .export({ format: 'pem', type: 'spki' })
        .toString(),
    );
    const ok = await run(
      '/usr/bin/openssl',
      ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.der', 'input.bin'],
      { cwd: dir },
    );
    assert.match(ok.stdout, /Verified OK/);
    writeFileSync(
      join(dir, 'input.bin'),
      `${header}.${Buffer.from(`${manifest.toString()} `).toString('base64url')}`,
    );
    await assert.rejects(
      run(
        '/usr/bin/openssl',
        ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.der', 'input.bin'],
        {
          cwd: dir,
        },
      ),
      (e: { stdout?: string }) => /Verification failure/.test(e.stdout ?? ''),
    );
  });

  it('a provenance certificate signed by Key Vault verifies, and so does the audit log', async () => {
    const before = signed();
    const certFile = join(dataDir, 'db.cert.jws');
    const g = await runCli(['generate', '--preset', 'pci', '--cert', certFile], { dataDir, env: kvEnv() });
    assert.equal(g.code, 0, g.stderr);
    assert.ok(signed() > before);
    const v = await runCli(['cert', 'verify', certFile], { dataDir, env: kvEnv() });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const audit = await runCli(['audit', 'verify'], { dataDir, env: kvEnv() });
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    assert.match(audit.stdout, /audit log OK/);
    assert.ok(!existsSync(join(dataDir, SIGNING_KEY_FILE)));
  });
  it('moving from the local key to Key Vault: what the local key signed keeps verifying', async () => {
    const moved = tempDataDir();
    const local = await runCli(['scan', '--now', '2026-09-15T06:00:00Z', '--size', '200'], {
      dataDir: moved,
    });
    assert.equal(local.code, 0, local.stderr);
    assert.ok(existsSync(join(moved, SIGNING_KEY_FILE)));
    const before = signed();
    const viaKv = await runCli(['scan', '--now', '2026-09-16T06:00:00Z', '--size', '200'], {
      dataDir: moved,
      env: kvEnv(),
    });
    assert.equal(viaKv.code, 0, viaKv.stderr);
    assert.ok(signed() > before, 'the new entries are signed by Key Vault');
    // The log now holds signatures by both keys; the key set has both.
    const audit = await runCli(['audit', 'verify'], { dataDir: moved, env: kvEnv() });
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    const withoutLocal = await runCli(['audit', 'verify'], {
      dataDir: moved,
      env: { ...kvEnv(), CERTIFY_SIGNING_KEY_ID: '' },
    });
    assert.equal(withoutLocal.code, 1, 'the local key alone cannot verify the Key Vault signatures');
  });
});
