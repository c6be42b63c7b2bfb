/**
 * `/certify parameters` (anyone: the values every scan uses) and `/certify parameters set
 * NAME=VALUE…` / `reset [NAME…]` (approvers only, decided by the parameters service on the
 * server, which validates, stores and records every change in the operator audit log).
 */
import { CertifyError, isCertifyError } from '../../base/errors.js';
import { parameterChangeView, parametersView } from '../../cards/scan-views.js';
import type { MessageView, ParametersView, View } from '../../cards/views.js';
import { parseAssignments } from '../../scanner/rules/parameters-check.js';
import type { ParameterService } from '../../services/parameters.js';
import { actorOf, type CommandContext } from './context.js';
import { errorView } from './errors.js';
import type { ParametersCommand } from './parse.js';

const SET_EXAMPLE = 'e.g. /certify parameters set expiringSoonDays=45 expiringCriticalDays=10';

/** Who may change them, said to whoever looks. */
function noteFor(ctx: CommandContext, service: ParameterService): string {
  return service.mayChange(actorOf(ctx))
    ? 'You can change them: /certify parameters set NAME=VALUE … or /certify parameters reset [NAME …]. Every change is recorded in the audit log.'
    : 'Only approvers (CERTIFY_APPROVERS) can change them.';
}

const unavailable: MessageView = {
  kind: 'message',
  tone: 'neutral',
  title: 'Parameters unavailable',
  text: 'Organisation parameters are not available in this service.',
  hint: null,
  actions: [],
};

export async function parametersCommand(cmd: ParametersCommand, ctx: CommandContext): Promise<View> {
  const service = ctx.parameters;
  if (!service) return unavailable;
  const by = { actor: actorOf(ctx), at: ctx.now };
  switch (cmd.action) {
    case 'show':
      return parametersView((await service.current()).effective, { note: noteFor(ctx, service) });
    case 'set':
      return changed(ctx, async (): Promise<ParametersView> => {
        if (cmd.args.trim() === '') {
          throw new CertifyError('BAD_USAGE', 'parameters set needs NAME=VALUE', [], SET_EXAMPLE);
        }
        const result = await service.set(parseAssignments(cmd.args), by);
        return parameterChangeView(
          'set',
          { effective: result.state.effective, changed: result.changed },
          null,
        );
      });
    case 'reset':
      return changed(ctx, async () => {
        const result = await service.reset(cmd.names, by);
        return parameterChangeView(
          'reset',
          { effective: result.state.effective, changed: result.changed },
          null,
        );
      });
    case 'unknown':
      throw new CertifyError(
        'BAD_USAGE',
        `unknown parameters command "${cmd.input}"`,
        [],
        (cmd.suggestion === null ? '' : `did you mean "parameters ${cmd.suggestion}"? `) +
          'Use /certify parameters, parameters set NAME=VALUE … or parameters reset [NAME …].',
      );
  }
}

/** A refused value or usage is answered as "Parameters not changed", naming every problem. */
async function changed(ctx: CommandContext, change: () => Promise<ParametersView>): Promise<View> {
  try {
    return await change();
  } catch (error) {
    if (isCertifyError(error) && (error.code === 'BAD_INPUT' || error.code === 'BAD_USAGE')) {
      return { ...errorView(error, ctx), title: 'Parameters not changed' };
    }
    throw error;
  }
}
