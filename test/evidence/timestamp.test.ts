import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CertifyError } from '../../base/errors.js';
import { createLocalTsa, createRemoteTsa } from '../../adapters/tsa/index.js';
import { LOCAL_TSA_POLICY_OID, verifyTimestampToken } from '../../evidence/timestamp/index.js';
import type { LocalTsa, TimestampResult } from '../../evidence/timestamp/index.js';
import { startFakeTsa } from '../support/fake-tsa.js';

const run = promisify(execFile);

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'certify-tsa-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();
const DATA = Buffer.from('evidence bundle manifest\n');
const DIGEST = sha256(DATA);

/** Runs openssl in `cwd`; resolves with whether it exited 0 and what it printed. */
async function openssl(cwd: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run('/usr/bin/openssl', args, { cwd });
    return { ok: true, output: stdout + stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** Writes the response, the data and both certificates, and asks `openssl ts -verify` about them. */
async function opensslVerify(
  tsa: LocalTsa,
  response: Buffer,
  form: 'digest' | 'data',
): Promise<{ ok: boolean; output: string }> {
  const dir = await freshDir();
  await writeFile(join(dir, 'resp.tsr'), response);
  await writeFile(join(dir, 'data.bin'), DATA);
  await writeFile(join(dir, 'ca.pem'), tsa.caCertPem);
  await writeFile(join(dir, 'tsa.pem'), tsa.tsaCertPem);
  const input = form === 'digest' ? ['-digest', DIGEST.toString('hex')] : ['-data', 'data.bin'];
  return openssl(dir, [
    'ts',
    '-verify',
    ...input,
    '-in',
    'resp.tsr',
    '-CAfile',
    'ca.pem',
    '-untrusted',
    'tsa.pem',
  ]);
}

function flipped(bytes: Buffer, at: number): Buffer {
  assert.ok(at >= 0 && at < bytes.length, `offset ${at} inside ${bytes.length} bytes`);
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

async function rejects(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof CertifyError, `a CertifyError, got ${String(e)}`);
    assert.equal(e.code, 'TSA_FAILED');
    for (const f of fragments) assert.match(e.message, new RegExp(f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    return true;
  });
}

let tsa: LocalTsa;
let stamped: TimestampResult;
const NOW = Date.now();

beforeAll(async () => {
  tsa = await createLocalTsa(await freshDir(), NOW);
  stamped = await tsa.timestamp(DIGEST, NOW);
});

describe('local TSA', () => {
  it('stamps a digest and the token verifies', async () => {
    assert.equal(stamped.genTime, new Date(NOW).toISOString());
    assert.deepEqual(stamped.authority, {
      kind: 'local',
      url: null,
      name: 'Certify local TSA (not a trusted third party)',
      trustedThirdParty: false,
    });
    // The response wraps the token: status first, then the very same token bytes.
    assert.ok(
      stamped.response.subarray(stamped.response.length - stamped.token.length).equals(stamped.token),
    );
    assert.equal(stamped.certificatesPem, tsa.tsaCertPem + tsa.caCertPem);

    for (const input of [stamped.response, stamped.token]) {
      const v = await verifyTimestampToken(input, DIGEST);
      assert.deepEqual(v, {
        ok: true,
        genTime: stamped.genTime,
        tsaName: 'O=Certify, CN=Certify local TSA (not a trusted third party)',
        local: true,
        chainTrusted: null,
        problems: [],
      });
    }
  });

  it('issues certificates fit for time-stamping only, valid 20 years', () => {
    const root = new X509Certificate(tsa.caCertPem);
    const leaf = new X509Certificate(tsa.tsaCertPem);
    assert.match(root.subject, /CN=Certify local TSA root \(not a trusted third party\)/);
    assert.equal(root.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(root) && leaf.verify(root.publicKey));
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.8']);
    const years = (Date.parse(leaf.validTo) - NOW) / (365.25 * 86_400_000);
    assert.ok(Math.abs(years - 20) < 0.01, `valid ${years} years`);
    assert.ok(Date.parse(leaf.validFrom) <= NOW);
  });

  it('keeps its keys and certificates across restarts, the key readable by its owner only', async () => {
    const dir = await freshDir();
    const first = await createLocalTsa(dir, NOW);
    const second = await createLocalTsa(dir, NOW + 86_400_000);
    assert.equal(second.caCertPem, first.caCertPem);
    assert.equal(second.tsaCertPem, first.tsaCertPem);
    assert.equal((await stat(join(dir, 'tsa', 'tsa-key.pem'))).mode & 0o777, 0o600);
    const later = await second.timestamp(DIGEST, NOW + 86_400_000);
    const v = await verifyTimestampToken(later.token, DIGEST, { trustedRootsPem: first.caCertPem });
    assert.equal(v.ok, true, v.problems.join('; '));
    assert.equal(v.chainTrusted, true);
    // A different directory is a different TSA.
    const other = await createLocalTsa(await freshDir(), NOW);
    assert.notEqual(other.caCertPem, first.caCertPem);
  });

  it('ends up with one TSA when two callers create it at once', async () => {
    const dir = await freshDir();
    const [a, b] = await Promise.all([createLocalTsa(dir, NOW), createLocalTsa(dir, NOW)]);
    assert.equal(a.tsaCertPem, b.tsaCertPem);
    const v = await verifyTimestampToken((await a.timestamp(DIGEST, NOW)).token, DIGEST, {
      trustedRootsPem: b.caCertPem,
    });
    assert.equal(v.ok, true, v.problems.join('; '));
  });

  it('refuses to replace a damaged TSA folder', async () => {
    const dir = await freshDir();
    await createLocalTsa(dir, NOW);
    await rm(join(dir, 'tsa', 'tsa-key.pem'));
    await rejects(createLocalTsa(dir, NOW), 'tsa-key.pem', join(dir, 'tsa'));
  });

  it('rejects requests it cannot honour with an RFC 3161 status', async () => {
    const sha1Req = Buffer.concat([
      Buffer.from('3024020101301f300706052b0e03021a0414', 'hex'),
      createHash('sha1').update(DATA).digest(),
      Buffer.from('0101ff', 'hex'),
    ]);
    sha1Req[1] = sha1Req.length - 2;
    const cases: [Buffer, string][] = [
      [Buffer.from('not asn.1'), 'failure badDataFormat'],
      [sha1Req, 'failure badAlg'],
    ];
    for (const [request, expected] of cases) {
      const response = await tsa.respond(request, NOW);
      const v = await verifyTimestampToken(response, DIGEST);
      assert.equal(v.ok, false);
      assert.match(v.problems.join('; '), new RegExp(`status rejection; ${expected}`));
    }
    await assert.rejects(
      tsa.timestamp(DIGEST, Date.parse('1999-01-01T00:00:00Z')),
      /local TSA: refused the request .*not valid at 1999-01-01/,
    );
  });

  it('answers a query made by openssl, and openssl checks the reply against it', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'data.bin'), DATA);
    const query = await openssl(dir, [
      'ts',
      '-query',
      '-data',
      'data.bin',
      '-sha256',
      '-cert',
      '-out',
      'q.tsq',
    ]);
    assert.ok(query.ok, query.output);
    await writeFile(join(dir, 'r.tsr'), await tsa.respond(await readFile(join(dir, 'q.tsq')), NOW));
    await writeFile(join(dir, 'ca.pem'), tsa.caCertPem);
    const v = await openssl(dir, [
      'ts',
      '-verify',
      '-queryfile',
      'q.tsq',
      '-in',
      'r.tsr',
      '-CAfile',
      'ca.pem',
    ]);
    assert.ok(v.ok, v.output);
    assert.match(v.output, /Verification: OK/);
  });
});

