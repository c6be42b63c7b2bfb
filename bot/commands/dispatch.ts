/** A parsed command → the handler of its kind → a View; any failure → an error message. */
import type { View } from '../../cards/views.js';
import type { CommandContext } from './context.js';
import { controlCommand } from './control.js';
import { errorView } from './errors.js';
import { evidenceAction, evidenceCommand } from './evidence.js';
import { parametersCommand } from './parameters.js';
import { helpView } from './help.js';
import type { Command } from './parse.js';
import { certCommand, presetsView, rotateCommand, rotationAction } from './provenance.js';
import { ruleCommand, rulesCommand } from './rules.js';
import { scanCommand, scoreCommand } from './score.js';
import { trendCommand } from './trend.js';
import {
  alertActionCommand,
  alertsCommand,
  alertStore,
  subscribeCommand,
  unsubscribeCommand,
} from './subscriptions.js';

export async function handleCommand(cmd: Command, ctx: CommandContext): Promise<View> {
  try {
    return await dispatch(cmd, ctx);
  } catch (error) {
    return errorView(error, ctx);
  }
}

async function dispatch(cmd: Command, ctx: CommandContext): Promise<View> {
  switch (cmd.name) {
    case 'help':
      return helpView(null);
    case 'unknown':
      return helpView({ input: cmd.input, suggestion: cmd.suggestion });
    case 'score':
      return scoreCommand(cmd.framework, ctx);
    case 'scan':
      return scanCommand(ctx);
    case 'trend':
      return trendCommand(cmd.framework, ctx, cmd.days);
    case 'control':
      return controlCommand(cmd.framework, cmd.control, ctx);
    case 'rules':
      return rulesCommand(ctx);
    case 'rule':
      return ruleCommand(cmd, ctx);
    case 'parameters':
      return parametersCommand(cmd, ctx);
    case 'subscribe':
      return subscribeCommand(cmd.args, ctx);
    case 'unsubscribe':
      return unsubscribeCommand(ctx);
    case 'alerts':
      return alertsCommand(ctx);
    case 'alert':
      return alertActionCommand(
        cmd.action,
        cmd.group ? ((await alertStore(ctx).group(cmd.group)) ?? []) : cmd.keys,
        ctx,
      );
    case 'evidence':
      return evidenceCommand(cmd.args, ctx);
    case 'evidence-action':
      return evidenceAction(cmd.verb, cmd.data, ctx);
    case 'presets':
      return presetsView();
    case 'rotate':
      return rotateCommand(cmd.args, ctx);
    case 'cert':
      return certCommand(cmd.args, ctx);
    case 'rotation-action':
      return rotationAction(cmd.verb, cmd.data, ctx);
  }
}
