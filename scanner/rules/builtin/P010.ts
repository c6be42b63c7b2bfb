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
    const enabled = inv.rotationPolicies!.filter((p) => p.enabled);
    const failing = enabled.filter((p) => !p.matches.some((m) => m.state === 'verified')).map((p) => p.id);
    return ratioOutcome(enabled.length, enabled.length - failing.length, THRESHOLD, failing);
  },
);
