import { timesOf } from '../facts.js';
import { DAY_MS } from '../../../base/time.js';
import { defineRule, listOutcome } from '../types.js';

/** Rotation cadence the seed names: a secret untouched for longer has not been rotated. */
const STALE_AFTER_DAYS = 90;

export default defineRule(
  {
    id: 'P008',
    name: 'Recent Secret Updates',
    severity: 'Medium',
    class: 'framework',
    category: 'secrets',
    description:
      'A secret not updated for more than 90 days has probably not been rotated within a typical cryptoperiod.',
    remediation:
      'Rotate the secret (write a new version) and automate its rotation so it stays within 90 days.',
  },
  (inv, now) => {
    const updated = timesOf(inv.secrets, 'updated');
    const failing: string[] = [];
    let evaluated = 0;
    for (let i = 0; i < inv.secrets.length; i++) {
      const s = inv.secrets[i]!;
      if (s.managed || !s.enabled) continue;
      evaluated++;
      if (now - updated[i]! > STALE_AFTER_DAYS * DAY_MS) failing.push(s.id);
    }
    return listOutcome(evaluated, failing);
  },
);
