import { assetFacts, ENABLED, idsAt, MANAGED } from '../facts.js';
import { defineRule, listOutcome } from '../types.js';

/**
 * K008: population = enabled, non-managed keys of every type (oct keys included). Fails when
 * `keyType` does not end in `-HSM` (RSA, EC, oct). KMS-HSM judges whether the vault could hold
 * HSM keys; this rule judges whether each key actually is one.
 */
export default defineRule(
  {
    id: 'K008',
    name: 'Keys are HSM-backed',
    severity: 'Medium',
    class: 'framework',
    category: 'keys',
    description:
      'A software-protected key (type RSA, EC or oct) exists in plain form inside the service; an HSM-backed key (RSA-HSM, EC-HSM, oct-HSM) never leaves a FIPS 140 validated hardware module. A Premium vault only makes HSM keys possible: each key must be created as one.',
    remediation:
      'Create a replacement key of an -HSM type in a Premium vault or Managed HSM, move its consumers to it, then disable the software key.',
  },
  (inv) => {
    const list = inv.keys;
    const { flags, ids } = assetFacts(list);
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < list.length; i++) {
      if ((flags[i]! & (ENABLED | MANAGED)) !== ENABLED) continue;
      evaluated++;
      const k = list[i]!;
      if (!k.keyType.endsWith('-HSM')) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  },
);
