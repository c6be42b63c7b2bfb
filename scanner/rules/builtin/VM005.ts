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
    const dependencies = inv.dependencies!;
    const failing: string[] = [];
    let evaluated = 0;
    for (let i = 0; i < dependencies.length; i++) {
      const d = dependencies[i]!;
      if (!(d.confidence < CONFIDENCE_FLOOR)) continue;
      evaluated++;
      if (d.reviewed !== true) failing.push(dependencyId(d.resourceId, d.credentialId));
    }
    return listOutcome(evaluated, failing);
  },
);
