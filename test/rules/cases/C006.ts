import type { RuleCase } from '../case.js';
import type { Certificate } from '../../../scanner/inventory/types.js';
import { assetUrl, inventory, cert, vault } from '../../support/builders.js';

// C006: population = enabled certificates with a known (non-null) `keyType`. A certificate
// fails when it is RSA with `keySize` < 2048 or unknown (null), or EC whose `curve` is not
// P-256, P-384 or P-521 (P-256K or null fail). As for K006, the RSA and EC tests cover the
// HSM variants (RSA-HSM, EC-HSM). Certificates have no `managed`.

const id = (name: string, v = 'kv-test') => assetUrl('certificates', v, name);
const one = (name: string, over: Partial<Certificate>) => inventory({ certificates: [cert(name, over)] });
const ec = (curve: Certificate['curve'], over: Partial<Certificate> = {}): Partial<Certificate> => ({
  keyType: 'EC',
  keySize: null,
  curve,
  ...over,
});

const cases: RuleCase[] = [
  {
    name: 'no certificates → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only a certificate with keyType null (unknown) → not_applicable: outside the population',
    inventory: one('unknown', { keyType: null, keySize: null, curve: null }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'only a disabled RSA 1024 certificate → not_applicable',
    inventory: one('weak-off', { enabled: false, keySize: 1024 }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'RSA 2048 (the builder default) → pass',
    inventory: one('rsa2048', {}),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'RSA 4096 → pass',
    inventory: one('rsa4096', { keySize: 4096 }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'RSA 1024 → fail',
    inventory: one('rsa1024', { keySize: 1024 }),
    expect: { status: 'fail', evaluated: 1, failing: [id('rsa1024')], metric: null },
  },
  {
    name: 'RSA 2047 → fail (just below 2048)',
    inventory: one('rsa2047', { keySize: 2047 }),
    expect: { status: 'fail', evaluated: 1, failing: [id('rsa2047')] },
  },
  {
    name: 'RSA with keySize null (unknown size) → fail',
    inventory: one('rsa-null', { keySize: null }),
    expect: { status: 'fail', evaluated: 1, failing: [id('rsa-null')] },
  },
  {
    name: 'EC P-256, P-384 and P-521 → pass',
    inventory: inventory({
      certificates: [cert('p256', ec('P-256')), cert('p384', ec('P-384')), cert('p521', ec('P-521'))],
    }),
    expect: { status: 'pass', evaluated: 3, failing: [] },
  },
  {
    name: 'EC P-256K → fail',
    inventory: one('p256k', ec('P-256K')),
    expect: { status: 'fail', evaluated: 1, failing: [id('p256k')] },
  },
  {
    name: 'EC with curve null → fail',
    inventory: one('ec-null', ec(null)),
    expect: { status: 'fail', evaluated: 1, failing: [id('ec-null')] },
  },
  {
    name: 'EC P-256 with a small keySize recorded: the size does not matter for EC → pass',
    inventory: one('p256-sized', ec('P-256', { keySize: 256 })),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'RSA-HSM 1024 and EC-HSM P-256K fail; RSA-HSM 3072 and EC-HSM P-384 pass',
    inventory: inventory({
      certificates: [
        cert('hsm-weak', { keyType: 'RSA-HSM', keySize: 1024 }),
        cert('hsm-ok', { keyType: 'RSA-HSM', keySize: 3072 }),
        cert('echsm-k', ec('P-256K', { keyType: 'EC-HSM' })),
        cert('echsm-ok', ec('P-384', { keyType: 'EC-HSM' })),
      ],
    }),
    expect: { status: 'fail', evaluated: 4, failing: [id('hsm-weak'), id('echsm-k')] },
  },
  {
    name: 'mixed: weak ones listed in inventory order; unknown-keyType and disabled weak ones skipped',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      certificates: [
        cert('z-rsa1024', { vault: 'kv-b', keySize: 1024 }),
        cert('ok', { vault: 'kv-a' }),
        cert('unknown', { vault: 'kv-a', keyType: null, keySize: null }),
        cert('off', { vault: 'kv-a', enabled: false, keySize: 512 }),
        cert('p521', { vault: 'kv-a', ...ec('P-521') }),
        cert('a-p256k', { vault: 'kv-a', ...ec('P-256K') }),
      ],
    }),
    expect: { status: 'fail', evaluated: 4, failing: [id('z-rsa1024', 'kv-b'), id('a-p256k', 'kv-a')] },
  },
  {
    name: 'strong certificate next to an unknown-keyType one → pass with evaluated 1',
    inventory: inventory({ certificates: [cert('unknown', { keyType: null, keySize: null }), cert('ok')] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
];

export default cases;
