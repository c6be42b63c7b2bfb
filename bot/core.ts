import type { CertifyPorts } from '../core/certify.js';
import type { Source } from '../scanner/sources/types.js';
import type { AlertStore } from '../store/alerts.js';
import { commandFromAction, handleCommand, parseCommand } from './commands/index.js';
import type { BotCore } from './types.js';

/** The channel-neutral core: parse, handle, return a View. */
export function createBotCore(deps: {
  ports: CertifyPorts;
  source: Source;
  clock: () => number;
  /** Proactive-alert state (subscribe, alerts, Acknowledge / Snooze); absent: alerts are off. */
  alerts?: AlertStore;
  onError?: (error: unknown) => void;
}): BotCore {
  const context = (user: { id: string; name: string }, channel: Parameters<BotCore['answer']>[2]) => ({
    ports: deps.ports,
    source: deps.source,
    now: deps.clock(),
    user,
    channel,
    ...(deps.alerts ? { alerts: deps.alerts } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
  return {
    answer: (text, user, channel) => handleCommand(parseCommand(text), context(user, channel)),
    act: (verb, data, user, channel) => handleCommand(commandFromAction(verb, data), context(user, channel)),
  };
}
