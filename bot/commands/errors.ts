/**
 * A failed command as a message: a CertifyError says what to change (its problems and hint); any
 * other error is reported to the service log and the user only hears that it went wrong.
 */
import type { MessageView } from '../../cards/views.js';
import { isCertifyError } from '../../base/errors.js';
import type { CommandContext } from './context.js';

const ERROR_TITLES: Partial<Record<string, string>> = {
  BAD_USAGE: 'Not quite',
  BAD_INPUT: 'Cannot read that',
  UNKNOWN_FRAMEWORK: 'Unknown framework',
  UNKNOWN_CONTROL: 'Unknown control',
  UNKNOWN_RULE: 'Unknown rule',
  INVALID_CUSTOM_RULE: 'Rule not saved',
  READ_ONLY_RULE: 'Built-in rule',
  DUPLICATE_RULE: 'Rule not saved',
  SOURCE_UNAVAILABLE: 'Source unavailable',
  SOURCE_FAILED: 'Scan failed',
  NOT_FOUND: 'Not found',
  FORBIDDEN: 'Not allowed',
  CONFLICT: 'Already decided',
  EXPIRED: 'Expired',
};

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function errorView(error: unknown, ctx: CommandContext): MessageView {
  if (isCertifyError(error)) {
    const message = upperFirst(error.message);
    const text =
      error.problems.length === 0
        ? /[.?!]$/.test(message)
          ? message
          : `${message}.`
        : `${message}:\n${error.problems.map((p) => `• ${p}`).join('\n')}`;
    return {
      kind: 'message',
      tone: 'attention',
      title: ERROR_TITLES[error.code] ?? 'Could not do that',
      text,
      hint: error.hint ?? null,
      actions: [],
    };
  }
  ctx.onError?.(error);
  return {
    kind: 'message',
    tone: 'attention',
    title: 'Something went wrong',
    text: 'Certify could not finish this command. Try again in a moment.',
    hint: null,
    actions: [],
  };
}
