/** Argument parsing on node:util parseArgs, with mistakes turned into BAD_USAGE (exit 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CertifyError } from '../base/errors.js';
import { parseNow } from '../base/time.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parse(
  command: string,
  argv: readonly string[],
  options: Options,
  maxPositionals: number,
): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    throw new CertifyError(
      'BAD_USAGE',
      `${command}: ${(e as Error).message}`,
      [],
      `see: certify help ${command}`,
    );
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new CertifyError(
      'BAD_USAGE',
      `${command}: unexpected argument "${parsed.positionals[maxPositionals]}"`,
      [],
      `see: certify help ${command}`,
    );
  }
  return parsed;
}

export const SOURCE_OPTIONS: Options = {
  source: { type: 'string' },
  now: { type: 'string' },
  json: { type: 'boolean' },
  size: { type: 'string' },
  seed: { type: 'string' },
  profile: { type: 'string' },
};

export function str(values: Parsed['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** `--now` when given, otherwise the injected clock. */
export function nowFrom(values: Parsed['values'], clock: () => number): number {
  const text = str(values, 'now');
  if (text === undefined) return clock();
  try {
    return parseNow(text);
  } catch (e) {
    throw new CertifyError('BAD_USAGE', (e as Error).message);
  }
}

export function positiveInt(values: Parsed['values'], name: string): number | undefined {
  const text = str(values, name);
  if (text === undefined) return undefined;
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) {
    throw new CertifyError('BAD_USAGE', `--${name}: "${text}" is not a whole number`);
  }
  return n;
}
