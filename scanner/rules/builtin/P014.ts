import { hasMatch, overEnabledPolicies } from '../families/rotation-policies.js';
import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'P014',
    name: 'Rotation Verified Matches',
    severity: 'High',
    class: 'framework',
    category: 'rotation',
    description:
      'An enabled rotation policy needs at least one verified Key Vault match to be able to rotate anything.',
    remediation:
      'Verify at least one Key Vault match for the policy, or disable the policy if it is obsolete.',
    needs: ['rotationPolicies'],
  },
  (inv) => {
    const { evaluated, failing } = overEnabledPolicies(
      inv.rotationPolicies!,
      (p) => !hasMatch(p, 'verified'),
    );
    return listOutcome(evaluated, failing);
  },
);
