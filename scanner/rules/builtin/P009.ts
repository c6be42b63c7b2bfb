import { appCredentialId } from '../../inventory/ids.js';
import { defineRule, ratioOutcome } from '../types.js';

const THRESHOLD = 0.8;

/** App and key ids are GUIDs: compare them without regard to case. */
function coverageKey(appId: string, keyId: string): string {
  return `${appId}/${keyId}`.toLowerCase();
}

export default defineRule(
  {
    id: 'P009',
    name: 'Rotation Coverage Enabled',
    severity: 'High',
    class: 'framework',
    category: 'rotation',
    description:
      'At least 80% of app registration passwords should be covered by an enabled rotation policy, so client secrets do not silently age.',
    remediation: 'Create or enable a rotation policy for each uncovered app registration password.',
    needs: ['appRegistrations', 'rotationPolicies'],
  },
  (inv) => {
    const covered = new Set<string>();
    for (const p of inv.rotationPolicies!) {
      if (p.enabled) covered.add(coverageKey(p.credential.appId, p.credential.keyId));
    }
    const failing: string[] = [];
    let evaluated = 0;
    for (const app of inv.appRegistrations!) {
      for (const c of app.passwordCredentials) {
        evaluated++;
        if (!covered.has(coverageKey(app.appId, c.keyId))) failing.push(appCredentialId(app.appId, c.keyId));
      }
    }
    return ratioOutcome(evaluated, evaluated - failing.length, THRESHOLD, failing);
  },
);
