import assert from 'node:assert/strict';
import { describe, it } from 'vitest';

import type { ResourceSetting } from '../../scanner/inventory/types.js';
import { buildSecretLookup } from '../../scanner/rules/secret-lookup.js';
import {
  CREDENTIAL_PATTERN_NAMES,
  MAX_MALFORMED_ID_CHARS,
  MAX_SCANNED_CHARS,
  REDACTED_REFERENCE_ID,
  classifyAppSettings,
  credentialPattern,
  parseKeyVaultReference,
} from '../../scanner/sources/azure/app-settings.js';

// Every credential-looking value below is FAKE and assembled at run time, so that no literal in
// the repository looks like a real token (the pre-stop hook and secret scanners flag those).

const SUFFIX = 'vault.azure.net';
const OPTS = { vaultDnsSuffix: SUFFIX };
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;
const DIGITS = '0123456789';

let seed = 0x2f6b1d3;
/** Deterministic pseudo-random text of `length` characters from `alphabet`. */
function fake(length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    out += alphabet[(seed >>> 8) % alphabet.length];
  }
  return out;
}

function b64url(json: object): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

/** Every 8-character window of `secret`: none of them may appear in anything returned. */
function windows(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) out.push(secret.slice(i, i + 8));
  return out;
}

function assertNoLeak(output: unknown, secret: string, label: string): void {
  const json = JSON.stringify(output) ?? '';
  for (const w of windows(secret)) {
    assert.ok(!json.includes(w), `${label}: output contains part of the secret (${JSON.stringify(w)})`);
  }
}

