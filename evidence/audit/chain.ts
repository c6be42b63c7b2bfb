/**
 * The hash chain: each entry carries the hash of the one before, so an edit, deletion, insertion
 * or reordering breaks it. An entry's hash is SHA-256 (hex) of the canonical JSON of every field
 * but `hash`.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../base/canonical-json.js';
import type { AuditEntry, AuditEvent } from '../types.js';
import { GENESIS, HEX64, isPlain } from './format.js';

/** SHA-256 (hex) of the canonical JSON of every field of the entry but `hash`. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  // A full entry may be passed where the type allows it; its own hash is never part of the input.
  const { hash: _hash, ...content } = entry as Partial<AuditEntry>;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The entry that follows `previous` (null: the log is empty), appended at `at` (ISO). */
export function chainEntry(
  previous: { seq: number; hash: string } | null,
  event: AuditEvent,
  at: string,
): AuditEntry {
  const base = { seq: (previous?.seq ?? 0) + 1, at, ...event, prev: previous?.hash ?? GENESIS };
  return { ...base, hash: entryHash(base) };
}

/** The entry, or why the line is not one. */
export function parseEntryLine(line: string): AuditEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return line.trim() === '' ? 'the line is empty' : 'the line is not JSON';
  }
  if (!isPlain(value)) return 'the line is not a JSON object';
  const { seq, at, action, actor, subject, details, prev, hash } = value;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) return '"seq" is not a positive integer';
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return '"at" is not an ISO time';
  if (typeof action !== 'string') return '"action" is not a string';
  if (
    !isPlain(actor) ||
    typeof actor.id !== 'string' ||
    typeof actor.name !== 'string' ||
    typeof actor.channel !== 'string'
  ) {
    return '"actor" is not an { id, name, channel } object';
  }
  if (subject !== null && typeof subject !== 'string') return '"subject" is not a string or null';
  if (!isPlain(details)) return '"details" is not an object';
  if (typeof prev !== 'string' || !HEX64.test(prev)) return '"prev" is not a SHA-256 hex hash';
  if (typeof hash !== 'string' || !HEX64.test(hash)) return '"hash" is not a SHA-256 hex hash';
  return value as unknown as AuditEntry;
}
