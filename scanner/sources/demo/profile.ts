/**
 * The demo tenant's profiles. `organisation` (the default) is the first impression: a company
 * that mostly looks after its vaults, with one sloppy development vault and a few findings that
 * matter. `showcase` is the tenant where every built-in rule has assets on both sides, which the
 * rule tests and the golden outputs use.
 */

export const DEMO_PROFILES = ['organisation', 'showcase'] as const;
export type DemoProfile = (typeof DEMO_PROFILES)[number];

export const DEFAULT_DEMO_PROFILE: DemoProfile = 'organisation';

/** Days of daily scans the bot saves before its first real one, so the trend has a shape. */
export const DEMO_HISTORY_DAYS = 90;

/** The profile a name (any case, surrounding spaces ignored) stands for, or null. */
export function parseDemoProfile(text: string): DemoProfile | null {
  const name = text.trim().toLowerCase();
  return (DEMO_PROFILES as readonly string[]).includes(name) ? (name as DemoProfile) : null;
}
