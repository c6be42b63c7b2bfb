import type { Inventory } from '../../inventory/types.js';
import type { CollectContext, Source } from '../types.js';
import { generateDemoInventory } from './generate.js';
import type { DemoProfile } from './profile.js';

export { generateDemoInventory, type DemoOptions } from './generate.js';
export {
  DEFAULT_DEMO_PROFILE,
  DEMO_HISTORY_DAYS,
  DEMO_PROFILES,
  parseDemoProfile,
  type DemoProfile,
} from './profile.js';
export { DEMO_DEFAULT_SEED, DEMO_DEFAULT_SIZE, demoPlan, type DemoPlan } from './plan.js';

/** The synthetic tenant as a source: `--source demo`. Dates follow the scan's `now`. */
export function demoSource(
  opts: { seed?: number; size?: number; profile?: DemoProfile; daysAgo?: number } = {},
): Source {
  return {
    id: 'demo',
    collect(ctx: CollectContext): Promise<Inventory> {
      try {
        ctx.signal?.throwIfAborted();
        const inventory = generateDemoInventory({ ...opts, now: ctx.now });
        const total = inventory.secrets.length + inventory.keys.length + inventory.certificates.length;
        ctx.onProgress?.({ phase: 'demo', done: total, total });
        return Promise.resolve(inventory);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}
