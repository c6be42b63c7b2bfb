/**
 * The Bolt listeners: `/certify` and every block_actions button. Both ack at once (the HTTP
 * response goes out right then), then ask the core and answer through response_url. A button on
 * the App Home has no response_url and no channel: its answer goes to the user's DM with
 * Certify. Mentions and DMs (events.ts) and the App Home (home.ts) are registered here too.
 */
import type { App, RespondFn, types } from '@slack/bolt';
import { toBlockKit } from '../../cards/index.js';
import type { BotCore, BotChannel, BotUser, Log } from '../types.js';
import { registerMessageEvents } from './events.js';
import { publishHome, registerHome, type SlackHomeDeps, type ViewsPublisher } from './home.js';
import { errorMessage } from './logger.js';

/** cards/ Block Kit blocks, seen through the SDK's own block type. */
export type SlackBlocks = types.KnownBlock[];

export const WORKING_TEXT = 'Working on it…';
export const FAILED_TEXT = 'Sorry, Certify could not answer that. The error was logged; please try again.';

async function respondFailure(respond: RespondFn, log: Log, event: string, error: unknown): Promise<void> {
  log(event, { error: errorMessage(error) });
  try {
    await respond({ response_type: 'ephemeral', replace_original: false, text: FAILED_TEXT });
  } catch (e) {
    log('slack.respond_failed', { error: errorMessage(e) });
  }
}

/** An action's value is the JSON object cards/ wrote; anything else becomes no data. */
export function parseActionData(value: string | undefined): Record<string, string> {
  if (value === undefined || value === '') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof v === 'string') data[k] = v;
    }
    return data;
  } catch {
    return {};
  }
}

/**
 * Text typed into the message's input blocks, keyed by action_id (the InputView id): what Teams
 * merges into an Action.Execute's data. Empty inputs arrive as null and are left out, as the
 * Adaptive Cards client leaves out unset inputs.
 */
export function inputValues(state: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (!isRecord(state) || !isRecord(state.values)) return values;
  for (const block of Object.values(state.values)) {
    if (!isRecord(block)) continue;
    for (const [actionId, element] of Object.entries(block)) {
      if (isRecord(element) && typeof element.value === 'string') values[actionId] = element.value;
    }
  }
  return values;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function registerListeners(
  app: App,
  deps: {
    core: BotCore;
    log: Log;
    /** The App Home; absent: app_home_opened is not answered. */ home?: SlackHomeDeps;
  },
): void {
  const { core, log, home } = deps;
  registerMessageEvents(app, { core, log, failedText: FAILED_TEXT });
  if (home) registerHome(app, home);

  app.command('/certify', async ({ command, ack, respond }) => {
    await ack({ response_type: 'ephemeral', text: WORKING_TEXT });
    const user: BotUser = { id: command.user_id, name: command.user_name };
    const channel: BotChannel = { kind: 'slack', id: command.channel_id };
    try {
      const view = await core.answer(command.text, user, channel);
      const { text, blocks } = toBlockKit(view);
      await respond({ response_type: 'in_channel', text, blocks: blocks as SlackBlocks });
      log('slack.command.answered', { user: user.id, channel: channel.id, kind: view.kind });
    } catch (error) {
      await respondFailure(respond, log, 'slack.command.failed', error);
    }
  });

  app.action(/.*/, async ({ body, action, ack, respond, client }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
    // A link button (the evidence download) is opened by Slack itself; its press only needs the ack.
    if (action.url) return;
    // The verb is the button's own action_id, so no input (whatever its id) can change it.
    const verb = action.action_id.split('#')[0] ?? '';
    const user: BotUser = { id: body.user.id, name: body.user.name ?? body.user.username ?? body.user.id };
    if (body.view?.type === 'home') {
      // Posting to a user id lands in the user's DM with Certify (its Messages tab).
      const dm: BotChannel = { kind: 'slack', id: user.id };
      try {
        const view = await core.act(verb, parseActionData(action.value), user, dm);
        const { text, blocks } = toBlockKit(view);
        await client.chat.postMessage({ channel: dm.id, text, blocks: blocks as SlackBlocks });
        log('slack.home.action_answered', { user: user.id, verb, kind: view.kind });
        // A scan changes what the home shows: publish it again at once rather than at the next scan.
        if (verb === 'scan.run' && home) {
          const viewer = { teamId: body.team?.id ?? body.user.team_id ?? '', userId: user.id };
          await publishHome(client as unknown as ViewsPublisher, home.source, viewer);
        }
      } catch (error) {
        log('slack.home.action_failed', { user: user.id, verb, error: errorMessage(error) });
        await client.chat
          .postMessage({ channel: dm.id, text: FAILED_TEXT })
          .catch((e: unknown) => log('slack.respond_failed', { error: errorMessage(e) }));
      }
      return;
    }
    const channel: BotChannel = { kind: 'slack', id: body.channel?.id ?? body.container?.channel_id ?? '' };
    try {
      // Inputs win over the button's data, as in Teams and the Adaptive Cards client.
      const data = { ...parseActionData(action.value), ...inputValues(body.state) };
      const view = await core.act(verb, data, user, channel);
      const { text, blocks } = toBlockKit(view);
      await respond({ replace_original: true, text, blocks: blocks as SlackBlocks });
      log('slack.action.answered', { user: user.id, channel: channel.id, verb, kind: view.kind });
    } catch (error) {
      await respondFailure(respond, log, 'slack.action.failed', error);
    }
  });

  app.error(async (error) => {
    log('slack.listener_error', { error: errorMessage(error) });
  });
}
