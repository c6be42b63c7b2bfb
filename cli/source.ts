/**
 * `--source`, `--size`, `--seed`, `--profile` → the Source, the same way for every command that
 * collects.
 */
import type { Services } from '../app/compose.js';
import { CertifyError } from '../base/errors.js';
import { DEMO_PROFILES, parseDemoProfile, type DemoProfile } from '../scanner/sources/demo/profile.js';
import type { Source } from '../scanner/sources/types.js';
import { positiveInt, str, type Parsed } from './args.js';

/** `--profile`, or undefined to keep CERTIFY_DEMO_PROFILE (default organisation). */
export function demoProfileFlag(values: Parsed['values']): DemoProfile | undefined {
  const text = str(values, 'profile');
  if (text === undefined) return undefined;
  const profile = parseDemoProfile(text);
  if (profile === null) {
    throw new CertifyError(
      'BAD_USAGE',
      `--profile: "${text}" is not a demo profile`,
      [],
      `use one of: ${DEMO_PROFILES.join(', ')}`,
    );
  }
  return profile;
}

export function sourceFromFlags(services: Services, values: Parsed['values']): Source {
  return services.sourceFor(str(values, 'source'), {
    size: positiveInt(values, 'size'),
    seed: positiveInt(values, 'seed'),
    profile: demoProfileFlag(values),
  });
}
