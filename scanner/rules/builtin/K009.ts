import { DAY_MS } from '../../../base/time.js';
import { assetFacts, ENABLED, idsAt, MANAGED, timesOf } from '../facts.js';
import { defineRule, listOutcome } from '../types.js';

/**
 * K009: population = enabled, non-managed keys. Fails when `now − created > keyMaxAgeDays`
 * (default 365) days, `created` being that of the key's current version: rotating the key makes
 * a new version and restarts the count; exactly the maximum age passes.
 */
export default defineRule(
  {
    id: 'K009',
    name: 'Keys are renewed within their maximum age',
    severity: 'Medium',
    class: 'framework',
    category: 'keys',
    description:
      "A key whose current version is older than the organisation's maximum age (keyMaxAgeDays, 365 days by default) has outlived its cryptoperiod: the more data one key version protects, and the longer, the more a compromise exposes. Measured from the creation of the current version.",
    remediation:
      'Rotate the key (create a new version) and add a rotation policy whose Rotate action fires before the maximum age.',
  },
  (inv, now, parameters) => {
    const list = inv.keys;
    const { flags, ids } = assetFacts(list);
    const created = timesOf(list, 'created');
    const maxAgeMs = parameters.keyMaxAgeDays * DAY_MS;
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