const ACCOUNT_KEY = 'Account' + 'Key=';
const PEM = (label: string, body: string): string =>
  `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

interface Positive {
  label: string;
  pattern: string;
  value: string;
  /** The part of `value` that is secret. */
  secret: string;
}

function positives(): Positive[] {
  const rows: Positive[] = [];
  const add = (label: string, pattern: string, secret: string, value: (s: string) => string): void => {
    rows.push({ label, pattern, value: value(secret), secret });
  };

  // private key
  for (const kind of ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY']) {
    add(`PEM ${kind}`, 'private key', fake(256, B64), (s) => PEM(kind, s));
  }
  add('PEM ENCRYPTED PRIVATE KEY', 'private key', fake(128, B64), (s) => PEM('ENCRYPTED PRIVATE KEY', s));
  add('PGP private key block', 'private key', fake(128, B64), (s) => PEM('PGP PRIVATE KEY BLOCK', s));

  // Azure Storage
  add(
    'storage connection string',
    'AccountKey=',
    fake(86, B64) + '==',
    (s) =>
      `DefaultEndpointsProtocol=https;AccountName=fakeacct;${ACCOUNT_KEY}${s};EndpointSuffix=core.windows.net`,
  );
  add('lower-case, spaced account key', 'AccountKey=', fake(86, B64) + '==', (s) => `accountkey = ${s}`);

  // Service Bus / Event Hubs
  add(
    'Service Bus connection string',
    'SharedAccessKey=',
    fake(43, B64) + '=',
    (s) =>
      `Endpoint=sb://fake-ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${s}`,
  );
  add(
    'Event Hubs connection string with entity',
    'SharedAccessKey=',
    fake(43, B64) + '=',
    (s) =>
      `Endpoint=sb://fake-eh.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${s};EntityPath=events`,
  );

  // SAS
  const sasQuery = (sig: string): string =>
    `sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2030-01-01T00%3A00%3A00Z&spr=https&sig=${sig}`;
  add(
    'storage connection string with a SAS',
    'SharedAccessSignature=',
    fake(40) + '%3D',
    (s) => `BlobEndpoint=https://fakeacct.blob.core.windows.net/;SharedAccessSignature=${sasQuery(s)}`,
  );
  add(
    'SAS URL',
    'SharedAccessSignature=',
    fake(30) + '%2B' + fake(10) + '%3D',
    (s) => `https://fakeacct.blob.core.windows.net/drop/report.csv?${sasQuery(s)}`,
  );
  add('SAS token on its own', 'SharedAccessSignature=', fake(44, B64), (s) => `?${sasQuery(s)}`);

  // Passwords in connection strings
  add(
    'SQL connection string, User ID=…;Password=',
    'Password=',
    fake(20),
    (s) =>
      `Server=tcp:fake-sql.database.windows.net,1433;Initial Catalog=orders;User ID=app;Password=${s};Encrypt=True;`,
  );
  add(
    'lower-case user id / password',
    'Password=',
    fake(20),
    (s) => `server=fake-sql;database=orders;user id=sa;password=${s}`,
  );
  add('Pwd=', 'Password=', fake(20), (s) => `Driver={ODBC Driver 18};Server=fake;Uid=app;Pwd=${s};`);
  add('quoted password', 'Password=', fake(20), (s) => `Host=fake-pg;Username=app;Password = '${s}'`);

  // URLs with credentials
  add(
    'postgres URL',
    'URL with credentials',
    fake(24),
    (s) => `postgres://app:${s}@fake-db.example.com:5432/orders`,
  );
  add(
    'redis URL with empty user',
    'URL with credentials',
    fake(24),
    (s) => `rediss://:${s}@fake-cache.example.com:6380/0`,
  );
  add(
    'https URL',
    'URL with credentials',
    fake(24),
    (s) => `https://deploy:${s}@fake-app.scm.example.net/fake.git`,
  );

  // Well-known token formats
  for (const prefix of ['p', 'o', 's', 'u', 'r']) {
    add(`GitHub gh${prefix}_`, 'GitHub token', fake(36), (s) => 'gh' + prefix + '_' + s);
  }
  add('GitHub fine-grained PAT', 'GitHub token', fake(22) + '_' + fake(59), (s) => 'github' + '_pat_' + s);
  for (const kind of ['b', 'p', 'a']) {
    add(
      `Slack xox${kind}-`,
      'Slack token',
      fake(10, DIGITS) + '-' + fake(13, DIGITS) + '-' + fake(24),
      (s) => 'xox' + kind + '-' + s,
    );
  }
  add(
    'Slack app-level token',
    'Slack token',
    'A0' + fake(9, UPPER_ALNUM) + '-' + fake(64, DIGITS),
    (s) => 'xa' + 'pp-1-' + s,
  );
  add('Stripe sk_live_', 'Stripe secret key', fake(24), (s) => 'sk' + '_live_' + s);
  add('Stripe sk_test_', 'Stripe secret key', fake(24), (s) => 'sk' + '_test_' + s);
  add('Stripe rk_live_', 'Stripe secret key', fake(24), (s) => 'rk' + '_live_' + s);
  add('AWS AKIA access key id', 'AWS access key id', fake(16, UPPER_ALNUM), (s) => 'AK' + 'IA' + s);
  add(
    'AWS ASIA access key id, in text',
    'AWS access key id',
    fake(16, UPPER_ALNUM),
    (s) => `id=${'AS' + 'IA' + s};`,
  );
  add(
    'AWS secret key assignment',
    'AWS secret access key',
    fake(40, B64),
    (s) => `aws_secret_access_key = ${s}`,
  );
  add(
    'AWS secret key, env style',
    'AWS secret access key',
    fake(40, B64),
    (s) => `AWS_SECRET_ACCESS_KEY=${s}`,
  );
  add(
    'AWS secret key, JSON style',
    'AWS secret access key',
    fake(40, B64),
    (s) => `{"aws_secret_access_key": "${s}"}`,
  );
  add('Google API key', 'Google API key', fake(35, B64URL), (s) => 'AI' + 'za' + s);
  add(
    'SendGrid API key',
    'SendGrid API key',
    fake(22, B64URL) + '.' + fake(43, B64URL),
    (s) => 'SG' + '.' + s,
  );
  const jwt = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: fake(12), aud: 'api://fake' })}.${fake(43, B64URL)}`;
  add('JWT', 'JSON Web Token', jwt, (s) => s);
  add('JWT after Bearer', 'JSON Web Token', jwt, (s) => `Bearer ${s}`);
  return rows;
}

const POSITIVES = positives();

const NEGATIVES: [label: string, value: string][] = [
  ['plain URL', 'https://fake-app.azurewebsites.net/api/health?probe=1'],
  ['URL with a port', 'https://fake.example.com:8443/path'],
  ['URL with a user but no password', 'https://deploy@fake.example.com/repo.git'],
  ['a secret URL (not a reference)', 'https://myvault.vault.azure.net/secrets/mysecret'],
  ['an integer', '42'],
  ['a decimal', '3.14'],
  ['true', 'true'],
  ['false', 'false'],
  ['a version range', '~20'],
  ['a GUID', '0f8fad5b-d9cb-469f-a165-70867728950e'],
  ['Password as a word in a sentence', 'Please rotate the Password before Friday'],
  ['Password followed by a colon in prose', 'Password: see the runbook'],
  [
    'storage connection string without a key',
    'DefaultEndpointsProtocol=https;AccountName=fakeacct;EndpointSuffix=core.windows.net',
  ],
  [
    'storage connection string with an empty key',
    `DefaultEndpointsProtocol=https;AccountName=fakeacct;${ACCOUNT_KEY};`,
  ],
  ['development storage', 'UseDevelopmentStorage=true'],
  [
    'Service Bus connection string without a key',
    'Endpoint=sb://fake-ns.servicebus.windows.net/;SharedAccessKeyName=Root',
  ],
  [
    'SQL with managed identity',
    'Server=tcp:fake.database.windows.net,1433;Database=orders;Authentication=Active Directory Default;',
  ],
  ['SQL with an empty password', 'Server=fake;Database=orders;User ID=app;Password=;'],
  ['SQL with a placeholder password', 'Server=fake;User ID=app;Password=<your-password>'],
  ['SQL with a masked password', 'Server=fake;User ID=app;Password=********'],
  ['integrated security', 'Data Source=fake;Initial Catalog=orders;Integrated Security=True'],
  [
    'Application Insights connection string',
    'InstrumentationKey=0f8fad5b-d9cb-469f-a165-70867728950e;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
  ],
  ['Stripe publishable key', 'pk' + '_live_' + fake(24)],
  ['too short for a GitHub token', 'gh' + 'p_' + fake(10)],
  ['a Slack prefix in prose', 'bot tokens start with ' + 'xox' + 'b-'],
  ['lower-case AKIA lookalike', 'AK' + 'IA' + fake(16, 'abcdefghijklmnopqrstuvwxyz')],
  ['AKIA inside a longer word', 'X' + 'AK' + 'IA' + fake(16, UPPER_ALNUM) + 'Y'],
  ['a short eyJ string', 'eyJ' + 'notajwt'],
  ['a public certificate', PEM('CERTIFICATE', fake(128, B64))],
  ['log level', 'Information'],
  ['locale', 'en-US'],
  ['path', '/home/site/wwwroot'],
  ['e-mail address', 'ops@example.com'],
  ['base64 without a known prefix', Buffer.from('hello world').toString('base64')],
  ['white space', '   '],
];

const plain = (name: string, pattern: string | null = null): ResourceSetting => ({
  name,
  kind: 'plain',
  looksLikeCredential: pattern !== null,
  pattern,
});
const reference = (name: string, secretId: string): ResourceSetting => ({
  name,
  kind: 'keyVaultReference',
  secretId,
});

const ID = 'https://myvault.vault.azure.net/secrets/mysecret';
const VERSION = 'ec96f02080254f109c51a1f14cdb1931';

describe('parseKeyVaultReference', () => {
  const cases: [label: string, value: string, expected: string][] = [
    ['SecretUri with a trailing slash', `@Microsoft.KeyVault(SecretUri=${ID}/)`, ID],
    ['SecretUri with a version', `@Microsoft.KeyVault(SecretUri=${ID}/${VERSION})`, ID],
    ['SecretUri with a version and a trailing slash', `@Microsoft.KeyVault(SecretUri=${ID}/${VERSION}/)`, ID],
    ['SecretUri without a trailing slash', `@Microsoft.KeyVault(SecretUri=${ID})`, ID],
    ['lower-case keywords', `@microsoft.keyvault(secreturi=${ID}/)`, ID],
    ['white space everywhere', `  @Microsoft.KeyVault ( SecretUri = ${ID}/ ; )  \n`, ID],
    [
      'host lowercased, name kept as written',
      '@Microsoft.KeyVault(SecretUri=HTTPS://MyVault.Vault.Azure.NET/secrets/DbPassword/)',
      'https://myvault.vault.azure.net/secrets/DbPassword',
    ],
    [
      'another cloud: the host is kept, not rebuilt from the suffix',
      '@Microsoft.KeyVault(SecretUri=https://my-vault.vault.usgovcloudapi.net/secrets/DbPassword/abc123def456)',
      'https://my-vault.vault.usgovcloudapi.net/secrets/DbPassword',
    ],
    [
      'SecretUri with a port',
      '@Microsoft.KeyVault(SecretUri=https://myvault.vault.azure.net:443/secrets/mysecret)',
      'https://myvault.vault.azure.net:443/secrets/mysecret',
    ],
    ['VaultName form', '@Microsoft.KeyVault(VaultName=myvault;SecretName=mysecret)', ID],
    [
      'VaultName form with a version',
      `@Microsoft.KeyVault(VaultName=myvault;SecretName=mysecret;SecretVersion=${VERSION})`,
      ID,
    ],
    [
      'parameters in another order',
      `@Microsoft.KeyVault(SecretVersion=${VERSION};SecretName=mysecret;VaultName=myvault)`,
      ID,
    ],
    [
      'VaultName form, lower-case keywords and spaces',
      '@Microsoft.KeyVault( vaultname = MyVault ; secretname = mysecret ; )',
      ID,
    ],
    // Values from shared/fixtures/wire/arm-appservice-appsettings.json
    [
      'fixture secretUri_latest',
      '@Microsoft.KeyVault(SecretUri=https://my-vault.vault.azure.net/secrets/DbPassword/)',
      'https://my-vault.vault.azure.net/secrets/DbPassword',
    ],
    [
      'fixture secretUri_versioned',
      '@Microsoft.KeyVault(SecretUri=https://my-vault.vault.azure.net/secrets/DbPassword/abc123def456)',
      'https://my-vault.vault.azure.net/secrets/DbPassword',
    ],
    [
      'fixture vaultName_form',
      '@Microsoft.KeyVault(VaultName=my-vault;SecretName=DbPassword)',
      'https://my-vault.vault.azure.net/secrets/DbPassword',
    ],
    [
      'fixture vaultName_form_versioned',
      '@Microsoft.KeyVault(VaultName=my-vault;SecretName=DbPassword;SecretVersion=abc123def456)',
      'https://my-vault.vault.azure.net/secrets/DbPassword',
    ],
  ];
  for (const [label, value, expected] of cases) {
    it(`reads ${label}`, () => {
      assert.equal(parseKeyVaultReference(value, SUFFIX), expected);
    });
  }

  it('builds the VaultName form with the configured DNS suffix', () => {
    const value = '@Microsoft.KeyVault(VaultName=myvault;SecretName=mysecret)';
    assert.equal(
      parseKeyVaultReference(value, 'vault.azure.cn'),
      'https://myvault.vault.azure.cn/secrets/mysecret',
    );
    assert.equal(
      parseKeyVaultReference(value, ' .Vault.Azure.CN/ '),
      'https://myvault.vault.azure.cn/secrets/mysecret',
    );
  });

  // The last field: whether the best-effort id still names a secret (only when the text around a
  // well-formed URI is what is broken), so that VM001 cannot flag it.
  const malformed: [label: string, value: string, expected: string, resolves?: true][] = [
    [
      'SecretUri that is not a URL: the raw text after SecretUri=',
      '@Microsoft.KeyVault(SecretUri=not-a-url)',
      'not-a-url',
    ],
    [
      'SecretUri of a key',
      '@Microsoft.KeyVault(SecretUri=https://myvault.vault.azure.net/keys/mykey)',
      'https://myvault.vault.azure.net/keys/mykey',
    ],
    [
      'SecretUri without a secret name',
      '@Microsoft.KeyVault(SecretUri=https://myvault.vault.azure.net/secrets/)',
      'https://myvault.vault.azure.net/secrets/',
    ],
    [
      'empty SecretUri: the whole value',
      '@Microsoft.KeyVault(SecretUri=)',
      '@Microsoft.KeyVault(SecretUri=)',
    ],
    ['no SecretName', '@Microsoft.KeyVault(VaultName=myvault)', '@Microsoft.KeyVault(VaultName=myvault)'],
    ['no VaultName', '@Microsoft.KeyVault(SecretName=mysecret)', '@Microsoft.KeyVault(SecretName=mysecret)'],
    [
      'a vault host instead of a name',
      `@Microsoft.KeyVault(VaultName=myvault.${SUFFIX};SecretName=x)`,
      `@Microsoft.KeyVault(VaultName=myvault.${SUFFIX};SecretName=x)`,
    ],
    ['no parameters', '@Microsoft.KeyVault()', '@Microsoft.KeyVault()'],
    [
      'no closing parenthesis',
      `  @Microsoft.KeyVault(SecretUri=${ID}/`,
      `@Microsoft.KeyVault(SecretUri=${ID}/`,
      true,
    ],
    [
      'text after the closing parenthesis',
      `@Microsoft.KeyVault(SecretUri=${ID}) tail`,
      `@Microsoft.KeyVault(SecretUri=${ID}) tail`,
    ],
  ];
  for (const [label, value, expected] of malformed) {
    it(`keeps a best-effort id for a malformed reference: ${label}`, () => {
      assert.equal(parseKeyVaultReference(value, SUFFIX), expected);
    });
  }

  it('gives well-formed references ids VM001 resolves, malformed ones ids it cannot (but see resolves)', () => {
    const lookup = buildSecretLookup([
      { vault: 'myvault', name: 'mysecret' },
      { vault: 'my-vault', name: 'DbPassword' },
      { vault: 'myvault', name: 'dbpassword' },
    ]);
    for (const [label, value] of cases) {
      const id = parseKeyVaultReference(value, SUFFIX);
      assert.ok(id !== null && lookup.find(id) >= 0, `${label} should resolve`);
    }
    for (const [label, value, , resolves] of malformed) {
      const id = parseKeyVaultReference(value, SUFFIX);
      assert.ok(id !== null && lookup.find(id) >= 0 === (resolves ?? false), label);
    }
  });

  it('redacts a malformed reference whose text looks like a credential', () => {
    const password = fake(24);
    const value = `@Microsoft.KeyVault(SecretUri=https://admin:${password}@myvault.vault.azure.net/secrets/x)`;
    const id = parseKeyVaultReference(value, SUFFIX);
    assert.equal(id, REDACTED_REFERENCE_ID);
    const result = classifyAppSettings({ BROKEN: value }, OPTS);
    assert.deepEqual(result.settings, [reference('BROKEN', REDACTED_REFERENCE_ID)]);
    assertNoLeak(result, password, 'redacted reference');
  });

  it('caps the id of a long malformed reference', () => {
    const id = parseKeyVaultReference(`@Microsoft.KeyVault(SecretUri=${'x'.repeat(5000)})`, SUFFIX);
    assert.equal(id, 'x'.repeat(MAX_MALFORMED_ID_CHARS));
  });

  const notReferences: [label: string, value: string][] = [
    ['a secret URL', ID],
    ['no @', `Microsoft.KeyVault(SecretUri=${ID})`],
    ['no parenthesis', '@Microsoft.KeyVault'],
    ['another @ reference', '@Microsoft.AppConfiguration(Endpoint=https://fake.azconfig.io; Key=k)'],
    ['a reference inside other text', `see @Microsoft.KeyVault(SecretUri=${ID})`],
    ['empty', ''],
  ];
  for (const [label, value] of notReferences) {
    it(`returns null for ${label}`, () => {
      assert.equal(parseKeyVaultReference(value, SUFFIX), null);
    });
  }
});