describe('openssl ts -verify', () => {
  it('accepts the local token given the digest', async () => {
    const r = await opensslVerify(tsa, stamped.response, 'digest');
    assert.ok(r.ok, r.output);
    assert.match(r.output, /Verification: OK/);
  });

  it('accepts the local token given the data', async () => {
    const r = await opensslVerify(tsa, stamped.response, 'data');
    assert.ok(r.ok, r.output);
    assert.match(r.output, /Verification: OK/);
  });

  it('shows the local policy, the nonce and the TSA name', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'resp.tsr'), stamped.response);
    const r = await openssl(dir, ['ts', '-reply', '-in', 'resp.tsr', '-text']);
    assert.ok(r.ok, r.output);
    assert.match(r.output, new RegExp(`Policy OID: ${LOCAL_TSA_POLICY_OID.replace(/\./g, '\\.')}`));
    assert.match(r.output, /Nonce: 0x[0-9A-F]+/);
    assert.match(r.output, /TSA: DirName:\/O=Certify\/CN=Certify local TSA \(not a trusted third party\)/);
  });
});

describe('tampering', () => {
  const response = (): Buffer => stamped.response;
  const genTimeText = (): string =>
    stamped.genTime
      .replace(/[-:T]/g, '')
      .replace(/\.?0*Z$/, '')
      .slice(0, 14);
  const cases: { name: string; offset: () => number; problem: string }[] = [
    {
      name: 'the imprint',
      offset: () => response().indexOf(DIGEST) + 5,
      problem: 'message imprint does not match',
    },
    {
      name: 'the TSTInfo (genTime)',
      offset: () => response().indexOf(Buffer.from(genTimeText(), 'ascii')) + 13,
      problem: 'messageDigest attribute does not match the TSTInfo',
    },
    {
      name: 'the signature',
      offset: () => response().length - 3,
      problem: 'signature does not verify',
    },
    {
      name: 'the ESS certificate hash',
      offset: () => response().indexOf(sha256(new X509Certificate(tsa.tsaCertPem).raw)) + 7,
      problem: 'ESS signing-certificate attribute does not match the signer',
    },
  ];
  for (const c of cases) {
    it(`flipping a byte of ${c.name} fails verification, here and in openssl`, async () => {
      const tampered = flipped(response(), c.offset());
      const v = await verifyTimestampToken(tampered, DIGEST);
      assert.equal(v.ok, false);
      assert.ok(v.problems.includes(c.problem), `"${c.problem}" in ${JSON.stringify(v.problems)}`);
      const r = await opensslVerify(tsa, tampered, 'digest');
      assert.equal(r.ok, false, r.output);
      assert.match(r.output, /Verification: FAILED/);
    });
  }

  it('another digest fails on the imprint only', async () => {
    const v = await verifyTimestampToken(stamped.response, sha256('other data'));
    assert.equal(v.ok, false);
    assert.deepEqual(v.problems, ['message imprint does not match']);
  });

  it('garbage is reported, not thrown', async () => {
    const v = await verifyTimestampToken(Buffer.from('hello'), DIGEST);
    assert.equal(v.ok, false);
    assert.match(v.problems[0] ?? '', /^token cannot be read/);
  });
});

