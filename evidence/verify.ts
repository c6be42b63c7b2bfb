/**
 * `certify verify BUNDLE`: what an auditor runs, trusting nothing Certify says. Every hash is
 * recomputed, the manifest and assertion signatures are checked against the bundle's key (and
 * against a pinned key set when one is given), and both RFC 3161 tokens are checked for their
 * message imprint and signature. One line per check; any failure makes the result fail.
 */
import { createHash } from 'node:crypto';
import JSZip from 'jszip';
import { JwsError, parseJwks, verifyDetached, type Jwks } from '../base/jws.js';
import {
  ASSERTION,
  ASSERTION_SIGNATURE,
  DATA_MANIFEST,
  DATA_TIMESTAMP,
  JWKS_FILE,
  MANIFEST,
  MANIFEST_SIGNATURE,
  MANIFEST_TIMESTAMP,
  OUTSIDE_MANIFEST,
  SHA256SUMS,
  TSA_CERTS,
  sha256,
  type DataManifest,
  type Manifest,
} from './bundle.js';
import { verifyTimestampToken } from './timestamp/index.js';
import type { Assertion } from './types.js';

export interface Check {
  level: 'ok' | 'fail' | 'warn';
  /** Short name of what was checked, e.g. `sha256 reports/asset-inventory.csv`. */
  name: string;
  detail: string;
}

export interface BundleVerification {
  ok: boolean;
  bundleId: string | null;
  checks: Check[];
}

export interface VerifyOptions {
  /** A key set the auditor trusts (e.g. fetched from the service's /.well-known/jwks.json). */
  jwks?: Jwks;
  /** PEM roots the TSA must chain to (a third-party TSA's CA). */
  tsaRootsPem?: string;
}

function parseJson<T>(data: Buffer | undefined, name: string, checks: Check[]): T | null {
  if (!data) {
    checks.push({ level: 'fail', name, detail: `${name} is missing` });
    return null;
  }
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch {
    checks.push({ level: 'fail', name, detail: `${name} is not valid JSON` });
    return null;
  }
}

async function unzip(bytes: Uint8Array): Promise<{ root: string; files: Map<string, Buffer> }> {
  const zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
  const roots = new Set(names.map((n) => (n.includes('/') ? n.slice(0, n.indexOf('/')) : '')));
  // Bundles keep everything under one folder named after the bundle; accept a flat zip as well.
  const root =
    roots.size === 1 && !roots.has('') && names.some((n) => n.endsWith(`/${MANIFEST}`)) ? [...roots][0]! : '';
  const files = new Map<string, Buffer>();
  for (const name of names) {
    files.set(root ? name.slice(root.length + 1) : name, await zip.files[name]!.async('nodebuffer'));
  }
  return { root, files };
}

