import { overEnabledPolicies } from '../families/rotation-policies.js';
import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'P013',
    name: 'Rotation Targets Set',
    severity: 'High',
    class: 'framework',
    category: 'rotation',
    description:
      'An enabled rotation policy without a target vault has nowhere to store the credential it rotates.',
    remediation: 'Set the target vault of the policy.',
    needs: ['rotationPolicies'],
  },
  (inv) => {
    const { evaluated, failing } = overEnabledPolicies(
      inv.rotationPolicies!,
      (p) => p.targetVault === null || p.targetVault.trim() === '',
    );
    return listOutcome(evaluated, failing);
  },
);
