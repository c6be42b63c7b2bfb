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
    const failing: string[] = [];
    let evaluated = 0;
    for (const k of inv.keys) {
      if (!k.enabled || k.managed) continue;
      evaluated++;
      if (!k.keyType.endsWith('-HSM')) failing.push(k.id);
    }
    return listOutcome(evaluated, failing);
  },
);
