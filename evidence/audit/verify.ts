/**
 * The operator audit log's verifier, over the three files' contents (pure: store/audit-verify.ts
 * reads the files). It names every break it finds: an edit, a deletion, an insertion, a
 * reordering, entries cut off the end, a torn last line, a checkpoint or head that does not
 * verify or does not match.
 */
import type { Jwks } from '../../base/jws.js';
import type { AuditEntry } from '../types.js';
import { entryHash, parseEntryLine } from './chain.js';
import { AUDIT_CHECKPOINTS_FILE, AUDIT_HEAD_FILE, GENESIS, short } from './format.js';
import { verifyPoint, type SignedPoint } from './points.js';

export type AuditProblemKind =
  | 'edited'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'truncated'
  | 'torn'
  | 'bad-checkpoint'
  | 'bad-head'
  | 'unparsable';

export interface AuditProblem {
  /** The entry concerned (for 'deleted' and 'truncated': the first missing one), when known. */
  seq: number | null;
  /**
   * 1-based line in the file the problem is in: the log, or for 'bad-checkpoint' (and a torn
   * checkpoint line) the checkpoints file; the message names the file.
   */
  line: number | null;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Entry lines that parsed (including edited or inserted ones). */
  entries: number;
  /** Checkpoints whose signature verified. */
  checkpoints: number;
  lastSeq: number;
  lastHash: string | null;
  problems: AuditProblem[];
}

interface Located {
  entry: AuditEntry;
  line: number;
  /** Position among parsed entries, in file order. */
  index: number;
}

function range(from: number, to: number): string {
  return from === to ? `entry ${from}` : `entries ${from}–${to}`;
}

