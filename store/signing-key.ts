/**
 * The bot's signing key: one EC P-256 key, generated on first start and kept in the data dir
 * (`signing-key.pem`, mode 0600). It signs evidence manifests, management assertions, audit-log
 * checkpoints and provenance certificates; its public half is published as a JWKS. This is the
 * default; CERTIFY_SIGNING_KEY_ID moves signing into Key Vault (adapters/keyvault-signing-key.ts).
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { link, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CertifyError } from '../base/errors.js';
import { signerFromKey, type SigningKey } from '../base/jws.js';

export type { SigningKey } from '../base/jws.js';

export const SIGNING_KEY_FILE = 'signing-key.pem';

function toSigningKey(key: KeyObject, path: string): SigningKey {
  const signer = signerFromKey(key);
  return {
    ...signer,
    jwks: () => ({ keys: [signer.publicJwk] }),
    source: path,
    // A local signature costs well under a millisecond: every probe really signs.
    problem: async () => {
      try {
        return (await signer.sign(Buffer.from('readyz'))).length === 64 ? null : 'signed nothing';
      } catch (e) {
        return (e as Error).message;
      }
    },
  };
}

function readKey(path: string): KeyObject | null {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CertifyError('SIGNING_KEY', `cannot read the signing key ${path}: ${(e as Error).message}`);
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('not an EC P-256 private key');
    }
    return key;
  } catch (e) {
    throw new CertifyError(
      'SIGNING_KEY',
      `the signing key ${path} is unusable: ${(e as Error).message}`,
      [],
      'Restore it from a backup. Deleting it makes a new key, and bundles signed by the old one then verify only against its published JWKS.',
    );
  }
}

/**
 * Loads the key from `dataDir`, creating it on first use. The key is written whole to a temp file
 * and then hard-linked into place, which fails if the name exists: two processes starting at
 * once end up with the same key (the loser reads the winner's), and nobody ever reads a key file
 * that is still being written.
 */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const path = join(dataDir, SIGNING_KEY_FILE);
  const existing = readKey(path);
  if (existing) return toSigningKey(existing, path);
  mkdirSync(dataDir, { recursive: true });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, pem, { mode: 0o600, flag: 'wx', flush: true });
    await link(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new CertifyError('SIGNING_KEY', `cannot write the signing key ${path}: ${(e as Error).message}`);
    }
    const winner = readKey(path);
    if (winner) return toSigningKey(winner, path);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return toSigningKey(privateKey, path);
}

/** The key when the data dir has one (a service has run there), without creating it. */
export function signingKeyIfPresent(dataDir: string): SigningKey | null {
  const path = join(dataDir, SIGNING_KEY_FILE);
  const key = readKey(path);
  return key ? toSigningKey(key, path) : null;
}
