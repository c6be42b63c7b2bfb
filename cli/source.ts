/** `--source`, `--size`, `--seed` → the Source, the same way for every command that collects. */
import type { Services } from '../app/compose.js';
import type { Source } from '../scanner/sources/types.js';
import { positiveInt, str, type Parsed } from './args.js';

export function sourceFromFlags(services: Services, values: Parsed['values']): Source {
  return services.sourceFor(str(values, 'source'), {
    size: positiveInt(values, 'size'),
    seed: positiveInt(values, 'seed'),
  });
}
