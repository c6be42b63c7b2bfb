/**
 * What may enter the operator audit log: an event is screened before it is numbered and chained,
 * so a malformed event or one carrying a secret is refused loudly and nothing is logged.
 */
import type { AuditEvent } from '../types.js';
import { auditError } from './format.js';

/**
 * Detail keys that name a secret's content rather than facts about it. Exact names only: Key
 * Vault facts such as `secretName` or `tokenExpiry` are legitimate audit details.
 */
const SECRET_KEY =
  /^(password|passphrase|secret|secretValue|clientSecret|token|accessToken|refreshToken|idToken|credential|credentials|apiKey|privateKey|connectionString|value)$/i;

/**
 * Checks an event and returns a copy of what is logged, so a caller mutating its objects after
 * the call cannot change what is hashed. Throws AUDIT_LOG naming what is wrong.
 */
export function screenEvent(event: AuditEvent): AuditEvent {
  const bad = (what: string) => auditError(`refusing to log an audit event: ${what}`);
  if (typeof event !== 'object' || event === null) throw bad('it is not an object');
  if (typeof event.action !== 'string' || event.action === '')
    throw bad('"action" must be a non-empty string');
  const actor = event.actor as unknown as Record<string, unknown> | null;
  if (typeof actor !== 'object' || actor === null) throw bad('"actor" must be an object');
  for (const field of ['id', 'name', 'channel']) {
    if (typeof actor[field] !== 'string') throw bad(`"actor.${field}" must be a string`);
  }
  if (event.subject !== null && typeof event.subject !== 'string')
    throw bad('"subject" must be a string or null');
  if (typeof event.details !== 'object' || event.details === null || Array.isArray(event.details)) {
    throw bad('"details" must be an object');
  }
  for (const [key, value] of Object.entries(event.details)) {
    if (SECRET_KEY.test(key)) {
      // Loud on purpose: the log is kept for years and exported to auditors; a secret in it leaks.
      throw bad(
        `details key "${key}" names a secret value; the audit log never stores secrets, tokens or credentials`,
      );
    }
    const ok =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) throw bad(`details "${key}" must be a string, a finite number, a boolean or null`);
  }
  return {
    action: event.action,
    actor: { id: event.actor.id, name: event.actor.name, channel: event.actor.channel },
    subject: event.subject,
    details: { ...event.details },
  };
}
