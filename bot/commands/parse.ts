/**
 * Parses what follows `/certify` (Slack), or a Teams message once the bot mention is stripped,
 * into a Command. Tolerant: case-insensitive command words, any whitespace, aliases, and a
 * "did you mean" for a typo. Arguments keep the case the user typed (rule ids and rule JSON
 * are case-sensitive); only the command words are folded.
 */
import type { EvidenceVerb, RotationVerb } from './verbs.js';
import { CertifyError } from '../../base/errors.js';
import { closest, findFramework } from '../../scanner/frameworks/index.js';

/** Commands whose handler reads the rest of the line itself (a framework and period, a target…). */
export const TEXT_COMMANDS = ['evidence', 'presets', 'rotate', 'cert'] as const;
export type TextCommandName = (typeof TEXT_COMMANDS)[number];

/** Proactive-alert commands: `args` is the rest of the line (filters such as `vault=kv-prod`). */
export const ALERT_COMMANDS = ['subscribe', 'unsubscribe', 'alerts'] as const;
export type AlertCommandName = (typeof ALERT_COMMANDS)[number];

export const RULE_ACTIONS = ['list', 'add', 'update', 'remove', 'enable', 'disable'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export const PARAMETER_ACTIONS = ['show', 'set', 'reset'] as const;
export type ParameterAction = (typeof PARAMETER_ACTIONS)[number];

/** `/certify parameters [set NAME=VALUE… | reset [NAME…]]`: the organisation parameters. */
export type ParametersCommand =
  | { name: 'parameters'; action: 'show' }
  /** `args`: the `NAME=VALUE` words, as typed. */
  | { name: 'parameters'; action: 'set'; args: string }
  /** `names`: the parameters to reset, as typed; empty resets every one. */
  | { name: 'parameters'; action: 'reset'; names: string[] }
  | { name: 'parameters'; action: 'unknown'; input: string; suggestion: string | null };

export type RuleCommand =
  | { name: 'rule'; action: 'list' }
  /** `json`: the text after `add`, as typed. */
  | { name: 'rule'; action: 'add'; json: string }
  | { name: 'rule'; action: 'update'; id: string | null; json: string }
  | { name: 'rule'; action: 'remove' | 'enable' | 'disable'; id: string | null }
  | { name: 'rule'; action: 'unknown'; input: string; suggestion: string | null };

export type Command =
  | { name: 'help' }
  /** `framework`: as typed (resolved by the handler), or null for the overall score. */
  | { name: 'score'; framework: string | null }
  /**
   * The score over the saved scans; `framework` as typed, or null for the overall score. `days`:
   * the text after `--days`, present only when given, checked by {@link trendDays} when handled
   * (so a wrong value is an answer, not a parse failure).
   */
  | { name: 'trend'; framework: string | null; days?: string }
  /** Either part may be missing; the handler says what is needed. */
  | { name: 'control'; framework: string | null; control: string | null }
  | { name: 'rules' }
  | RuleCommand
  | ParametersCommand
  | { name: 'scan' }
  /** `args`: the rest of the line, as typed. */
  | { name: AlertCommandName; args: string }
  /** `keys`: the alert dedup keys of the card whose button was pressed. */
  | { name: 'alert'; action: 'ack' | 'snooze'; keys: string[]; group: string | null }
  /** `args`: the rest of the line, as typed. */
  | { name: TextCommandName; args: string }
  /** A button on an evidence approval card; `data` carries the bundle id and any input values. */
  | { name: 'evidence-action'; verb: EvidenceVerb; data: Readonly<Record<string, string>> }
  /** A button on a rotation approval card. */
  | { name: 'rotation-action'; verb: RotationVerb; data: Readonly<Record<string, string>> }
  | { name: 'unknown'; input: string; suggestion: string | null };

export type CommandName = Command['name'];

/** Canonical command words, as offered in help and suggestions. */
export const COMMAND_WORDS = [
  'help',
  'score',
  'control',
  'rules',
  'rule',
  'parameters',
  'scan',
  'trend',
  ...ALERT_COMMANDS,
  ...TEXT_COMMANDS,
] as const;
type CommandWord = (typeof COMMAND_WORDS)[number];

const ALIASES: Readonly<Record<string, CommandWord>> = {
  '?': 'help',
  h: 'help',
  scores: 'score',
  status: 'score',
  controls: 'control',
  ctl: 'control',
  catalog: 'rules',
  catalogue: 'rules',
  parameter: 'parameters',
  params: 'parameters',
  thresholds: 'parameters',
  trends: 'trend',
  history: 'trend',
};

const RULE_ALIASES: Readonly<Record<string, RuleAction>> = {
  ls: 'list',
  create: 'add',
  new: 'add',
  edit: 'update',
  delete: 'remove',
  rm: 'remove',
  on: 'enable',
  off: 'disable',
};

/** Words a message may start with before the command: `/certify`, `certify`, `@certify`. */
const PREFIX = /^(?:\/|@)?certify\b:?/i;

/** The first word and the rest of `text` (the rest untouched but for the whitespace between). */
function peel(text: string): [string, string] {
  const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(text);
  return m ? [m[1]!, m[2]!.trim()] : ['', ''];
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

function isFramework(name: string): boolean {
  try {
    findFramework(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * `pci 3.7`, `pci-dss 3.7`, `PCI DSS 3.7.4`, `iso 27001 A.8.24`: the longest run of leading
 * words that names a framework, the rest is the control. When no prefix names one, the first
 * word is taken as the framework, so the handler can say it is unknown and suggest another.
 */
function splitControl(rest: string): { framework: string | null; control: string | null } {
  const parts = words(rest);
  if (parts.length === 0) return { framework: null, control: null };
  for (let n = parts.length - 1; n >= 1; n--) {
    const name = parts.slice(0, n).join(' ');
    if (isFramework(name)) return { framework: name, control: parts.slice(n).join(' ') };
  }
  if (parts.length === 1) return { framework: parts[0]!, control: null };
  return { framework: parts[0]!, control: parts.slice(1).join(' ') };
}

/** The longest `--days` window: ten years, far beyond any history kept. */
export const MAX_TREND_DAYS = 3650;

/** `trend [framework] [--days N]` (also `--days=N`, anywhere on the line). */
function parseTrend(rest: string): Extract<Command, { name: 'trend' }> {
  const parts = words(rest);
  const kept: string[] = [];
  let days: string | undefined;
  for (let i = 0; i < parts.length; i++) {
    const word = parts[i]!;
    const m = /^--days(?:=(.*))?$/i.exec(word);
    if (m === null) kept.push(word);
    else if (m[1] !== undefined) days = m[1];
    else days = parts[++i] ?? '';
  }
  const framework = kept.length === 0 ? null : kept.join(' ');
  return days === undefined ? { name: 'trend', framework } : { name: 'trend', framework, days };
}

/** The `--days` of a trend command as a number: a whole number of days from 1 to {@link MAX_TREND_DAYS}. */
export function trendDays(text: string): number {
  const value = text.trim();
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_TREND_DAYS) {
    throw new CertifyError(
      'BAD_USAGE',
      value === ''
        ? '--days needs a number of days'
        : `--days must be a whole number of days from 1 to ${MAX_TREND_DAYS}, not "${value}"`,
      [],
      'e.g. /certify trend pci --days 90',
    );
  }
  return Number(value);
}

function parseRule(rest: string): RuleCommand {
  const [word, args] = peel(rest);
  if (word === '') return { name: 'rule', action: 'list' };
  const lower = word.toLowerCase();
  const action: RuleAction | undefined = (RULE_ACTIONS as readonly string[]).includes(lower)
    ? (lower as RuleAction)
    : RULE_ALIASES[lower];
  switch (action) {
    case 'list':
      return { name: 'rule', action: 'list' };
    case 'add':
      return { name: 'rule', action: 'add', json: args };
    case 'update': {
      const [id, json] = peel(args);
      return { name: 'rule', action: 'update', id: id === '' ? null : id, json };
    }
    case 'remove':
    case 'enable':
    case 'disable': {
      const [id] = peel(args);
      return { name: 'rule', action, id: id === '' ? null : id };
    }
    default:
      return {
        name: 'rule',
        action: 'unknown',
        input: word,
        suggestion: closest(lower, RULE_ACTIONS) ?? null,
      };
  }
}

function parseParameters(rest: string): ParametersCommand {
  const [word, args] = peel(rest);
  const lower = word.toLowerCase();
  if (word === '' || lower === 'show' || lower === 'list') return { name: 'parameters', action: 'show' };
  if (lower === 'set') return { name: 'parameters', action: 'set', args };
  if (lower === 'reset') return { name: 'parameters', action: 'reset', names: words(args) };
  return {
    name: 'parameters',
    action: 'unknown',
    input: word,
    suggestion: closest(lower, PARAMETER_ACTIONS) ?? null,
  };
}

/** What follows `/certify` → a Command. Never throws; empty input is help. */
export function parseCommand(text: string): Command {
  const body = text.trim().replace(PREFIX, '').trim();
  const [first, rest] = peel(body);
  if (first === '') return { name: 'help' };
  const lower = first.toLowerCase();
  const word: CommandWord | undefined = (COMMAND_WORDS as readonly string[]).includes(lower)
    ? (lower as CommandWord)
    : ALIASES[lower];
  const restWords = words(rest).join(' ');

  switch (word) {
    case 'help':
      return { name: 'help' };
    case 'score':
      return { name: 'score', framework: restWords === '' ? null : restWords };
    case 'control':
      return { name: 'control', ...splitControl(rest) };
    case 'rules':
      return { name: 'rules' };
    case 'rule':
      return parseRule(rest);
    case 'parameters':
      return parseParameters(rest);
    case 'scan':
      return { name: 'scan' };
    case 'trend':
      return parseTrend(rest);
    case undefined: {
      const input = words(body).join(' ');
      const suggestion = closest(lower, [...COMMAND_WORDS, ...Object.keys(ALIASES)]);
      return {
        name: 'unknown',
        input,
        suggestion: suggestion === undefined ? null : (ALIASES[suggestion] ?? suggestion),
      };
    }
    default:
      return { name: word, args: restWords };
  }
}

/**
 * A button press (an ActionView's `verb` and `data`) → the Command it stands for, so every
 * channel maps buttons the same way. Unknown verbs give help.
 */
export function commandFromAction(verb: string, data: Readonly<Record<string, string>>): Command {
  const text = (key: string): string | null => {
    const v = data[key];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
  };
  switch (verb) {
    case 'score.refresh':
    case 'score.show':
      return { name: 'score', framework: text('framework') };
    case 'control.show':
    case 'control.refresh':
      return { name: 'control', framework: text('framework'), control: text('control') };
    case 'trend.refresh':
    case 'trend.show': {
      const days = text('days');
      return days === null
        ? { name: 'trend', framework: text('framework') }
        : { name: 'trend', framework: text('framework'), days };
    }
    case 'rules.show':
      return { name: 'rules' };
    case 'parameters.show':
      return { name: 'parameters', action: 'show' };
    case 'alert.ack':
    case 'alert.snooze':
      return {
        name: 'alert',
        action: verb === 'alert.ack' ? 'ack' : 'snooze',
        keys: (data.keys ?? '')
          .split(',')
          .map((k) => k.trim())
          .filter((k) => k !== ''),
        group: text('group'),
      };
    case 'scan.run':
      return { name: 'scan' };
    case 'evidence.show':
    case 'evidence.sign':
    case 'evidence.confirm':
    case 'evidence.cancel':
    case 'evidence.reject':
    case 'evidence.reject-confirm':
    case 'evidence.link':
      return { name: 'evidence-action', verb, data };
    case 'rotation.show':
    case 'rotation.approve':
    case 'rotation.reject':
    case 'rotation.reject-confirm':
    case 'rotation.cancel':
      return { name: 'rotation-action', verb, data };
    case 'rule.enable':
    case 'rule.disable':
    case 'rule.remove':
      return {
        name: 'rule',
        action: verb.slice('rule.'.length) as 'enable' | 'disable' | 'remove',
        id: text('id'),
      };
    default:
      return { name: 'help' };
  }
}
