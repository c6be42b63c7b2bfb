import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { isCertifyError, type CertifyError } from '../../../base/errors.js';
import {
  ENTRA_POSTGRES_SCOPE,
  openPool,
  pgPoolConfig,
  redactUrl,
  type PgPoolOptions,
} from '../../../store/pg/pool.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const dir = mkdtempSync(join(tmpdir(), 'certify-pg-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function certifyError(check: (e: CertifyError) => void): (e: unknown) => boolean {
  return (e) => {
    assert.ok(isCertifyError(e), `expected a CertifyError, got ${String(e)}`);
    check(e);
    return true;
  };
}

const entra = (token: (scope: string) => Promise<string>): PgPoolOptions => ({
  auth: { kind: 'entra', token },
});

describe('redactUrl', () => {
  it('hides the password wherever it is, and nothing else', () => {
    assert.equal(
      redactUrl('postgres://certify:s3cret@db.example.com:5432/certify'),
      'postgres://certify:***@db.example.com:5432/certify',
    );
    assert.equal(
      redactUrl('postgres://db.example.com/certify?password=s3cret&sslmode=require'),
      'postgres://db.example.com/certify?password=***&sslmode=require',
    );
    assert.equal(
      redactUrl('postgres://certify@db.example.com/certify'),
      'postgres://certify@db.example.com/certify',
    );
    // Unparsable (an unencoded @ and / in the password): still cut by pattern.
    const bad = redactUrl('postgres://certify:p@ss/w0rd@db.example.com:5432/certify');
    assert.ok(!bad.includes('p@ss') && !bad.includes('w0rd'), bad);
  });
});

describe('the pool configuration', () => {
  it('reads host, port, database, user, password, timeout and name from the URL', async () => {
    const { config, target } = await pgPoolConfig(
      'postgresql://app%40corp:p%40ss@[::1]:6543/cert%2Dify?connect_timeout=3&application_name=certify-eu',
    );
    assert.equal(config.host, '::1');
    assert.equal(config.port, 6543);
    assert.equal(config.database, 'cert-ify');
    assert.equal(config.user, 'app@corp');
    assert.equal(config.password, 'p@ss');
    assert.equal(config.connectionTimeoutMillis, 3000);
    assert.equal(config.application_name, 'certify-eu');
    assert.equal(config.ssl, false);
    assert.equal(
      target.redacted,
      'postgresql://app%40corp:***@[::1]:6543/cert%2Dify?connect_timeout=3&application_name=certify-eu',
    );
  });

  it('turns TLS on for sslmode=require and verify-full, verifying the certificate and host name', async () => {
    for (const mode of ['require', 'verify-full']) {
      const { config } = await pgPoolConfig(`postgres://u@db.example.com/certify?sslmode=${mode}`);
      assert.deepEqual(config.ssl, { rejectUnauthorized: true });
    }
    const pem = join(dir, 'root.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const full = await pgPoolConfig(
      `postgres://u@db.example.com/certify?sslmode=verify-full&sslrootcert=${pem}`,
    );
    assert.deepEqual(full.config.ssl, {
      rejectUnauthorized: true,
      ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    });
    const ca = await pgPoolConfig(`postgres://u@db.example.com/certify?sslmode=verify-ca&sslrootcert=${pem}`);
    const ssl = ca.config.ssl as { checkServerIdentity?: () => unknown; ca?: string };
    assert.equal(ssl.ca?.startsWith('-----BEGIN'), true);
    assert.equal(ssl.checkServerIdentity?.(), undefined, 'verify-ca skips the host name only');
  });

  it('names every problem with a URL, never its password', async () => {
    const cases: [string, RegExp][] = [
      ['mysql://u:hunter2@h/db', /scheme is "mysql"/],
      ['postgres://u:hunter2@h', /names no database/],
      ['postgres://u:hunter2@h/db?sslmode=prefer', /sslmode=prefer is not supported/],
      ['postgres://u:hunter2@h/db?sslmode=on', /sslmode=on is not one of/],
      ['postgres://u:hunter2@h/db?sslmode=verify-ca', /verify-ca needs sslrootcert/],
      ['postgres://u:hunter2@h/db?sslrootcert=/x.pem', /TLS is off/],
      ['postgres://u:hunter2@h/db?connect_timeout=soon', /connect_timeout=soon/],
      ['postgres://u@h/db?password=hunter2', /not in \?password=/],
      ['postgres://u:hunter2@h/db?target_session_attrs=any', /"target_session_attrs" is not supported/],
      [
        'postgres://u:hunter2@h/db?sslmode=verify-full&sslrootcert=/no/such/root.pem',
        /sslrootcert \/no\/such\/root.pem cannot be read/,
      ],
      ['not a url hunter2', /does not parse as a URL/],
    ];
    for (const [url, problem] of cases) {
      await assert.rejects(
        pgPoolConfig(url),
        certifyError((e) => {
          assert.equal(e.code, 'BAD_USAGE', url);
          assert.match(e.message, /CERTIFY_DATABASE_URL is not a usable PostgreSQL URL/);
          assert.ok(
            e.problems.some((p) => problem.test(p)),
            `${url}: ${e.problems.join('; ')}`,
          );
          assert.ok(
            !JSON.stringify([e.message, e.problems, e.hint]).includes('hunter2'),
            `${url} leaked its password`,
          );
        }),
      );
    }
  });
});

