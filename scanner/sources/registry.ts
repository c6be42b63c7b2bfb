/**
 * The explicit registry of inventory sources (Renovate-style): one folder per source, one
 * parser from the `--source` text to a configured Source.
 */
import { CertifyError } from '../../base/errors.js';
import { DEMO_PROFILES, demoSource, type DemoProfile } from './demo/index.js';
import { snapshotSource } from './snapshot/index.js';
import type { Source } from './types.js';

export interface SourceOptions {
  /** Demo tenant size (vault assets) and seed. */
  demoSize?: number;
  demoSeed?: number;
  /** Demo tenant profile (default organisation): `--profile`, CERTIFY_DEMO_PROFILE. */
  demoProfile?: DemoProfile;
  cwd?: string;
  /** Factories of sources that need ports (e.g. the Azure source's credential), keyed by name. */
  extra?: Readonly<Record<string, (arg: string) => Source>>;
}

export const SOURCE_NAMES = ['demo', 'snapshot:<path>', 'azure'] as const;

export function resolveSource(spec: string, opts: SourceOptions = {}): Source {
  const text = spec.trim();
  if (text === 'demo') {
    return demoSource({ seed: opts.demoSeed, size: opts.demoSize, profile: opts.demoProfile });
  }
  // One way to name a profile: `--source demo` stays the one spelling of the demo source, which
  // the bot's playground and writer checks compare against.
  if (text.startsWith('demo:')) {
    throw new CertifyError(
      'BAD_USAGE',
      `unknown source "${spec}"`,
      [],
      `use --source demo with --profile ${DEMO_PROFILES.join('|')} (CERTIFY_DEMO_PROFILE for the bot)`,
    );
  }
  if (text.startsWith('snapshot:')) {
    const path = text.slice('snapshot:'.length);
    if (path === '') {
      throw new CertifyError(
        'BAD_USAGE',
        'snapshot source needs a path',
        [],
        'use --source snapshot:<path-to-inventory.json>',
      );
    }
    return snapshotSource(path, { cwd: opts.cwd });
  }
  const [name = '', arg = ''] = text.split(/:(.*)/s);
  const factory = opts.extra?.[name];
  if (factory) return factory(arg);
  if (name === 'azure') {
    throw new CertifyError(
      'SOURCE_UNAVAILABLE',
      'the azure source needs credentials that only the CLI or the bot can build',
      [],
      'run it through `certify scan --source azure` or the bot',
    );
  }
  throw new CertifyError(
    'BAD_USAGE',
    `unknown source "${spec}"`,
    [],
    `use one of: ${SOURCE_NAMES.join(', ')}`,
  );
}
