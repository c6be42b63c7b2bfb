import type { RuleCase } from '../case.js';
import type { Key } from '../../../scanner/inventory/types.js';
import { NOW, assetUrl, daysFromNow, inventory, key, vault } from '../../support/builders.js';

// K007: population = enabled, non-managed keys of type RSA, RSA-HSM, EC, EC-HSM (oct and
// oct-HSM are outside). A key fails when `rotationPolicy` is null, or has neither
// `rotateAfterDays` nor `rotateBeforeExpiryDays` (both null), or its only trigger is
// `rotateBeforeExpiryDays` while the key's `expires` is null: nothing would ever rotate it.

const id = (name: string, v = 'kv-test') => assetUrl('keys', v, name);
const policy = (rotateAfterDays: number | null, rotateBeforeExpiryDays: number | null): Partial<Key> => ({
  rotationPolicy: { rotateAfterDays, rotateBeforeExpiryDays },
});
const noPolicy: Partial<Key> = { rotationPolicy: null };
const one = (name: string, over: Partial<Key>) => inventory({ keys: [key(name, over)] });

const cases: RuleCase[] = [
  {
    name: 'no keys → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only oct / oct-HSM keys without policy → not_applicable',
    inventory: inventory({
      keys: [
        key('sym', { keyType: 'oct', keySize: 256, ...noPolicy }),
        key('sym-hsm', { keyType: 'oct-HSM', keySize: 256, ...noPolicy }),
      ],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'only managed and disabled keys without policy → not_applicable',
    inventory: inventory({
      keys: [key('managed', { managed: true, ...noPolicy }), key('off', { enabled: false, ...noPolicy })],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'rotateAfterDays set (builder default) → pass',
    inventory: one('cmk', {}),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'only rotateBeforeExpiryDays set, key expires in a year → pass',
    inventory: one('cmk', policy(null, 30)),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'only rotateBeforeExpiryDays set, key without expiry → fail (the trigger never fires)',
    inventory: one('cmk', { ...policy(null, 30), expires: null }),
    expect: { status: 'fail', evaluated: 1, failing: [id('cmk')], metric: null },
  },
  {
    name: 'rotateAfterDays set, key without expiry → pass',
    inventory: one('cmk', { ...policy(365, null), expires: null }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'both triggers set, key without expiry → pass (time after create still fires)',
    inventory: one('cmk', { ...policy(90, 30), expires: null }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'only rotateBeforeExpiryDays set, key already expired → pass (it has an expiry; K005 flags it)',
    inventory: one('cmk', { ...policy(null, 30), expires: daysFromNow(-3) }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'only rotateBeforeExpiryDays set, key expires 1 ms after now → pass',
    inventory: one('cmk', { ...policy(null, 0), expires: new Date(NOW + 1).toISOString() }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'only disabled, managed or oct keys with a before-expiry trigger and no expiry → not_applicable',
    inventory: inventory({
      keys: [
        key('off', { enabled: false, ...policy(null, 30), expires: null }),
        key('managed', { managed: true, ...policy(null, 30), expires: null }),
        key('sym', { keyType: 'oct', keySize: 256, ...policy(null, 30), expires: null }),
      ],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'both triggers set → pass',
    inventory: one('cmk', policy(90, 30)),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'rotationPolicy null → fail',
    inventory: one('cmk', noPolicy),
    expect: { status: 'fail', evaluated: 1, failing: [id('cmk')], metric: null },
  },
  {
    name: 'policy with both triggers null → fail',
    inventory: one('cmk', policy(null, null)),
    expect: { status: 'fail', evaluated: 1, failing: [id('cmk')] },
  },
  {
    name: 'RSA, RSA-HSM, EC and EC-HSM are all in the population',
    inventory: inventory({
      keys: [
        key('rsa', { keyType: 'RSA', keySize: 2048, ...noPolicy }),
        key('rsa-hsm', { keyType: 'RSA-HSM', keySize: 3072, ...policy(null, null) }),
        key('ec', { keyType: 'EC', keySize: null, curve: 'P-256', ...noPolicy }),
        key('ec-hsm', { keyType: 'EC-HSM', keySize: null, curve: 'P-384', ...policy(null, null) }),
        key('ec-ok', { keyType: 'EC', keySize: null, curve: 'P-521', ...policy(null, 7) }),
        key('ec-hsm-forever', {
          keyType: 'EC-HSM',
          keySize: null,
          curve: 'P-256',
          ...policy(null, 7),
          expires: null,
        }),
      ],
    }),
    expect: {
      status: 'fail',
      evaluated: 6,
      failing: [id('rsa'), id('rsa-hsm'), id('ec'), id('ec-hsm'), id('ec-hsm-forever')],
    },
  },
  {
    name: 'K007 does not judge strength: a weak RSA 1024 key with a policy passes',
    inventory: one('weak', { keyType: 'RSA', keySize: 1024, ...policy(180, null) }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'mixed: failing keys in inventory order; oct, managed and disabled ones skipped',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      keys: [
        key('z-none', { vault: 'kv-b', ...noPolicy }),
        key('ok', { vault: 'kv-a' }),
        key('sym', { vault: 'kv-a', keyType: 'oct', keySize: 256, ...noPolicy }),
        key('managed', { vault: 'kv-a', managed: true, ...noPolicy }),
        key('off', { vault: 'kv-a', enabled: false, ...policy(null, null) }),
        key('a-empty', { vault: 'kv-a', ...policy(null, null) }),
        key('before-ok', { vault: 'kv-a', ...policy(null, 30) }),
        key('b-no-expiry', { vault: 'kv-a', ...policy(null, 30), expires: null }),
      ],
    }),
    expect: {
      status: 'fail',
      evaluated: 5,
      failing: [id('z-none', 'kv-b'), id('a-empty', 'kv-a'), id('b-no-expiry', 'kv-a')],
    },
  },
];

export default cases;
