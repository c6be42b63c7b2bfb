/**
 * A delivery's body → what the route does with it: a subscription validation to answer, or the
 * Key Vault events to enqueue. Both envelopes are read by @azure/eventgrid's deserializer (it
 * checks the required envelope fields); only Key Vault's `data` is read here, by its documented
 * field names. Pure: no I/O, no clock.
 */
import { EventGridDeserializer, isSystemEvent, type CloudEvent, type EventGridEvent } from '@azure/eventgrid';
import { HttpError } from '../http.js';
import { KEY_VAULT_EVENT_TYPES, type KeyVaultEvent, type KeyVaultEventType } from './types.js';

export const VALIDATION_EVENT = 'Microsoft.EventGrid.SubscriptionValidationEvent';
const KEY_VAULT_PREFIX = 'Microsoft.KeyVault.';

export type Envelope = 'eventgrid' | 'cloudevents';

export type Delivery =
  | { kind: 'validation'; validationCode: string }
  | {
      kind: 'events';
      envelope: Envelope;
      events: KeyVaultEvent[];
      /** Events of other types: accepted (Event Grid must not retry them) and ignored. */
      ignored: Array<{ id: string; type: string }>;
    };

const deserializer = new EventGridDeserializer();

/**
 * Which envelope a body is in. The content type says so for CloudEvents (structured mode); a
 * body in either schema sent as plain application/json is told apart by its fields, because
 * Event Grid sends CloudEvents as `application/cloudevents-batch+json` but a relay may not.
 */
export function envelopeOf(contentType: string | undefined, body: unknown): Envelope {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/cloudevents+json' || type === 'application/cloudevents-batch+json')
    return 'cloudevents';
  const first: unknown = Array.isArray(body) ? body[0] : body;
  if (first !== null && typeof first === 'object' && 'specversion' in first) return 'cloudevents';
  return 'eventgrid';
}

/** A data field by its documented name (`VaultName`), or its camel-case twin (`vaultName`). */
function field(data: Record<string, unknown>, name: string): unknown {
  if (name in data) return data[name];
  const camel = name.length <= 3 ? name.toLowerCase() : name[0]!.toLowerCase() + name.slice(1);
  return data[camel];
}

/** A string field, or null when absent; anything else is a malformed event. */
function text(data: Record<string, unknown>, name: string, where: string): string | null {
  const v = field(data, name);
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw new HttpError(400, `${where}: data.${name} is not a string`);
  return v;
}

/** NBF / EXP: epoch seconds, a number or (as the documented samples show) a string of digits. */
function epochSeconds(data: Record<string, unknown>, name: string, where: string): number | null {
  const v = field(data, name);
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new HttpError(400, `${where}: data.${name} is not epoch seconds (${JSON.stringify(v)})`);
  return n;
}

const KIND_BY_OBJECT_TYPE = { Secret: 'secrets', Key: 'keys', Certificate: 'certificates' } as const;
const OBJECT_TYPE_BY_EVENT: Record<string, KeyVaultEvent['objectType']> = {
  Secret: 'Secret',
  Key: 'Key',
  Certificate: 'Certificate',
  Vault: 'Vault',
};

/**
 * The asset id the Azure source gives this object: the vault URI (`https://<vault>.<suffix>`,
 * which ARM returns in lower case) + kind + name as written, never a version
 * (scanner/sources/azure/map.ts assetId).
 */
export function keyVaultAssetId(
  vault: string,
  objectType: KeyVaultEvent['objectType'],
  name: string,
  dnsSuffix: string,
): string | null {
  if (objectType === 'Vault') return null;
  return `https://${vault.toLowerCase()}.${dnsSuffix}/${KIND_BY_OBJECT_TYPE[objectType]}/${name}`;
}

