import { assetFacts, ENABLED, idsAt, MANAGED, timesOf } from '../facts.js';
import { DAY_MS } from '../../../base/time.js';
import { defineRule, listOutcome } from '../types.js';

/**
 * P008: the age of a secret's value is the `created` time of its current version (a new value
 * is a new version). `updated` is not used: it also moves when tags or attributes are edited,
 * which rotates nothing. The maximum age is the organisation's `secretMaxAgeDays` (default 90).
 */
export default defineRule(
  {
    id: 'P008',
    name: 'Recent Secret Updates',
    severity: 'Medium',
    class: 'framework',
    category: 'secrets',
    description:
      "A secret whose current value is older than the organisation's maximum age (secretMaxAgeDays, 90 days by default) has not been rotated within a typical cryptoperiod. The age runs from the creation of the current version; editing tags or attributes does not reset it.",
    remediation:
      'Rotate the secret (write a new version) and automate its rotation so each value is replaced before it reaches the maximum age.',
  },
  (inv, now, parameters) => {
    const list = inv.secrets;
    const { flags, ids } = assetFacts(list);
    const created = timesOf(list, 'created');
    const maxAgeMs = parameters.secretMaxAgeDays * DAY_MS;
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < list.length; i++) {
      if ((flags[i]! & (ENABLED | MANAGED)) !== ENABLED) continue;
      evaluated++;
      if (now - created[i]! > maxAgeMs) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  },
);
