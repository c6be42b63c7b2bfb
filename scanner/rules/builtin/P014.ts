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
    const enabled = inv.rotationPolicies!.filter((p) => p.enabled);
    return listOutcome(
      enabled.length,
      enabled.filter((p) => !p.matches.some((m) => m.state === 'verified')).map((p) => p.id),
    );
  },
);