/** One Key Vault event, whichever envelope it came in, as the job reads it. */
export function toKeyVaultEvent(
  input: { id: string; type: KeyVaultEventType; time: string; data: unknown },
  dnsSuffix: string,
): KeyVaultEvent {
  const where = `event ${input.id} (${KEY_VAULT_PREFIX}${input.type})`;
  if (input.data === null || typeof input.data !== 'object' || Array.isArray(input.data))
    throw new HttpError(400, `${where}: data is not an object`);
  const data = input.data as Record<string, unknown>;
  const vault = text(data, 'VaultName', where);
  if (vault === null) throw new HttpError(400, `${where}: data.VaultName is missing`);
  const typeText = text(data, 'ObjectType', where);
  const objectType = typeText === null ? undefined : OBJECT_TYPE_BY_EVENT[typeText];
  if (objectType === undefined)
    throw new HttpError(
      400,
      `${where}: data.ObjectType ${JSON.stringify(typeText)} is not Secret, Key, Certificate or Vault`,
    );
  const objectName = objectType === 'Vault' ? null : text(data, 'ObjectName', where);
  if (objectType !== 'Vault' && objectName === null)
    throw new HttpError(400, `${where}: data.ObjectName is missing`);
  return {
    id: input.id,
    type: input.type,
    time: input.time,
    vault: vault.toLowerCase(),
    objectType,
    objectName,
    version: text(data, 'Version', where),
    nbf: epochSeconds(data, 'NBF', where),
    exp: epochSeconds(data, 'EXP', where),
    assetId: objectName === null ? null : keyVaultAssetId(vault, objectType, objectName, dnsSuffix),
  };
}

function keyVaultType(type: string): KeyVaultEventType | null {
  if (!type.startsWith(KEY_VAULT_PREFIX)) return null;
  const short = type.slice(KEY_VAULT_PREFIX.length);
  return (KEY_VAULT_EVENT_TYPES as readonly string[]).includes(short) ? (short as KeyVaultEventType) : null;
}

function isoTime(t: Date | undefined, fallback: string): string {
  return t instanceof Date && Number.isFinite(t.getTime()) ? t.toISOString() : fallback;
}

/**
 * Reads a delivery. `receivedAt` stands in for a CloudEvent without `time` (optional in the spec).
 * Throws HttpError 400 naming the problem for a body that is not a valid delivery.
 */
export async function parseDelivery(
  body: Buffer,
  contentType: string | undefined,
  opts: { vaultDnsSuffix: string; receivedAt: string },
): Promise<Delivery> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `the request body is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object')
    throw new HttpError(400, 'the request body is not an event, nor an array of events');
  if (Array.isArray(json) && json.length === 0) throw new HttpError(400, 'the request body has no events');
  const envelope = envelopeOf(contentType, json);
  const events: KeyVaultEvent[] = [];
  const ignored: Array<{ id: string; type: string }> = [];
  const accept = (input: { id: string; type: string; time: string; data: unknown }) => {
    const type = keyVaultType(input.type);
    if (type === null) ignored.push({ id: input.id, type: input.type });
    else events.push(toKeyVaultEvent({ ...input, type }, opts.vaultDnsSuffix));
  };
  if (envelope === 'eventgrid') {
    let parsed: EventGridEvent<unknown>[];
    try {
      parsed = await deserializer.deserializeEventGridEvents(json as Record<string, unknown>);
    } catch (e) {
      throw new HttpError(400, `not a valid Event Grid schema delivery: ${(e as Error).message}`);
    }
    // Event Grid sends the validation event alone, in a batch of one.
    const validation = parsed.find((e) => isSystemEvent(VALIDATION_EVENT, e));
    if (validation) {
      const code = (validation.data as { validationCode?: unknown } | undefined)?.validationCode;
      if (typeof code !== 'string' || code === '')
        throw new HttpError(400, `${VALIDATION_EVENT}: data.validationCode is missing`);
      return { kind: 'validation', validationCode: code };
    }
    for (const e of parsed)
      accept({ id: e.id, type: e.eventType, time: isoTime(e.eventTime, opts.receivedAt), data: e.data });
  } else {
    let parsed: CloudEvent<unknown>[];
    try {
      parsed = await deserializer.deserializeCloudEvents(json as Record<string, unknown>);
    } catch (e) {
      throw new HttpError(400, `not a valid CloudEvents 1.0 delivery: ${(e as Error).message}`);
    }
    for (const e of parsed)
      accept({ id: e.id, type: e.type, time: isoTime(e.time, opts.receivedAt), data: e.data });
  }
  return { kind: 'events', envelope, events, ignored };
}
