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
    const enabled = inv.rotationPolicies!.filter((p) => p.enabled);
    return listOutcome(
      enabled.length,
      enabled.filter((p) => p.matches.some((m) => m.state === 'unverified')).map((p) => p.id),
    );
  },
);