/** Pure: verifies the three files' contents against the key set. */
export function verifyAuditContents(
  input: { log: string; checkpoints: string; head: string | null },
  jwks: Jwks,
): AuditVerification {
  const problems: AuditProblem[] = [];
  const report = (kind: AuditProblemKind, seq: number | null, line: number | null, message: string) => {
    if (!problems.some((p) => p.kind === kind && p.seq === seq && p.line === line)) {
      problems.push({ seq, line, kind, message });
    }
  };

  // Signed points first: they settle which of two entries claiming one seq is genuine.
  const checkpoints: { point: SignedPoint; line: number }[] = [];
  const cpLines = input.checkpoints.split('\n');
  const cpTail = cpLines.pop() ?? '';
  cpLines.forEach((text, i) => {
    const result = text.trim() === '' ? 'the line is empty' : verifyPoint(text, jwks, 'checkpoint');
    if (typeof result === 'string') {
      report(
        'bad-checkpoint',
        null,
        i + 1,
        `${AUDIT_CHECKPOINTS_FILE} line ${i + 1} is not a valid signed checkpoint: ${result}`,
      );
    } else {
      checkpoints.push({ point: result, line: i + 1 });
    }
  });
  if (cpTail !== '') {
    report(
      'torn',
      null,
      cpLines.length + 1,
      `${AUDIT_CHECKPOINTS_FILE} line ${cpLines.length + 1} is an unterminated, partial checkpoint: a write was interrupted by a crash`,
    );
  }
  let head: SignedPoint | null = null;
  if (input.head !== null) {
    const result = verifyPoint(input.head, jwks, 'head');
    if (typeof result === 'string')
      report('bad-head', null, null, `the signed head ${AUDIT_HEAD_FILE} does not verify: ${result}`);
    else head = result;
  }
  const signed = new Map<number, string[]>();
  for (const { point } of [...checkpoints, ...(head ? [{ point: head }] : [])]) {
    signed.set(point.seq, [...(signed.get(point.seq) ?? []), point.hash]);
  }

  // Parse.
  const lines = input.log.split('\n');
  const logTail = lines.pop() ?? '';
  const parsed: Located[] = [];
  lines.forEach((text, i) => {
    const entry = parseEntryLine(text);
    if (typeof entry === 'string')
      report('unparsable', null, i + 1, `line ${i + 1} is not a readable audit entry: ${entry}`);
    else parsed.push({ entry, line: i + 1, index: parsed.length });
  });
  if (logTail !== '') {
    const partial = parseEntryLine(logTail);
    report(
      'torn',
      typeof partial === 'string' ? null : partial.seq,
      lines.length + 1,
      `line ${lines.length + 1} is an unterminated, partial entry: an append was interrupted by a crash before it ` +
        'was acknowledged (the next append removes it)',
    );
  }

  // Content: an entry whose hash no longer matches it was edited in place.
  const contentOk = new Map<Located, boolean>();
  for (const item of parsed) {
    const ok = entryHash(item.entry) === item.entry.hash;
    contentOk.set(item, ok);
    if (!ok) {
      report(
        'edited',
        item.entry.seq,
        item.line,
        `entry ${item.entry.seq} (line ${item.line}) was edited: its hash does not match its content`,
      );
    }
  }

  // Several lines claiming one seq: keep the one the chain and the signatures vouch for.
  const bySeq = new Map<number, Located[]>();
  for (const item of parsed) bySeq.set(item.entry.seq, [...(bySeq.get(item.entry.seq) ?? []), item]);
  const linksTo = (item: Located) =>
    (bySeq.get(item.entry.seq + 1) ?? []).some((next) => next.entry.prev === item.entry.hash);
  const linksFrom = (item: Located) =>
    item.entry.seq === 1
      ? item.entry.prev === GENESIS
      : (bySeq.get(item.entry.seq - 1) ?? []).some((before) => before.entry.hash === item.entry.prev);
  const isSigned = (item: Located) => (signed.get(item.entry.seq) ?? []).includes(item.entry.hash);
  let kept: Located[] = [];
  for (const [seq, group] of bySeq) {
    if (group.length === 1) {
      kept.push(group[0]!);
      continue;
    }
    const score = (item: Located) =>
      (isSigned(item) ? 8 : 0) +
      (linksTo(item) ? 4 : 0) +
      (contentOk.get(item) ? 2 : 0) +
      (linksFrom(item) ? 1 : 0);
    const genuine = group.reduce((best, item) => (score(item) > score(best) ? item : best));
    kept.push(genuine);
    for (const item of group) {
      if (item === genuine) continue;
      report(
        'inserted',
        seq,
        item.line,
        `line ${item.line} was inserted: it claims to be entry ${seq}, which is on line ${genuine.line}` +
          (linksTo(genuine) ? ` (entry ${seq + 1} links to that one)` : ''),
      );
    }
  }
  kept.sort((a, b) => a.index - b.index);

  // Order: entries off the longest in-order run were moved, unless linked to nothing (a forgery).
  const inOrder = longestIncreasing(kept.map((item) => item.entry.seq));
  const moved = kept.filter((_, i) => !inOrder.has(i));
  const orphans = new Set(moved.filter((item) => !linksFrom(item) && !linksTo(item) && !isSigned(item)));
  for (const item of moved) {
    if (orphans.has(item)) {
      report(
        'inserted',
        item.entry.seq,
        item.line,
        `line ${item.line} was inserted: it claims to be entry ${item.entry.seq}, out of order, and no entry links to it or it to one`,
      );
      continue;
    }
    const position = kept.indexOf(item);
    const before = kept[position - 1];
    const after = kept[position + 1];
    const neighbours = [
      before ? `after entry ${before.entry.seq} (line ${before.line})` : 'at the start of the log',
      after ? `before entry ${after.entry.seq} (line ${after.line})` : 'at the end of the log',
    ];
    report(
      'reordered',
      item.entry.seq,
      item.line,
      `entry ${item.entry.seq} is out of order: it is on line ${item.line}, ${neighbours.join(' and ')}`,
    );
  }
  kept = kept.filter((item) => !orphans.has(item)).sort((a, b) => a.entry.seq - b.entry.seq);
  const at = new Map(kept.map((item) => [item.entry.seq, item]));

  // Gaps and links, in seq order.
  let expected = 1;
  for (const item of kept) {
    const { seq, prev } = item.entry;
    if (seq > expected) {
      const before = at.get(expected - 1);
      report(
        'deleted',
        expected,
        item.line,
        `${range(expected, seq - 1)} ${seq - 1 === expected ? 'is' : 'are'} missing (deleted): ` +
          (before
            ? `entry ${seq}'s previous hash points to ${short(prev)}, which is not entry ${before.entry.seq}'s`
            : `the log starts at entry ${seq}`),
      );
    } else if (seq === 1 && prev !== GENESIS) {
      report(
        'edited',
        1,
        item.line,
        `entry 1 (line ${item.line}) was edited: its previous hash is not the genesis value`,
      );
    } else if (seq > 1) {
      const before = at.get(seq - 1)!;
      if (before.entry.hash !== prev) {
        report(
          'edited',
          seq - 1,
          before.line,
          `entry ${seq - 1} (line ${before.line}) was edited and its hash recomputed: entry ${seq}'s previous hash ` +
            `${short(prev)} does not match its hash ${short(before.entry.hash)}`,
        );
      }
    }
    expected = seq + 1;
  }
  const last = kept[kept.length - 1] ?? null;
  const lastSeq = last?.entry.seq ?? 0;

  // Signed points against the log: a forger who rechained every hash cannot re-sign them.
  const coveredBelow = (seq: number) =>
    Math.max(
      0,
      ...checkpoints
        .filter((c) => c.point.seq < seq && at.get(c.point.seq)?.entry.hash === c.point.hash)
        .map((c) => c.point.seq),
    );
  let signedEnd = 0;
  for (const { point, line } of checkpoints) {
    if (point.seq > lastSeq) {
      signedEnd = Math.max(signedEnd, point.seq);
      continue;
    }
    const entry = at.get(point.seq);
    if (entry && entry.entry.hash !== point.hash) {
      report(
        'bad-checkpoint',
        point.seq,
        line,
        `the signed checkpoint at entry ${point.seq} (${AUDIT_CHECKPOINTS_FILE} line ${line}) records hash ${short(point.hash)}, ` +
          `but entry ${point.seq} has hash ${short(entry.entry.hash)}: one of ${range(coveredBelow(point.seq) + 1, point.seq)} ` +
          'was changed and the hashes after it recomputed',
      );
    }
  }
  if (input.head === null && parsed.length > 0) {
    report(
      'bad-head',
      null,
      null,
      `the signed head ${AUDIT_HEAD_FILE} is missing, so entries removed from the end would go unnoticed`,
    );
  }
  if (head !== null) {
    if (head.seq > lastSeq) {
      signedEnd = Math.max(signedEnd, head.seq);
    } else {
      const entry = at.get(head.seq);
      if (entry && entry.entry.hash !== head.hash) {
        report(
          'bad-head',
          head.seq,
          entry.line,
          `the signed head records hash ${short(head.hash)} for entry ${head.seq}, but it has hash ${short(entry.entry.hash)}: ` +
            `one of ${range(coveredBelow(head.seq) + 1, head.seq)} was changed and the hashes after it recomputed`,
        );
      }
      if (head.seq < lastSeq) {
        report(
          'bad-head',
          head.seq + 1,
          at.get(head.seq + 1)?.line ?? null,
          `the signed head is at entry ${head.seq} but the log goes on to entry ${lastSeq}: ${range(head.seq + 1, lastSeq)} ` +
            'are not covered by it (appended without being signed, the head replaced by an older one, or a crash between ' +
            'an append and the head update, which the next append repairs)',
        );
      }
    }
  }
  if (signedEnd > lastSeq) {
    report(
      'truncated',
      lastSeq + 1,
      null,
      `${range(lastSeq + 1, signedEnd)} ${signedEnd === lastSeq + 1 ? 'was' : 'were'} removed from the end: the log ends at ` +
        `entry ${lastSeq} but a signed ${head && head.seq === signedEnd ? 'head' : 'checkpoint'} records entry ${signedEnd}`,
    );
  }

  return {
    ok: problems.length === 0,
    entries: parsed.length,
    checkpoints: checkpoints.length,
    lastSeq,
    lastHash: last?.entry.hash ?? null,
    problems,
  };
}

/** Indices of one longest strictly increasing subsequence (O(n log n)). */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const parent: number[] = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < values[i]!) lo = mid + 1;
      else hi = mid;
    }
    parent[i] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = i;
  }
  const out = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = parent[i]!) out.add(i);
  return out;
}