describe('chain verification', () => {
  it('is trusted for the TSA root and not for another root', async () => {
    const trusted = await verifyTimestampToken(stamped.response, DIGEST, { trustedRootsPem: tsa.caCertPem });
    assert.equal(trusted.chainTrusted, true);
    assert.equal(trusted.ok, true, trusted.problems.join('; '));

    const stranger = await createLocalTsa(await freshDir(), NOW);
    const untrusted = await verifyTimestampToken(stamped.response, DIGEST, {
      trustedRootsPem: stranger.caCertPem,
    });
    assert.equal(untrusted.chainTrusted, false);
    assert.equal(untrusted.ok, false);
    assert.deepEqual(untrusted.problems, [
      'signing certificate does not chain to a trusted root valid at the genTime',
    ]);
  });

  it('finds the signer among extra certificates when the token carries none', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'data.bin'), DATA);
    // No -cert: the TSA must leave its certificate out (RFC 3161 certReq false).
    await openssl(dir, ['ts', '-query', '-data', 'data.bin', '-sha256', '-out', 'q.tsq']);
    const response = await tsa.respond(await readFile(join(dir, 'q.tsq')), NOW);
    const bare = await verifyTimestampToken(response, DIGEST);
    assert.deepEqual(bare.problems, [
      'signing certificate is not in the token nor in the extra certificates',
    ]);
    const v = await verifyTimestampToken(response, DIGEST, {
      extraCertsPem: tsa.tsaCertPem,
      trustedRootsPem: tsa.caCertPem,
    });
    assert.equal(v.ok, true, v.problems.join('; '));
  });
});

describe('tokens from a third-party TSA (made by openssl ts -reply)', () => {
  /** A CA and a TSA certificate made by openssl, and a reply to an openssl query for DATA. */
  async function thirdParty(
    keyAlg: string[],
    essAlg: 'sha1' | 'sha256',
  ): Promise<{ tsr: Buffer; ca: string }> {
    const dir = await freshDir();
    const step = async (args: string[]): Promise<void> => {
      const r = await openssl(dir, args);
      assert.ok(r.ok, `openssl ${args.join(' ')}: ${r.output}`);
    };
    await writeFile(join(dir, 'data.bin'), DATA);
    await writeFile(
      join(dir, 'ext.cnf'),
      'extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature,nonRepudiation\n',
    );
    await writeFile(join(dir, 'serial'), '01\n');
    await writeFile(
      join(dir, 'tsa.cnf'),
      [
        '[ tsa ]',
        'default_tsa = tsa1',
        '[ tsa1 ]',
        `serial = ${join(dir, 'serial')}`,
        `signer_cert = ${join(dir, 'tsa.pem')}`,
        `certs = ${join(dir, 'ca.pem')}`,
        `signer_key = ${join(dir, 'tsa.key')}`,
        'signer_digest = sha256',
        'default_policy = 2.16.840.1.114412.7.1',
        'digests = sha256, sha384',
        'accuracy = secs:1',
        'ordering = yes',
        'tsa_name = yes',
        `ess_cert_id_alg = ${essAlg}`,
        '',
      ].join('\n'),
    );
    await step(
      ['req', '-x509', '-newkey', ...keyAlg, '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem']
        .concat(['-subj', '/CN=Test Third-Party Root', '-days', '30'])
        .concat(['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']),
    );
    await step([
      'req',
      '-newkey',
      ...keyAlg,
      '-nodes',
      '-keyout',
      'tsa.key',
      '-out',
      'tsa.csr',
      '-subj',
      '/CN=Test TSA',
    ]);
    await step(
      ['x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '7'].concat([
        '-out',
        'tsa.pem',
        '-days',
        '30',
        '-extfile',
        'ext.cnf',
      ]),
    );
    await step(['ts', '-query', '-data', 'data.bin', '-sha256', '-cert', '-out', 'q.tsq']);
    await step(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'q.tsq', '-out', 'r.tsr']);
    return { tsr: await readFile(join(dir, 'r.tsr')), ca: await readFile(join(dir, 'ca.pem'), 'utf8') };
  }

  it('verifies an RSA signer with a v1 (SHA-1) ESS signing-certificate', async () => {
    const { tsr, ca } = await thirdParty(['rsa:2048'], 'sha1');
    const v = await verifyTimestampToken(tsr, DIGEST, { trustedRootsPem: ca });
    assert.equal(v.ok, true, v.problems.join('; '));
    assert.equal(v.local, false);
    assert.equal(v.tsaName, 'CN=Test TSA');
    assert.equal(v.chainTrusted, true);
  });

  it('verifies an ECDSA signer with a v2 ESS signing-certificate', async () => {
    const { tsr, ca } = await thirdParty(['ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], 'sha256');
    const v = await verifyTimestampToken(tsr, DIGEST, { trustedRootsPem: ca });
    assert.equal(v.ok, true, v.problems.join('; '));
    assert.equal(v.chainTrusted, true);
  });
});

