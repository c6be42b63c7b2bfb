import { hasMatch, overEnabledPolicies } from '../families/rotation-policies.js';
import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'P012',
    name: 'Rotation Unverified Matches Cleared',
    severity: 'Medium',
    class: 'framework',
    category: 'rotation',
    description:
      'An enabled policy with unverified matches may write a rotated value to the wrong secret; every match should be verified or excluded.',
    remediation: 'Review each unverified match of the policy and mark it verified or excluded.',
    needs: ['rotationPolicies'],
  },
  (inv) => {
    const { evaluated, failing } = overEnabledPolicies(inv.rotationPolicies!, (p) =>
      hasMatch(p, 'unverified'),
    );
    return listOutcome(evaluated, failing);
  },
);
