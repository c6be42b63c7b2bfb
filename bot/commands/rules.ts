/**
 * `/certify rules` and `/certify rule add|update|remove|enable|disable`: the catalogue, and custom
 * rule changes through the rules service (which validates, stores and records them).
 */
import type { MessageView, RulesView, View } from '../../cards/views.js';
import { rulesView } from '../../cards/scan-views.js';
import { CertifyError } from '../../base/errors.js';
import { BUILTIN_RULES } from '../../scanner/rules/builtin/index.js';
import { describeCondition } from '../../scanner/rules/custom.js';
import type { CustomRuleDef } from '../../scanner/rules/custom-types.js';
import type { RuleChangeBy } from '../../services/rules.js';
import { actorOf, type CommandContext } from './context.js';
import type { RuleCommand } from './parse.js';

export async function rulesCommand(ctx: CommandContext): Promise<RulesView> {
  return rulesView(BUILTIN_RULES, await ctx.rules.list());
}

const RULE_EXAMPLE =
  'e.g. /certify rule add {"id":"PROD-TAG","name":"Production tag","severity":"Medium","condition":' +
  '{"asset_scope":"secrets","asset_field":"tag_present","operator":"not_exists","value":"env"}}';

function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') {
    throw new CertifyError('BAD_USAGE', `${what} needs the rule as JSON`, [], RULE_EXAMPLE);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CertifyError(
      'BAD_INPUT',
      `${what}: the text after the command is not valid JSON`,
      [(e as Error).message],
      RULE_EXAMPLE,
    );
  }
}

/** The rule id typed, as stored (ids typed in chat may differ in case). */
async function needId(ctx: CommandContext, id: string | null, action: string): Promise<string> {
  if (id === null) {
    throw new CertifyError(
      'BAD_USAGE',
      `rule ${action} needs a rule id`,
      [],
      `e.g. /certify rule ${action} PROD-TAG; /certify rules lists the ids`,
    );
  }
  return ctx.rules.storedId(id);
}

function ruleDone(title: string, rule: CustomRuleDef, extra: string): MessageView {
  return {
    kind: 'message',
    tone: 'good',
    title,
    text: `${rule.id} · ${rule.name} (${rule.severity}, weight ${rule.weight}, ${
      rule.enabled ? 'enabled' : 'disabled'
    }): flags ${describeCondition(rule.condition)}. ${extra}`,
    hint: null,
    actions: [
      { verb: 'scan.run', title: 'Scan now', data: {} },
      { verb: 'rules.show', title: 'Rules', data: {} },
    ],
  };
}

const COUNTS_NEXT = 'It counts from the next scan.';

export async function ruleCommand(cmd: RuleCommand, ctx: CommandContext): Promise<View> {
  const by: RuleChangeBy = { actor: actorOf(ctx), at: ctx.now };
  switch (cmd.action) {
    case 'list':
      return rulesCommand(ctx);
    case 'add': {
      const created = await ctx.rules.add(parseJson(cmd.json, 'rule add'), by);
      return ruleDone('Custom rule added', created, COUNTS_NEXT);
    }
    case 'update': {
      const id = await needId(ctx, cmd.id, 'update');
      const updated = await ctx.rules.update(id, parseJson(cmd.json, 'rule update'), by);
      return ruleDone('Custom rule updated', updated, COUNTS_NEXT);
    }
    case 'remove': {
      const removed = await ctx.rules.remove(await needId(ctx, cmd.id, 'remove'), by);
      return {
        kind: 'message',
        tone: 'good',
        title: 'Custom rule removed',
        text: `${removed.id} · ${removed.name} is removed; the next scan no longer evaluates it.`,
        hint: null,
        actions: [{ verb: 'rules.show', title: 'Rules', data: {} }],
      };
    }
    case 'enable':
    case 'disable': {
      const id = await needId(ctx, cmd.id, cmd.action);
      const changed = await ctx.rules.setEnabled(id, cmd.action === 'enable', by);
      return ruleDone(`Custom rule ${cmd.action}d`, changed, COUNTS_NEXT);
    }
    case 'unknown':
      throw new CertifyError(
        'BAD_USAGE',
        `unknown rule command "${cmd.input}"`,
        [],
        (cmd.suggestion === null ? '' : `did you mean "rule ${cmd.suggestion}"? `) +
          'Use rule list | add | update | remove | enable | disable.',
      );
  }
}
