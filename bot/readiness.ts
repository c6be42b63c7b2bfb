/**
 * GET /readyz: whether this replica should get traffic. Liveness (/healthz) only says the process
 * serves; readiness also needs the store, the signing key and a scheduler that still runs scans.
 * The decision is a pure function of what the probe gathered, so it is table-tested without I/O.
 */
import { CRON_FIELDS } from './config.js';

export interface ReadinessInput {
  now: number;
  /** When the service started: a fresh install is given two periods to run its first scan. */
  startedAt: number;
  /** Null when the store answered its ping; otherwise why not. */
  storeProblem: string | null;
  /** Null when the signing key signed a probe value; otherwise why not. */
  signerProblem: string | null;
  /** When the latest saved scan ran (ms), or null when there is none yet. */
  lastScanAt: number | null;
  /** The time between two scheduled scans (ms), or null when the schedule never fires. */
  periodMs: number | null;
}

export interface Readiness {
  ready: boolean;
  /** What is not ready, one line each; empty when ready. */
  problems: string[];
}

export function readiness(input: ReadinessInput): Readiness {
  const problems: string[] = [];
  if (input.storeProblem !== null) problems.push(`store: ${input.storeProblem}`);
  if (input.signerProblem !== null) problems.push(`signing key: ${input.signerProblem}`);
  if (input.periodMs !== null) {
    const limit = 2 * input.periodMs;
    // Before the first scan the clock starts at start-up, not at the epoch.
    const since = input.lastScanAt ?? input.startedAt;
    const age = input.now - since;
    if (age > limit) {
      problems.push(
        input.lastScanAt === null
          ? `scheduled scans: none saved ${Math.round(age / 60_000)} min after start-up (expected every ${Math.round(input.periodMs / 60_000)} min)`
          : `scheduled scans: the latest is ${Math.round(age / 60_000)} min old (expected every ${Math.round(input.periodMs / 60_000)} min)`,
      );
    }
  }
  return { ready: problems.length === 0, problems };
}

/** The values one cron field allows; names and 7-for-Sunday as node-cron reads them. */
function fieldValues(field: string, index: number): Set<number> {
  const [label, min, max, names] = CRON_FIELDS[index]!;
  const atom = (text: string): number => {
    if (/^\d+$/.test(text)) return Number(text);
    const n = names.indexOf(text.toLowerCase());
    if (n < 0) throw new TypeError(`cron ${label}: "${text}" is not valid`);
    return label === 'month' ? n + 1 : n;
  };
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(part);
    if (!m) throw new TypeError(`cron ${label}: "${part}" is not valid`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    let from = min;
    let to = max;
    if (m[1] !== '*') {
      const [a, b] = m[1]!.split('-');
      from = atom(a!);
      // "5/15" means from 5 to the end, stepping 15.
      to = b !== undefined ? atom(b) : m[2] !== undefined ? max : from;
    }
    for (let v = from; v <= to; v += step) values.add(index === 4 && v === 7 ? 0 : v);
  }
  return values;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The time between the last two runs `cron` expected before `now`, or null when it found none
 * within two years. Read in UTC: a zone shifts when the runs fall, and by DST at most an hour of
 * their spacing, which a two-period limit does not notice.
 */
export function cronPeriodMs(cron: string, now: number): number | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new TypeError(`cron expression "${cron}": 5 fields expected`);
  const [minutes, hours, days, months, weekdays] = fields.map((f, i) => fieldValues(f, i)) as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  // As in Vixie cron: with both day fields restricted, either one matching is enough.
  const dayRestricted = fields[2] !== '*';
  const weekdayRestricted = fields[4] !== '*';
  const dayMatches = (d: Date): boolean => {
    const byDay = days.has(d.getUTCDate());
    const byWeekday = weekdays.has(d.getUTCDay());
    if (dayRestricted && weekdayRestricted) return byDay || byWeekday;
    return byDay && byWeekday;
  };
  const runs: number[] = [];
  let t = Math.floor(now / MINUTE) * MINUTE;
  const stop = now - 2 * 366 * 24 * HOUR;
  while (runs.length < 2 && t > stop) {
    const d = new Date(t);
    // Whole days and hours that cannot match are skipped: to their last minute before.
    if (!months.has(d.getUTCMonth() + 1) || !dayMatches(d)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - MINUTE;
      continue;
    }
    if (!hours.has(d.getUTCHours())) {
      t = Math.floor(t / HOUR) * HOUR - MINUTE;
      continue;
    }
    if (minutes.has(d.getUTCMinutes())) runs.push(t);
    t -= MINUTE;
  }
  return runs.length === 2 ? runs[0]! - runs[1]! : null;
}
