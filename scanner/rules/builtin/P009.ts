import { appCredentialId } from '../../inventory/ids.js';
import { defineRule, ratioOutcome } from '../types.js';

const THRESHOLD = 0.8;

/** True when toLowerCase would not change `s`: ASCII without capitals, as GUIDs usually are. */
function isLowerAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch > 127 || (ch >= 65 && ch <= 90)) return false;
  }
  return true;
}

/** App and key ids are GUIDs: compare them without regard to case. */
function coverageKey(appId: string, keyId: string): string {
  const key = `${appId}/${keyId}`;
  // Lowercasing only when it changes something saves a string per credential.
  return isLowerAscii(appId) && isLowerAscii(keyId) ? key : key.toLowerCase();
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
    const policies = inv.rotationPolicies!;
    const covered = new Set<string>();
    for (let i = 0; i < policies.length; i++) {
      const p = policies[i]!;
      if (p.enabled) covered.add(coverageKey(p.credential.appId, p.credential.keyId));
    }
    const apps = inv.appRegistrations!;
    const failing: string[] = [];
    let evaluated = 0;
    for (let i = 0; i < apps.length; i++) {
      const app = apps[i]!;
      const credentials = app.passwordCredentials;
      for (let j = 0; j < credentials.length; j++) {
        const keyId = credentials[j]!.keyId;
        evaluated++;
        if (!covered.has(coverageKey(app.appId, keyId))) failing.push(appCredentialId(app.appId, keyId));
      }
    }
    return ratioOutcome(evaluated, evaluated - failing.length, THRESHOLD, failing);
  },
);
