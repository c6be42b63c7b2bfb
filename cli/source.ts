/** `--source`, `--size`, `--seed` → the Source, the same way for every command that collects. */
import { azureSourceFromEnv } from '../adapters/azure-source.js';
import { readEnv } from '../app/config.js';
import { resolveSource } from '../scanner/sources/registry.js';
import type { Source } from '../scanner/sources/types.js';
import { positiveInt, str, type Parsed } from './args.js';

export function sourceFromFlags(
  io: { env: Readonly<Record<string, string | undefined>>; cwd: string },
  values: Parsed['values'],
): Source {
  const config = readEnv(io.env, io.cwd);
  return resolveSource(str(values, 'source') ?? config.source, {
    demoSize: positiveInt(values, 'size'),
    demoSeed: positiveInt(values, 'seed'),
    cwd: io.cwd,
    extra: { azure: () => azureSourceFromEnv(io.env) },
  });
}
