/** The channel-neutral command layer: text → Command → View. */
export {
  ALERT_COMMANDS,
  commandFromAction,
  COMMAND_WORDS,
  TEXT_COMMANDS,
  parseCommand,
  PARAMETER_ACTIONS,
  RULE_ACTIONS,
  MAX_TREND_DAYS,
  trendDays,
} from './parse.js';
export type {
  AlertCommandName,
  Command,
  CommandName,
  ParameterAction,
  ParametersCommand,
  TextCommandName,
  RuleAction,
  RuleCommand,
} from './parse.js';
export { handleCommand } from './dispatch.js';
export { COMMAND_TABLE, HELP_COMMANDS } from './help.js';
export type { CommandEntry } from './help.js';
export { MAX_FAILING, MAX_SAMPLES } from '../../cards/scan-views.js';
export type { CommandContext } from './context.js';
