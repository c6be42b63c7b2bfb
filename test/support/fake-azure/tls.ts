/**
 * TLS material of the fake Azure cloud: a test CA and one server certificate for every host
 * the fake impersonates.
 *
 * The committed files under `tls/` (20-year validity, ECDSA P-256 for cheap handshakes) are
 * used by default: a process trusts them with `NODE_EXTRA_CA_CERTS=test/fixtures/fake-azure-tls/ca.pem`,
 * which Node reads once at start-up. Only when a caller asks for a host outside the committed
 * certificate's names is a new CA + certificate made with the openssl CLI, in a temporary
 * directory keyed by the host list (so later starts reuse it); its `caFile` then has to be
 * given to a NEW process. The CA's private key is never committed.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Deliberate test material lives under test/fixtures (a test-only key, never a real one).
export const COMMITTED_TLS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'fixtures',
  'fake-azure-tls',
);

/** Hosts every fake answers for (public cloud). */
export const BASE_HOSTS: readonly string[] = [
  'management.azure.com',
  'graph.microsoft.com',
  'login.microsoftonline.com',
  '*.vault.azure.net',
];

/** Names of the committed certificate: the public cloud plus US Government and China. */
export const COMMITTED_SANS: readonly string[] = [
  ...BASE_HOSTS,
  'management.usgovcloudapi.net',
  '*.vault.usgovcloudapi.net',
  'graph.microsoft.us',
  'login.microsoftonline.us',
  'management.chinacloudapi.cn',
  '*.vault.azure.cn',
  'microsoftgraph.chinacloudapi.cn',
  'login.chinacloudapi.cn',
];

export interface TlsMaterial {
  /** PEM of the CA to trust (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  key: string;
  cert: string;
  /** The server certificate's DNS names. */
  names: readonly string[];
}

/** `pattern` (`a.b` or `*.b`) covers `host` as a TLS client would check it (one label for `*`). */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (!p.startsWith('*.')) return p === h;
  const rest = p.slice(1); // ".b"
  return h.endsWith(rest) && h.length > rest.length && !h.slice(0, -rest.length).includes('.');
}

function covered(names: readonly string[], host: string): boolean {
  if (host.startsWith('*.')) return names.some((n) => n.toLowerCase() === host.toLowerCase());
  return names.some((n) => hostMatches(n, host));
}

/** The committed material when it covers `extraHosts`, else generated (and cached) material. */
export function tlsMaterial(extraHosts: readonly string[] = []): TlsMaterial {
  if (extraHosts.every((h) => covered(COMMITTED_SANS, h)))
    return readMaterial(COMMITTED_TLS_DIR, COMMITTED_SANS);
  const names = [...new Set([...COMMITTED_SANS, ...extraHosts.map((h) => h.toLowerCase())])].sort();
  const key = createHash('sha256').update(names.join(',')).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `certify-fake-azure-tls-${key}`);
  if (!existsSync(join(dir, 'server-cert.pem'))) {
    const staging = `${dir}.${process.pid}.${Date.now()}`;
    generateTls(staging, names, 30);
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process won the race
    }
  }
  return readMaterial(dir, names);
}

function readMaterial(dir: string, names: readonly string[]): TlsMaterial {
  return {
    caFile: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'server-key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'server-cert.pem'), 'utf8'),
    names,
  };
}

/** `YYYYMMDDHHMMSSZ`, as `openssl ca -startdate/-enddate` take it. */
function opensslTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Writes `ca.pem`, `server-key.pem` and `server-cert.pem` into `dir` with the openssl CLI:
 * valid from 2020-01-01 (a machine whose clock lags still accepts them) for `days` days from
 * now. The CA key is made in a scratch directory and deleted: nothing else can be signed with it.
 */
export function generateTls(dir: string, names: readonly string[], days: number): void {
  mkdirSync(dir, { recursive: true });
  const scratch = join(dir, '.scratch');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(join(scratch, 'new'), { recursive: true });
  const run = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const at = (f: string) => join(scratch, f);
  const dates = ['-startdate', '20200101000000Z', '-enddate', opensslTime(Date.now() + days * 86_400_000)];
  writeFileSync(at('index.txt'), '');
  writeFileSync(at('serial'), `${randomBytes(12).toString('hex').toUpperCase()}\n`);
  writeFileSync(
    at('openssl.cnf'),
    [
      '[ca]',
      'default_ca = fake',
      '[fake]',
      `database = ${at('index.txt')}`,
      `serial = ${at('serial')}`,
      `new_certs_dir = ${at('new')}`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      'email_in_dn = no',
      '[any]',
      'commonName = supplied',
      'organizationName = optional',
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = placeholder',
      '[ca_ext]',
      'basicConstraints = critical, CA:TRUE, pathlen:0',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      '[server_ext]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = serverAuth',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      `subjectAltName = ${names.map((n) => `DNS:${n}`).join(', ')}`,
      '',
    ].join('\n'),
  );
  const ca = ['ca', '-batch', '-notext', '-config', at('openssl.cnf'), ...dates];
  try {
    run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', at('ca-key.pem'));
    run(
      'req',
      '-new',
      '-key',
      at('ca-key.pem'),
      '-config',
      at('openssl.cnf'),
      '-subj',
      '/CN=Certify Fake Azure Test CA/O=Certify tests - trust only in tests',
      '-out',
      at('ca.csr'),
    );
    run(
      ...ca,
      '-selfsign',
      '-keyfile',
      at('ca-key.pem'),
      '-in',
      at('ca.csr'),
      '-extensions',
      'ca_ext',
      '-out',
      join(dir, 'ca.pem'),
    );
    run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', at('ec-key.pem'));
    // PKCS#8: what every TLS stack reads without fuss.
    run('pkcs8', '-topk8', '-nocrypt', '-in', at('ec-key.pem'), '-out', join(dir, 'server-key.pem'));
    run(
      'req',
      '-new',
      '-key',
      join(dir, 'server-key.pem'),
      '-config',
      at('openssl.cnf'),
      '-subj',
      '/CN=certify-fake-azure',
      '-out',
      at('server.csr'),
    );
    run(
      ...ca,
      '-cert',
      join(dir, 'ca.pem'),
      '-keyfile',
      at('ca-key.pem'),
      '-in',
      at('server.csr'),
      '-extensions',
      'server_ext',
      '-out',
      join(dir, 'server-cert.pem'),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
