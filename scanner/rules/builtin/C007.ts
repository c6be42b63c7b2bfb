import { DAY_MS } from '../../../base/time.js';
import { addMonthsMs } from '../calendar.js';
import { assetFacts, ENABLED, idsAt, timesOf } from '../facts.js';
import { defineRule, listOutcome } from '../types.js';

/**
 * C007: population = enabled certificates with both `notBefore` and `expires` (a certificate
 * lacking either, e.g. from a snapshot that predates these fields, is not in the population).
 * Fails when `expires` lies more than `certificateMaxValidityMonths` (default 12) calendar months
 * after `notBefore`: exactly N months passes. Months are counted in UTC from `notBefore`'s day
 * and time of day; a day the target month lacks becomes its last day (Aug 31 + 6 months =
 * Feb 28, or Feb 29 in a leap year).
 *
 * Issuers start a certificate a little before it was requested so that clocks running behind do
 * not reject it: Key Vault's own certificates begin 10 minutes early and end exactly N months
 * after the request. Up to NOT_BEFORE_GRACE_MS beyond N months is therefore still N months, or a
 * certificate issued with the organisation's own maximum would fail; a 13-month one still fails.
 */
export const NOT_BEFORE_GRACE_MS = DAY_MS;

export default defineRule(
  {
    id: 'C007',
    name: 'Certificates have a bounded validity period',
    severity: 'Medium',
    class: 'framework',
    category: 'certificates',
    description:
      "A certificate valid for longer than the organisation's maximum (certificateMaxValidityMonths, 12 calendar months by default) keeps the same key in use for years, and its compromise stays exploitable until it finally expires. Measured from the certificate's not-before date to its expiry, allowing one day for the few minutes by which issuers, Key Vault included, backdate a new certificate.",
    remediation:
      'Reissue the certificate with a shorter validity (set the validity in months in its Key Vault certificate policy) and let auto-renewal replace it before it expires.',
  },
  (inv, now, parameters) => {
    const list = inv.certificates;
    const { flags, ids } = assetFacts(list);
    const notBefore = timesOf(list, 'notBefore');
    const expires = timesOf(list, 'expires');
    const months = parameters.certificateMaxValidityMonths;
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < list.length; i++) {
      const from = notBefore[i]!;
      const to = expires[i]!;
      if ((flags[i]! & ENABLED) === 0 || Number.isNaN(from) || Number.isNaN(to)) continue;
      evaluated++;
      if (to > addMonthsMs(from, months) + NOT_BEFORE_GRACE_MS) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  },
);