describe('remote TSA client', () => {
  it('gets a token from an RFC 3161 server that verifies like a local one', async () => {
    const server = await startFakeTsa(tsa);
    try {
      const result = await createRemoteTsa(server.url).timestamp(DIGEST, 0);
      assert.equal(server.requests, 1);
      assert.deepEqual(result.authority, {
        kind: 'remote',
        url: server.url,
        name: 'Certify local TSA (not a trusted third party)',
        trustedThirdParty: true,
      });
      // The fake TSA sends only its own certificate; the root is for the verifier to supply.
      assert.equal(result.certificatesPem, tsa.tsaCertPem);
      const v = await verifyTimestampToken(result.response, DIGEST, { trustedRootsPem: tsa.caCertPem });
      assert.equal(v.ok, true, v.problems.join('; '));
      assert.equal(v.genTime, result.genTime);
      assert.equal((await opensslVerify(tsa, result.response, 'data')).ok, true);
    } finally {
      await server.close();
    }
  });

  it('reports a rejection with its status and reason', async () => {
    const server = await startFakeTsa(tsa, { status: 'rejection' });
    try {
      await rejects(
        createRemoteTsa(server.url).timestamp(DIGEST, 0),
        `TSA ${server.url}: refused the request`,
        'status rejection; failure unacceptedPolicy; "policy says no"',
      );
    } finally {
      await server.close();
    }
  });

  it('refuses a token for another hash', async () => {
    const server = await startFakeTsa(tsa, { wrongImprint: true });
    try {
      await rejects(createRemoteTsa(server.url).timestamp(DIGEST, 0), server.url, 'stamps another hash');
    } finally {
      await server.close();
    }
  });

  it('gives up after the timeout', async () => {
    const server = await startFakeTsa(tsa, { delayMs: 5_000 });
    try {
      const started = Date.now();
      await rejects(
        createRemoteTsa(server.url, { timeoutMs: 200 }).timestamp(DIGEST, 0),
        server.url,
        'no answer within 200 ms',
      );
      assert.ok(Date.now() - started < 2_000);
    } finally {
      await server.close();
    }
  });

  it('names an unreachable URL and the cause', async () => {
    const server = await startFakeTsa(tsa);
    await server.close();
    await rejects(
      createRemoteTsa(server.url).timestamp(DIGEST, 0),
      `TSA ${server.url}: cannot be reached`,
      'ECONNREFUSED',
    );
  });

  it('names an HTTP error', async () => {
    const fakeFetch = (async () =>
      new Response('down', { status: 503, statusText: 'Service Unavailable' })) as typeof fetch;
    await rejects(
      createRemoteTsa('https://tsa.example.test/', { fetch: fakeFetch }).timestamp(DIGEST, 0),
      'TSA https://tsa.example.test/: answered HTTP 503 Service Unavailable',
    );
  });

  it('refuses a replayed answer (nonce mismatch)', async () => {
    const replay = stamped.response;
    const fakeFetch = (async () => new Response(new Uint8Array(replay))) as typeof fetch;
    await rejects(
      createRemoteTsa('https://tsa.example.test/', { fetch: fakeFetch }).timestamp(DIGEST, 0),
      'does not echo the request nonce',
    );
  });
});
