/**
 * A Key Vault event as Certify handles it, whichever envelope it came in (the Event Grid schema
 * or CloudEvents 1.0): what the `POST /api/eventgrid` route hands to the `eventgrid-events` job.
 * Only names, versions and dates: Key Vault events never carry a secret's value.
 */

/** The Key Vault event types Certify acts on (`Microsoft.KeyVault.` + one of these). */
export const KEY_VAULT_EVENT_TYPES = [
  'SecretNearExpiry',
  'SecretExpired',
  'SecretNewVersionCreated',
  'KeyNearExpiry',
  'KeyExpired',
  'KeyNewVersionCreated',
  'CertificateNearExpiry',
  'CertificateExpired',
  'CertificateNewVersionCreated',
  'VaultAccessPolicyChanged',
] as const;

export type KeyVaultEventType = (typeof KEY_VAULT_EVENT_TYPES)[number];

export interface KeyVaultEvent {
  /** The event's id: a redelivery carries the same one. */
  id: string;
  type: KeyVaultEventType;
  /** When Key Vault raised it (ISO 8601). */
  time: string;
  /** The vault's name, lower case (data.VaultName). */
  vault: string;
  /** data.ObjectType: `Secret`, `Key`, `Certificate` or `Vault`. */
  objectType: 'Secret' | 'Key' | 'Certificate' | 'Vault';
  /** data.ObjectName; null for vault events. */
  objectName: string | null;
  /** data.Version; null when absent. */
  version: string | null;
  /** data.NBF / data.EXP as epoch seconds; null when absent. */
  nbf: number | null;
  exp: number | null;
  /**
   * The asset id the scans use for this object (`https://<vault>.<dns suffix>/secrets/<name>`,
   * lower-case vault host, no version), or null for vault events.
   */
  assetId: string | null;
}

/** The job the route enqueues; its data. */
export const EVENTGRID_EVENTS_JOB = 'eventgrid-events';
export interface EventGridEventsJobData extends Record<string, unknown> {
  events: KeyVaultEvent[];
  /** ISO 8601: when the delivery was accepted. */
  receivedAt: string;
}
