import { dependencyId } from '../../inventory/ids.js';
import { defineRule, listOutcome } from '../types.js';

/** Inferred dependencies below this confidence need a person to confirm them. */
const CONFIDENCE_FLOOR = 0.7;

export default defineRule(
  {
    id: 'VM005',
    name: 'Low Confidence Dependencies Reviewed',
    severity: 'Medium',
    class: 'framework',
    category: 'dependencies',
    description:
      'Dependencies inferred with less than 70% confidence should be confirmed by a person before anyone relies on them for rotation or blast-radius analysis.',
    remediation: 'Review each low-confidence dependency and mark it reviewed (or remove it if it is wrong).',
    needs: ['dependencies'],
  },
  (inv) => {
    const low = inv.dependencies!.filter((d) => d.confidence < CONFIDENCE_FLOOR);
    return listOutcome(
      low.length,
      low.filter((d) => d.reviewed !== true).map((d) => dependencyId(d.resourceId, d.credentialId)),
    );
  },
);
