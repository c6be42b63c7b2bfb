/**
 * What makes a Slack delivery the same one again, whatever its timestamp and signature: a retry
 * is signed afresh, so only the request's own ids can tell it was already handled.
 */

export type DeliveryKind = 'command' | 'interaction' | 'event';

export interface DeliveryIdentity {
  kind: DeliveryKind;
  /** A DeliveryLedger key; namespaced by kind so ids of different kinds cannot collide. */
  key: string;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * The identity of a verified, parsed request body, or undefined when it carries none (it is then
 * processed as it comes). Events: `event_id`. Slash commands: `trigger_id`. Interactive payloads:
 * `trigger_id` and the first action's `action_ts` and `action_id`, with who acted — a payload
 * with neither `trigger_id` nor `action_ts` (options loads) has nothing that marks it unique.
 */
export function deliveryIdentity(body: Record<string, unknown>): DeliveryIdentity | undefined {
  const eventId = text(body['event_id']);
  if (eventId !== undefined) return { kind: 'event', key: `event:${eventId}` };

  const triggerId = text(body['trigger_id']);
  if (text(body['command']) !== undefined) {
    return triggerId === undefined ? undefined : { kind: 'command', key: `command:${triggerId}` };
  }

  const type = text(body['type']);
  if (type === undefined) return undefined;
  const actions = body['actions'];
  const action: unknown = Array.isArray(actions) ? actions[0] : undefined;
  const actionTs = text(field(action, 'action_ts'));
  if (triggerId === undefined && actionTs === undefined) return undefined;
  const parts = [
    type,
    triggerId,
    text(field(action, 'action_id')),
    actionTs,
    text(field(body['user'], 'id')),
  ];
  return { kind: 'interaction', key: `interaction:${JSON.stringify(parts.map((p) => p ?? ''))}` };
}