describe('credentialPattern', () => {
  for (const row of POSITIVES) {
    it(`finds ${row.pattern} in ${row.label}`, () => {
      assert.equal(credentialPattern(row.value), row.pattern);
    });
  }

  it('has a positive case for every pattern name', () => {
    assert.deepEqual(
      [...new Set(POSITIVES.map((r) => r.pattern))].sort(),
      [...CREDENTIAL_PATTERN_NAMES].sort(),
    );
  });

  for (const [label, value] of NEGATIVES) {
    it(`finds nothing in ${label}`, () => {
      assert.equal(credentialPattern(value), null);
    });
  }

  it('finds nothing in an empty value', () => {
    assert.equal(credentialPattern(''), null);
  });
});

describe('classifyAppSettings', () => {
  it('makes references of Key Vault references, for the caller to turn into dependencies', () => {
    const result = classifyAppSettings(
      {
        DB_PASSWORD: `@Microsoft.KeyVault(SecretUri=${ID}/${VERSION})`,
        API_KEY: '@Microsoft.KeyVault(VaultName=kv-prod;SecretName=api-key)',
        BROKEN: '@Microsoft.KeyVault(SecretUri=not-a-url)',
      },
      OPTS,
    );
    assert.deepEqual(result.settings, [
      reference('DB_PASSWORD', ID),
      reference('API_KEY', 'https://kv-prod.vault.azure.net/secrets/api-key'),
      reference('BROKEN', 'not-a-url'),
    ]);
    assert.deepEqual(result.references, [
      { settingName: 'DB_PASSWORD', secretId: ID },
      { settingName: 'API_KEY', secretId: 'https://kv-prod.vault.azure.net/secrets/api-key' },
      { settingName: 'BROKEN', secretId: 'not-a-url' },
    ]);
  });

  it('names the pattern of a credential-looking value, and nothing else of it', () => {
    const row = POSITIVES.find((r) => r.pattern === 'AccountKey=')!;
    const result = classifyAppSettings({ STORAGE_CONNECTION: row.value }, OPTS);
    assert.deepEqual(result, { settings: [plain('STORAGE_CONNECTION', 'AccountKey=')], references: [] });
  });

  it('never returns any part of a credential-looking value', () => {
    for (const row of POSITIVES) {
      const result = classifyAppSettings({ SETTING: row.value }, OPTS);
      assert.deepEqual(result.settings, [plain('SETTING', row.pattern)], row.label);
      assertNoLeak(result, row.secret, row.label);
      assertNoLeak(credentialPattern(row.value), row.secret, row.label);
      assertNoLeak(parseKeyVaultReference(row.value, SUFFIX), row.secret, row.label);
    }
  });

  it('keeps plain values plain', () => {
    const values = Object.fromEntries(NEGATIVES.map(([label, value]) => [label, value]));
    const result = classifyAppSettings(values, OPTS);
    assert.deepEqual(
      result.settings,
      NEGATIVES.map(([label]) => plain(label)),
    );
    assert.deepEqual(result.references, []);
  });

  it('treats null and empty values as plain, not credentials', () => {
    assert.deepEqual(classifyAppSettings({ A: null, B: '' }, OPTS), {
      settings: [plain('A'), plain('B')],
      references: [],
    });
  });

  it('keeps the settings in the order given', () => {
    const github = 'gh' + 'p_' + fake(36);
    const values: Record<string, string | null> = {
      ZETA: 'zeta',
      alpha: `@Microsoft.KeyVault(SecretUri=${ID}/)`,
      Mid_1: null,
      GITHUB_TOKEN: github,
      beta: '',
      WEBSITE_RUN_FROM_PACKAGE: '1',
      aardvark: '@Microsoft.KeyVault(VaultName=myvault;SecretName=other)',
    };
    const result = classifyAppSettings(values, OPTS);
    assert.deepEqual(
      result.settings.map((s) => s.name),
      Object.keys(values),
    );
    assert.deepEqual(
      result.references.map((r) => r.settingName),
      ['alpha', 'aardvark'],
    );
    assert.deepEqual(result.settings[3], plain('GITHUB_TOKEN', 'GitHub token'));
  });

  it('returns an empty result for no settings', () => {
    assert.deepEqual(classifyAppSettings({}, OPTS), { settings: [], references: [] });
  });
});