export async function verifyBundle(bytes: Uint8Array, opts: VerifyOptions = {}): Promise<BundleVerification> {
  const checks: Check[] = [];
  const fail = (name: string, detail: string) => checks.push({ level: 'fail', name, detail });
  const ok = (name: string, detail: string) => checks.push({ level: 'ok', name, detail });
  const warn = (name: string, detail: string) => checks.push({ level: 'warn', name, detail });

  let files: Map<string, Buffer>;
  try {
    files = (await unzip(bytes)).files;
  } catch (e) {
    fail('zip', `not a readable zip file: ${(e as Error).message}`);
    return { ok: false, bundleId: null, checks };
  }

  const manifest = parseJson<Manifest>(files.get(MANIFEST), MANIFEST, checks);
  if (!manifest || !Array.isArray(manifest.files)) {
    if (manifest) fail(MANIFEST, 'manifest.json has no "files" list');
    return { ok: false, bundleId: null, checks };
  }

  // 1. Every listed file exists and hashes to its manifest entry; nothing unlisted rides along.
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    listed.add(entry.path);
    const data = files.get(entry.path);
    if (!data) fail(`sha256 ${entry.path}`, `${entry.path} is listed in the manifest but missing`);
    else if (sha256(data) !== entry.sha256)
      fail(
        `sha256 ${entry.path}`,
        `${entry.path} was modified: its SHA-256 is ${sha256(data)}, the manifest says ${entry.sha256}`,
      );
    else ok(`sha256 ${entry.path}`, entry.sha256);
  }
  for (const path of files.keys()) {
    if (!listed.has(path) && !OUTSIDE_MANIFEST.includes(path))
      fail(`extra ${path}`, `${path} is not in the manifest`);
  }
  const sums = files.get(SHA256SUMS);
  const expectedSums = manifest.files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
  if (!sums) warn(SHA256SUMS, 'SHA256SUMS is missing (only a convenience for sha256sum -c)');
  else if (sums.toString('utf8') !== expectedSums)
    fail(SHA256SUMS, 'SHA256SUMS was modified: it does not match manifest.json');
  else ok(SHA256SUMS, 'matches manifest.json');

  // 2. Signatures: the bundle's own key, and the pinned key set when the auditor gave one.
  const bundleKeys = files.get(JWKS_FILE);
  let keys: Jwks | null = null;
  try {
    keys = bundleKeys ? parseJwks(bundleKeys.toString('utf8')) : null;
  } catch (e) {
    fail(JWKS_FILE, (e as Error).message);
  }
  if (opts.jwks) {
    keys = opts.jwks;
  } else if (keys) {
    warn(
      'signing key',
      `checked against the key inside the bundle (kid ${keys.keys[0]?.kid ?? '?'}); pass --jwks with the service's published key set to pin it`,
    );
  }
  const manifestBytes = files.get(MANIFEST)!;
  const checkSignature = (file: string, sigFile: string) => {
    const sig = files.get(sigFile);
    const content = files.get(file);
    if (!sig || !content || !keys) {
      fail(`signature ${file}`, `${!sig ? sigFile : !content ? file : JWKS_FILE} is missing`);
      return;
    }
    try {
      const v = verifyDetached(sig.toString('utf8'), content, keys);
      ok(`signature ${file}`, `ES256 by key ${v.kid}`);
    } catch (e) {
      fail(`signature ${file}`, `${sigFile}: ${e instanceof JwsError ? e.message : String(e)}`);
    }
  };
  checkSignature(MANIFEST, MANIFEST_SIGNATURE);

  // 3. Timestamps: imprint and signature against the TSA certificate.
  const tsaPem = files.get(TSA_CERTS)?.toString('utf8');
  const checkStamp = async (file: string, tsrFile: string, content: Buffer | undefined) => {
    const tsr = files.get(tsrFile);
    if (!tsr || !content) {
      fail(`timestamp ${file}`, `${!tsr ? tsrFile : file} is missing`);
      return;
    }
    const v = await verifyTimestampToken(tsr, createHash('sha256').update(content).digest(), {
      ...(tsaPem ? { extraCertsPem: tsaPem } : {}),
      ...(opts.tsaRootsPem ? { trustedRootsPem: opts.tsaRootsPem } : {}),
    });
    if (!v.ok) {
      fail(`timestamp ${file}`, `${tsrFile}: ${v.problems.join('; ')}`);
      return;
    }
    ok(`timestamp ${file}`, `RFC 3161 time ${v.genTime} by ${v.tsaName ?? 'unknown TSA'}`);
    if (v.local)
      warn(`timestamp ${file}`, "issued by Certify's embedded local TSA, not a trusted third party");
    else if (v.chainTrusted === false)
      fail(`timestamp ${file}`, 'the TSA certificate does not chain to the given --tsa-ca roots');
    else if (v.chainTrusted === null)
      warn(`timestamp ${file}`, 'TSA certificate not checked against a trusted root (pass --tsa-ca)');
  };
  await checkStamp(MANIFEST, MANIFEST_TIMESTAMP, manifestBytes);
  await checkStamp(DATA_MANIFEST, DATA_TIMESTAMP, files.get(DATA_MANIFEST));

  // 4. The data manifest agrees with the files (it is what the assertion vouches for).
  const dataManifest = parseJson<DataManifest>(files.get(DATA_MANIFEST), DATA_MANIFEST, checks);
  if (dataManifest && Array.isArray(dataManifest.files)) {
    const bad = dataManifest.files.filter((f) => {
      const data = files.get(f.path);
      return !data || sha256(data) !== f.sha256;
    });
    if (bad.length > 0) fail(DATA_MANIFEST, `does not match ${bad.map((f) => f.path).join(', ')}`);
    else ok(DATA_MANIFEST, `${dataManifest.files.length} data files match`);
  }

  // 5. The management assertion: signed by the service, about exactly this data.
  checkSignature(ASSERTION, ASSERTION_SIGNATURE);
  const assertion = parseJson<Assertion>(files.get(ASSERTION), ASSERTION, checks);
  const dataBytes = files.get(DATA_MANIFEST);
  if (assertion && dataBytes) {
    if (assertion.dataManifestSha256 !== sha256(dataBytes)) {
      fail('assertion', 'assertion.json names a different data-manifest.json');
    } else if (assertion.status === 'signed' && assertion.signer) {
      ok(
        'assertion',
        `signed by ${assertion.signer.name} (${assertion.signer.role}) at ${assertion.signedAt}`,
      );
    } else if (assertion.status === 'unsigned-local') {
      warn('assertion', 'NOT SIGNED: produced by the CLI for local use');
    } else {
      fail('assertion', `the management assertion is ${assertion.status}, not signed`);
    }
  }

  return { ok: !checks.some((c) => c.level === 'fail'), bundleId: manifest.bundleId ?? null, checks };
}
