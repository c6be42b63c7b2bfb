import type { RuleCase } from '../case.js';
import type { Secret } from '../../../scanner/inventory/types.js';
import { assetUrl, inventory, secret } from '../../support/builders.js';

// P015: population = ALL non-managed secrets (enabled or not); a secret fails when the stem of
// its name is generic. Stem: lowercase, drop every '-', '_' and '.', then drop trailing digits.
// Generic stems: password passwd pwd pass secret key apikey token test temp tmp default admin
// changeme credential credentials value mysecret.

const id = (name: string) => assetUrl('secrets', 'kv-test', name);
const one = (name: string, over: Partial<Secret> = {}) => inventory({ secrets: [secret(name, over)] });

/** Names whose stem is generic (each alone → fail). */
const generic: [string, string][] = [
  ['key1', 'key'],
  ['Pass_Word', 'password'],
  ['API.Key', 'apikey'],
  ['temp2', 'temp'],
  ['changeme', 'changeme'],
  ['my-secret', 'mysecret'],
  ['credentials', 'credentials'],
  ['credential', 'credential'],
  ['token42', 'token'],
  ['PASSWD', 'passwd'],
  ['pwd-007', 'pwd'],
  ['pass', 'pass'],
  ['Secret', 'secret'],
  ['test-1-2', 'test'],
  ['tmp', 'tmp'],
  ['default', 'default'],
  ['admin_01', 'admin'],
  ['value', 'value'],
  ['key-1', 'key'],
];

/** Names whose stem is not generic (each alone → pass). */
const specific: [string, string][] = [
  ['db-password', 'dbpassword'],
  ['secret-store', 'secretstore'],
  ['2password', '2password: only trailing digits are dropped'],
  ['passwords', 'passwords'],
  ['key1a', 'key1a: the digit is not trailing'],
  ['token-service', 'tokenservice'],
  ['12345', 'empty stem, not in the list'],
];

const cases: RuleCase[] = [
  {
    name: 'no secrets → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only a managed secret named "password" → not_applicable',
    inventory: one('password', { managed: true }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  ...generic.map(([name, stem]): RuleCase => ({
    name: `"${name}" → stem "${stem}" is generic → fail`,
    inventory: one(name),
    expect: { status: 'fail', evaluated: 1, failing: [id(name)], metric: null },
  })),
  ...specific.map(([name, stem]): RuleCase => ({
    name: `"${name}" → stem "${stem}" → pass`,
    inventory: one(name),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  })),
  {
    name: 'a disabled secret is in the population: "password" disabled → fail',
    inventory: one('password', { enabled: false }),
    expect: { status: 'fail', evaluated: 1, failing: [id('password')] },
  },
  {
    name: 'mixed: generic names listed in inventory order; managed generic one skipped, disabled counted',
    inventory: inventory({
      secrets: [
        secret('token42'),
        secret('db-password'),
        secret('secret', { managed: true }),
        secret('temp2', { enabled: false }),
        secret('secret-store'),
        secret('API.Key'),
      ],
    }),
    expect: { status: 'fail', evaluated: 5, failing: [id('token42'), id('temp2'), id('API.Key')] },
  },
  {
    name: 'all specific names, one disabled → pass',
    inventory: inventory({
      secrets: [secret('db-password'), secret('checkout-api-key', { enabled: false }), secret('2password')],
    }),
    expect: { status: 'pass', evaluated: 3, failing: [] },
  },
];

export default cases;
