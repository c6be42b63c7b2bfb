import { DAY_MS, inWindow } from '../../../base/time.js';
import { timesOf } from '../facts.js';
import { defineRule, listOutcome } from '../types.js';

const WINDOW_DAYS = 30;

export default defineRule(
  {
    id: 'VM004',
    name: 'Full-Stack Rotation Success Rate',
    severity: 'High',
    class: 'framework',
    category: 'dependencies',
    description:
      'Full-stack rotations (credential and every consumer) finished in the last 30 days should all succeed; a failure can leave consumers with a stale credential.',
    remediation:
      'Investigate each failed rotation, make sure every consumer has the current value, and re-run the rotation.',
    needs: ['rotationEvents'],
  },
  (inv, now) => {
    const events = inv.rotationEvents!;
    const finished = timesOf(events, 'finishedAt');
    const failing: string[] = [];
    let evaluated = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (!e.fullStack || !inWindow(finished[i]!, now, WINDOW_DAYS * DAY_MS)) continue;
      evaluated++;
      if (e.status === 'failed') failing.push(e.id);
    }
    const outcome = listOutcome(evaluated, failing);
    if (evaluated === 0) return outcome;
    return { ...outcome, metric: { value: (evaluated - failing.length) / evaluated, threshold: 1 } };
  },
);
