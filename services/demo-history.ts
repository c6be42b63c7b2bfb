/**
 * Ninety days of saved scans for the demo organisation, so the first trend a visitor sees has a
 * shape: one scan a day at 06:00 UTC, each of the tenant as it was that day (the generator's
 * `daysAgo`), the last one today's. Only into an empty store: a store holding any scan is left
 * alone, so a restart, or a second replica that comes after, adds nothing.
 */
import type { Actor } from '../evidence/types.js';
import { DAY_MS } from '../base/time.js';
import type { Source } from '../scanner/sources/types.js';
import type { AuditLog } from '../store/audit-log.js';
import { scan, type CertifyPorts } from './scan.js';

/** Who the audit log names for the seeded scans: synthetic history, not anyone's scan. */
export const DEMO_HISTORY_ACTOR: Actor = {
  id: 'demo-history',
  name: 'Demo history (synthetic scans of the demo tenant)',
  channel: 'demo',
};

const SCAN_HOUR_UTC = 6;

/** The seeded scans' times, oldest first: 06:00 UTC of each of `days` days, the last at or before `now`. */
export function demoHistoryTimes(now: number, days: number): number[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS + SCAN_HOUR_UTC * 3_600_000;
  const last = today <= now ? today : today - DAY_MS;
  return Array.from({ length: days }, (_, i) => last - (days - 1 - i) * DAY_MS);
}

export interface DemoHistoryDeps {
  ports: CertifyPorts;
  /** The demo source as it was `daysAgo` days before today (0: today). */
  sourceAsOf: (daysAgo: number) => Source;
  /** Where each seeded scan is recorded; null for wirings without an audit log. */
  audit: Pick<AuditLog, 'append'> | null;
  clock: () => number;
  days: number;
}

export interface DemoHistoryOutcome {
  /** Scans saved; 0 when the store already held one. */
  saved: number;
  /** The oldest and newest seeded scores, for the start-up log. */
  first: number | null;
  last: number | null;
}

export async function seedDemoHistory(deps: DemoHistoryDeps): Promise<DemoHistoryOutcome> {
  if ((await deps.ports.scans.history(1)).length > 0) return { saved: 0, first: null, last: null };
  const times = demoHistoryTimes(deps.clock(), deps.days);
  const audit = deps.audit ? { log: deps.audit, actor: DEMO_HISTORY_ACTOR, clock: deps.clock } : null;
  let first: number | null = null;
  let last: number | null = null;
  for (let i = 0; i < times.length; i++) {
    const daysAgo = times.length - 1 - i;
    const { result } = await scan(deps.ports, deps.sourceAsOf(daysAgo), {
      now: times[i]!,
      save: true,
      audit,
    });
    if (i === 0) first = result.score;
    last = result.score;
  }
  return { saved: times.length, first, last };
}