describe('bounded work', () => {
  const MB = 1024 * 1024;
  const token = 'gh' + 'p_' + fake(36);

  it(`tests only the first ${MAX_SCANNED_CHARS} characters of a value`, () => {
    assert.equal(credentialPattern(token + ' '.repeat(MB)), 'GitHub token');
    assert.equal(credentialPattern(' '.repeat(MAX_SCANNED_CHARS - token.length) + token), 'GitHub token');
    assert.equal(credentialPattern(' '.repeat(MAX_SCANNED_CHARS) + token), null);
  });

  it('parses a huge reference-looking value as a malformed reference with a capped id', () => {
    const result = classifyAppSettings(
      { HUGE: `@Microsoft.KeyVault(SecretUri=https://${'a'.repeat(MB)}.vault.azure.net/secrets/x)` },
      OPTS,
    );
    const setting = result.settings[0]!;
    assert.equal(setting.kind, 'keyVaultReference');
    assert.ok(setting.kind === 'keyVaultReference' && setting.secretId.length <= MAX_MALFORMED_ID_CHARS);
  });

  // Inputs that would make a backtracking pattern quadratic or worse. The test asserts no time:
  // it only has to finish.
  const adversarial: [label: string, value: string][] = [
    ['one long run', 'a'.repeat(MB)],
    ['white space', ' '.repeat(MB)],
    ['eyJ then a long run', 'eyJ' + 'a'.repeat(MB)],
    ['repeated eyJ', 'eyJ'.repeat(MB / 3)],
    [
      'JWT-like segments without a signature',
      ('eyJ' + 'a'.repeat(64) + '.' + 'b'.repeat(64) + '!').repeat(MB / 134),
    ],
    ['repeated scheme separators', '://a'.repeat(MB / 4)],
    [
      'scheme separator, user, colon, no @',
      ('://' + 'u'.repeat(200) + ':' + 'p'.repeat(200) + '/').repeat(MB / 404),
    ],
    ['colons', ':'.repeat(MB)],
    ['repeated AccountKey', 'AccountKey'.repeat(MB / 10)],
    ['AccountKey= then white space', 'Account' + 'Key=' + ' '.repeat(MB)],
    ['repeated Password=', 'Password='.repeat(MB / 9)],
    ['repeated PEM headers', '-----BEGIN A B C '.repeat(MB / 17)],
    ['repeated dashes', '-'.repeat(MB)],
    ['repeated GitHub prefixes', ('gh' + 'p_').repeat(MB / 4)],
    ['repeated Slack prefixes', ('xox' + 'b-').repeat(MB / 5)],
    ['repeated SendGrid prefixes', 'SG.'.repeat(MB / 3)],
    ['repeated sig=', '&sig='.repeat(MB / 5)],
    ['aws secret key names', 'aws_secret_access_key='.repeat(MB / 22)],
    ['a reference with many parameters', '@Microsoft.KeyVault(' + ';='.repeat(MB / 2) + ')'],
  ];
  for (const [label, value] of adversarial) {
    it(`finishes on a 1 MB adversarial value: ${label}`, () => {
      const pattern = credentialPattern(value);
      assert.ok(pattern === null || CREDENTIAL_PATTERN_NAMES.includes(pattern));
      const result = classifyAppSettings({ X: value }, OPTS);
      assert.equal(result.settings.length, 1);
      const setting = result.settings[0]!;
      if (setting.kind === 'keyVaultReference') assert.ok(setting.secretId.length <= MAX_MALFORMED_ID_CHARS);
    });
  }
});
