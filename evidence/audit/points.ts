/**
 * Signed points: checkpoints (`audit-checkpoints.jsonl`, one JWS a line) and the head
 * (`audit-head.jws`) pin an entry's hash under the bot's key, so an attacker who edits an entry
 * and recomputes every following hash, or cuts entries off the end, is caught too.
 */
import { signCompact, verifyCompact, type Jwks, type Signer } from '../../base/jws.js';
import { HEX64, isPlain } from './format.js';

/** `typ` headers: without them an old checkpoint could be passed off as the head, hiding a truncation. */
const CHECKPOINT_TYP = 'certify.audit-checkpoint';
const HEAD_TYP = 'certify.audit-head';

export type PointKind = 'checkpoint' | 'head';

const TYP: Readonly<Record<PointKind, string>> = { checkpoint: CHECKPOINT_TYP, head: HEAD_TYP };

export interface SignedPoint {
  seq: number;
  hash: string;
  at: string;
}

/** The JWS of a signed point at entry `seq` with hash `hash`, signed at `at` (ISO). */
export function signPoint(
  signer: Signer,
  kind: PointKind,
  point: { seq: number; hash: string },
  at: string,
): Promise<string> {
  const { seq, hash } = point;
  // A checkpoint also says how many entries it covers.
  const payload = kind === 'checkpoint' ? { seq, hash, at, entries: seq } : { seq, hash, at };
  return signCompact(signer, payload, { typ: TYP[kind] });
}

/** The payload of a head or checkpoint JWS, unverified (the writer only compares positions). */
export function parseSignedPayload(jws: string): SignedPoint | null {
  const parts = jws.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    return checkPoint(JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')));
  } catch {
    return null;
  }
}

function checkPoint(value: unknown): SignedPoint | null {
  if (!isPlain(value)) return null;
  const { seq, hash, at } = value;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) return null;
  if (typeof hash !== 'string' || !HEX64.test(hash) || typeof at !== 'string') return null;
  return { seq, hash, at };
}

/** Verifies a signed point; returns it, or why it does not verify. */
export function verifyPoint(jws: string, jwks: Jwks, kind: PointKind): SignedPoint | string {
  const typ = TYP[kind];
  let payload: unknown;
  try {
    const verified = verifyCompact(jws, jwks);
    if (verified.header.typ !== typ) return `it is not an audit ${kind} (typ ${String(verified.header.typ)})`;
    payload = JSON.parse(verified.payload.toString('utf8'));
  } catch (error) {
    return (error as Error).message;
  }
  const point = checkPoint(payload);
  if (point === null) return 'its payload is not { seq, hash, at }';
  if (kind === 'checkpoint' && (payload as { entries?: unknown }).entries !== point.seq) {
    return 'its "entries" does not match its "seq"';
  }
  return point;
}
