import { hasMatch, overEnabledPolicies } from '../families/rotation-policies.js';
import { defineRule, ratioOutcome } from '../types.js';

const THRESHOLD = 0.6;

export default defineRule(
  {
    id: 'P010',
    name: 'Rotation Ready Records',
    severity: 'High',
    class: 'framework',
    category: 'rotation',
    description:
      'At least 60% of enabled rotation policies should have a verified Key Vault match, so a rotation knows where to write the new value.',
    remediation:
      'Verify the Key Vault match of each listed policy (or exclude wrong matches) so rotation can run.',
    needs: ['rotationPolicies'],
  },
  (inv) => {
    const { evaluated, failing } = overEnabledPolicies(
      inv.rotationPolicies!,
      (p) => !hasMatch(p, 'verified'),
    );
    return ratioOutcome(evaluated, evaluated - failing.length, THRESHOLD, failing);
  },
);
