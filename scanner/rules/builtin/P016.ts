import { assetFacts, ENABLED, idsAt, MANAGED } from '../facts.js';
import { defineRule, listOutcome } from '../types.js';

/**
 * P016: population = enabled, non-managed secrets. Fails when `contentType` is null (not set,
 * or absent from an older snapshot) or the empty string.
 */
export default defineRule(
  {
    id: 'P016',
    name: 'Secrets declare a content type',
    severity: 'Low',
    class: 'operational',
    category: 'secrets',
    description:
      'A content type (password, connection string, PEM, JSON…) tells whoever reads or rotates the secret what its value is and how to replace it, without anyone opening the value itself.',
    remediation:
      'Set the content type of the secret (e.g. text/plain, application/json, connection-string) on its next version, or update it on the current one.',
  },
  (inv) => {
    const list = inv.secrets;
    const { flags, ids } = assetFacts(list);
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < list.length; i++) {
      if ((flags[i]! & (ENABLED | MANAGED)) !== ENABLED) continue;
      evaluated++;
      const s = list[i]!;
      if (s.contentType === null || s.contentType === '') hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  },
);