describe('Microsoft Entra ID authentication', () => {
  const azure = 'postgres://certify-mi@srv.postgres.database.azure.com/certify?sslmode=require';

  it('asks the token port for a fresh token for every connection, with the PostgreSQL scope', async () => {
    const scopes: string[] = [];
    let n = 0;
    const { config, target } = await pgPoolConfig(
      azure,
      entra(async (scope) => {
        scopes.push(scope);
        return `token-${++n}`;
      }),
    );
    assert.equal(target.auth, 'entra');
    assert.equal(typeof config.password, 'function');
    const password = config.password as () => Promise<string>;
    assert.equal(await password(), 'token-1');
    assert.equal(await password(), 'token-2');
    assert.deepEqual(scopes, [ENTRA_POSTGRES_SCOPE, ENTRA_POSTGRES_SCOPE]);
    assert.equal(ENTRA_POSTGRES_SCOPE, 'https://ossrdbms-aad.database.windows.net/.default');
  });

  it('says when no token could be had, without showing one', async () => {
    const { config } = await pgPoolConfig(
      azure,
      entra(() => Promise.reject(new Error('ManagedIdentityCredential: no identity'))),
    );
    await assert.rejects(
      (config.password as () => Promise<string>)(),
      certifyError((e) => {
        assert.equal(e.code, 'STORE_IO');
        assert.match(
          e.message,
          /srv\.postgres\.database\.azure\.com:5432\/certify as certify-mi: no Microsoft Entra ID token/,
        );
        assert.match(e.message, /no identity/);
      }),
    );
    const empty = await pgPoolConfig(
      azure,
      entra(async () => ''),
    );
    await assert.rejects((empty.config.password as () => Promise<string>)(), /returned no token/);
  });

  it('is refused without TLS, with a password in the URL, or without a user', async () => {
    const token = entra(async () => 'eyJ.token');
    for (const [url, problem] of [
      ['postgres://certify-mi@srv.example.com/certify', /bearer token: add sslmode=require/],
      ['postgres://certify-mi:hunter2@srv.example.com/certify?sslmode=require', /remove it from the URL/],
      ['postgres://srv.example.com/certify?sslmode=require', /Entra principal/],
    ] as const) {
      await assert.rejects(
        pgPoolConfig(url, token),
        certifyError((e) =>
          assert.ok(
            e.problems.some((p) => problem.test(p)),
            e.problems.join('; '),
          ),
        ),
      );
    }
  });
});

describe('opening a pool', () => {
  it('connects and answers', async () => {
    const pool = await openPool(db.url, { max: 2 });
    try {
      const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
      assert.deepEqual(rows, [{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('names the server and the fix when nothing listens there', async () => {
    await assert.rejects(
      openPool('postgres://postgres:hunter2@127.0.0.1:1/certify?connect_timeout=5'),
      certifyError((e) => {
        assert.equal(e.code, 'STORE_IO');
        assert.equal(
          e.message,
          'cannot connect to PostgreSQL at 127.0.0.1:1/certify as postgres: nothing accepts connections on 127.0.0.1 port 1',
        );
        assert.match(
          e.hint ?? '',
          /check the host and port in CERTIFY_DATABASE_URL and that PostgreSQL is running/,
        );
        assert.ok(!JSON.stringify(e).includes('hunter2'));
      }),
    );
  });

  it('says when the host name does not resolve', async () => {
    await assert.rejects(
      openPool('postgres://postgres@certify-no-such-host.invalid:5432/certify?connect_timeout=5'),
      certifyError((e) =>
        assert.match(e.message, /certify-no-such-host\.invalid (does not resolve|port 5432)/),
      ),
    );
  });

  it('says when the database does not exist', async () => {
    const missing = new URL(db.url);
    missing.pathname = '/certify_no_such_database';
    await assert.rejects(
      openPool(missing.toString()),
      certifyError((e) => {
        assert.match(e.message, /the database certify_no_such_database does not exist/);
        assert.match(e.hint ?? '', /CREATE DATABASE "certify_no_such_database"/);
      }),
    );
  });

  it('says when TLS is asked of a server without it', async () => {
    const tls = new URL(db.url);
    tls.searchParams.set('sslmode', 'require');
    await assert.rejects(
      openPool(tls.toString()),
      certifyError((e) => assert.match(e.message, /does not accept TLS connections/)),
    );
  });
});

describe('an idle connection the server drops', () => {
  it('is reported to onError, not a crash, and the pool goes on', async () => {
    const seen: string[] = [];
    const pool = await openPool(db.url, { max: 1, onError: (message) => seen.push(message) });
    try {
      const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(seen.length, 1);
      assert.match(
        seen[0]!,
        /^PostgreSQL: an idle connection to 127\.0\.0\.1:5432\/certify_t_\w+ as postgres failed and was dropped: terminating connection/,
      );
      const again = await pool.query<{ one: number }>('SELECT 1 AS one');
      assert.deepEqual(again.rows, [{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});

describe('the test databases', () => {
  it('fail, saying to start PostgreSQL, when there is none', async () => {
    const saved = process.env.CERTIFY_TEST_DATABASE_URL;
    process.env.CERTIFY_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/postgres';
    try {
      await assert.rejects(
        createTestDatabase(),
        /none answered at postgres:\/\/postgres@127\.0\.0\.1:1\/postgres .*Start PostgreSQL/,
      );
    } finally {
      if (saved === undefined) delete process.env.CERTIFY_TEST_DATABASE_URL;
      else process.env.CERTIFY_TEST_DATABASE_URL = saved;
    }
  });
});
