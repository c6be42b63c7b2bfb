import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, it } from 'vitest';
import { signCompact, signerFromKey, type Jwks } from '../../base/jws.js';
import {
  AUDIT_LOG_FILE,
  canonicalJson,
  entryHash,
  openAuditLog,
  verifyAuditContents,
  verifyAuditLog,
  type AuditProblemKind,
  type AuditVerification,
} from '../../store/audit-log.js';
import type { AuditEntry, AuditEvent } from '../../evidence/types.js';
import { CertifyError } from '../../base/errors.js';

const run = promisify(execFile);
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = signerFromKey(privateKey);
const jwks: Jwks = { keys: [signer.publicJwk] };

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'certify-audit-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2026-07-01T09:00:00.000Z');
const MINUTE = 60_000;

function event(i: number, actor = 'alice'): AuditEvent {
  return {
    action: i % 3 === 0 ? 'rule.added' : 'command',
    actor: { id: `${actor}@contoso.com`, name: actor, channel: 'teams' },
    subject: i % 2 === 0 ? `rule-${i}` : null,
    details: { text: `scan vault-${i}`, n: i, ok: true },
  };
}

async function build(n: number, checkpointEvery = 50): Promise<string> {
  const dir = freshDir();
  const log = openAuditLog(dir, signer, { checkpointEvery });
  for (let i = 1; i <= n; i++) await log.append(event(i), T0 + i * MINUTE);
  return dir;
}

async function readLog(dir: string): Promise<string[]> {
  const lines = (await readFile(join(dir, AUDIT_LOG_FILE), 'utf8')).split('\n');
  assert.equal(lines.pop(), '');
  return lines;
}
const writeLog = (dir: string, lines: string[]) =>
  writeFile(join(dir, AUDIT_LOG_FILE), `${lines.join('\n')}\n`);

function kinds(result: AuditVerification): AuditProblemKind[] {
  return result.problems.map((p) => p.kind);
}

describe('audit log: writing', () => {
  it('chains entries, numbers them without gaps and continues after a reopen', async () => {
    const dir = freshDir();
    const first = openAuditLog(dir, signer);
    const a = await first.append(event(1), T0);
    const b = await first.append(event(2), T0 + MINUTE);
    assert.equal(a.seq, 1);
    assert.equal(a.prev, '0'.repeat(64));
    assert.equal(b.prev, a.hash);
    assert.equal(a.hash, entryHash({ ...a, hash: undefined } as unknown as AuditEntry));
    assert.equal(a.at, '2026-07-01T09:00:00.000Z');

    const again = openAuditLog(dir, signer);
    const c = await again.append(event(3), T0 + 2 * MINUTE);
    assert.equal(c.seq, 3);
    assert.equal(c.prev, b.hash);
    assert.deepEqual(await again.entries(), [a, b, c]);
    const result = await verifyAuditLog(dir, jwks);
    assert.deepEqual(result.problems, []);
    assert.equal(result.ok, true);
    assert.equal(result.lastSeq, 3);
    assert.equal(result.lastHash, c.hash);
  });

  it('keeps one chain under concurrent appends in one process, also across two handles on one directory', async () => {
    const dir = freshDir();
    const one = openAuditLog(dir, signer, { checkpointEvery: 10 });
    const two = openAuditLog(dir, signer, { checkpointEvery: 10 });
    const appended = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? one : two).append(event(i), T0 + i)),
    );
    assert.deepEqual(
      appended.map((e) => e.seq).sort((x, y) => x - y),
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    const result = await verifyAuditLog(dir, jwks);
    assert.deepEqual(result.problems, []);
    assert.equal(result.entries, 60);
    assert.ok(result.checkpoints >= 6);
  });

  it('keeps one chain when two processes append at the same time', async () => {
    const dir = freshDir();
    const keyPath = join(dir, 'key.pem');
    await writeFile(keyPath, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    const startAt = String(Date.now() + 2_500);
    const child = (label: string) =>
      run(
        process.execPath,
        ['--import', 'tsx', 'test/support/audit-append-child.ts', dir, keyPath, label, '25', startAt],
        { cwd: process.cwd() },
      );
    await Promise.all([child('bot'), child('cli')]);
    const result = await verifyAuditLog(dir, jwks);
    assert.deepEqual(result.problems, []);
    assert.equal(result.entries, 50);
    const entries = await openAuditLog(dir, signer).entries();
    assert.deepEqual(
      entries.map((e) => e.seq),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.equal(entries.filter((e) => e.actor.id === 'bot').length, 25);
    assert.equal(entries.filter((e) => e.actor.id === 'cli').length, 25);
  });

  it('refuses secret-like detail keys, loudly, and logs nothing', async () => {
    const dir = freshDir();
    const log = openAuditLog(dir, signer);
    for (const key of ['password', 'secret', 'SecretValue', 'token', 'credential', 'value', 'clientSecret']) {
      await assert.rejects(
        log.append({ ...event(1), details: { [key]: 'hunter2' } }, T0),
        (e: unknown) => e instanceof CertifyError && e.code === 'AUDIT_LOG' && e.message.includes(key),
      );
    }
    assert.deepEqual(await log.entries(), []);
    // Facts about a secret are fine.
    const ok = await log.append(
      { ...event(1), details: { secretName: 'db-conn', tokenExpiry: '2026-09-01' } },
      T0,
    );
    assert.equal(ok.seq, 1);
  });

  it('refuses details that are not flat JSON facts', async () => {
    const log = openAuditLog(freshDir(), signer);
    await assert.rejects(
      log.append({ ...event(1), details: { n: Number.NaN } }, T0),
      (e: unknown) => e instanceof CertifyError && e.code === 'AUDIT_LOG',
    );
    await assert.rejects(
      log.append({ ...event(1), details: { nested: {} as unknown as string } }, T0),
      (e: unknown) => e instanceof CertifyError && e.code === 'AUDIT_LOG',
    );
  });

  it('filters entries by time, both ends inclusive', async () => {
    const dir = await build(10);
    const log = openAuditLog(dir, signer);
    const at = (i: number) => new Date(T0 + i * MINUTE).toISOString();
    const seqs = async (range: { from?: string; to?: string }) =>
      (await log.entries(range)).map((e) => e.seq);
    assert.deepEqual(await seqs({ from: at(3), to: at(5) }), [3, 4, 5]);
    assert.deepEqual(await seqs({ from: at(9) }), [9, 10]);
    assert.deepEqual(await seqs({ to: at(2) }), [1, 2]);
    assert.deepEqual(await seqs({ from: at(11) }), []);
    assert.equal((await log.entries()).length, 10);
    await assert.rejects(log.entries({ from: 'yesterday' }), (e: unknown) => e instanceof CertifyError);
  });

  it('writes checkpoints every N entries and on demand', async () => {
    const dir = await build(12, 5);
    const log = openAuditLog(dir, signer, { checkpointEvery: 5 });
    assert.equal((await verifyAuditLog(dir, jwks)).checkpoints, 2);
    const cp = await log.checkpoint(T0 + HOUR);
    assert.equal(cp?.seq, 12);
    const result = await verifyAuditLog(dir, jwks);
    assert.equal(result.checkpoints, 3);
    assert.equal(cp?.hash, result.lastHash);
    assert.equal(await openAuditLog(freshDir(), signer).checkpoint(T0), null);
  });
});

const HOUR = 60 * MINUTE;

describe('audit log: crashes', () => {
  it('reports a torn last line, and the next writer cuts it off and says so', async () => {
    const dir = await build(5);
    const line = (await readLog(dir))[4]!;
    await appendFile(join(dir, AUDIT_LOG_FILE), line.slice(0, 40));
    const torn = await verifyAuditLog(dir, jwks);
    assert.deepEqual(kinds(torn), ['torn']);
    assert.equal(torn.problems[0]!.line, 6);
    assert.equal(torn.lastSeq, 5);

    const notices: string[] = [];
    const log = openAuditLog(dir, signer, { onNotice: (m) => notices.push(m) });
    assert.deepEqual(
      (await log.entries()).map((e) => e.seq),
      [1, 2, 3, 4, 5],
    );
    const next = await log.append(event(6), T0 + 6 * MINUTE);
    assert.equal(next.seq, 6);
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /unterminated partial entry/);
    assert.deepEqual((await verifyAuditLog(dir, jwks)).problems, []);
  });

  it('re-signs a head left one entry behind by a crash between the append and the head update', async () => {
    const dir = await build(4);
    const oldHead = await readFile(join(dir, 'audit-head.jws'), 'utf8');
    await openAuditLog(dir, signer).append(event(5), T0 + 5 * MINUTE);
    await writeFile(join(dir, 'audit-head.jws'), oldHead);
    const behind = await verifyAuditLog(dir, jwks);
    assert.deepEqual(kinds(behind), ['bad-head']);
    assert.equal(behind.problems[0]!.seq, 5);

    const notices: string[] = [];
    await openAuditLog(dir, signer, { onNotice: (m) => notices.push(m) }).append(event(6), T0 + 6 * MINUTE);
    assert.equal(notices.length, 1);
    assert.deepEqual((await verifyAuditLog(dir, jwks)).problems, []);
  });

  it('refuses to append to a log cut off at the end, rather than sign over the evidence', async () => {
    const dir = await build(6);
    await writeLog(dir, (await readLog(dir)).slice(0, 4));
    await assert.rejects(
      openAuditLog(dir, signer).append(event(7), T0),
      (e: unknown) =>
        e instanceof CertifyError && e.code === 'AUDIT_LOG' && /signed head records entry 6/.test(e.message),
    );
    assert.deepEqual(kinds(await verifyAuditLog(dir, jwks)), ['truncated']);
  });

  it('reads missing files as an empty, valid log', async () => {
    const result = await verifyAuditLog(join(freshDir(), 'nothing-here'), jwks);
    assert.deepEqual(result, {
      ok: true,
      entries: 0,
      checkpoints: 0,
      lastSeq: 0,
      lastHash: null,
      problems: [],
    });
  });
});

describe('audit log: verification names each kind of tampering', () => {
  it('an edited field', async () => {
    const dir = await build(30);
    const lines = await readLog(dir);
    lines[16] = lines[16]!.replace('"name":"alice"', '"name":"mallory"');
    await writeLog(dir, lines);
    const result = await verifyAuditLog(dir, jwks);
    assert.equal(result.ok, false);
    assert.deepEqual(kinds(result), ['edited']);
    assert.equal(result.problems[0]!.seq, 17);
    assert.equal(result.problems[0]!.line, 17);
    assert.match(result.problems[0]!.message, /entry 17 .*was edited: its hash does not match its content/);
  });

  it('a deleted entry in the middle', async () => {
    const dir = await build(30);
    const lines = await readLog(dir);
    lines.splice(11, 1);
    await writeLog(dir, lines);
    const result = await verifyAuditLog(dir, jwks);
    assert.deepEqual(kinds(result), ['deleted']);
    assert.equal(result.problems[0]!.seq, 12);
    assert.match(
      result.problems[0]!.message,
      /entry 12 is missing \(deleted\): entry 13's previous hash points to/,
    );
  });

  it('an inserted, forged entry (its own hash recomputed, linked to its predecessor)', async () => {
    const dir = await build(30);
    const lines = await readLog(dir);
    const eleventh = JSON.parse(lines[10]!) as AuditEntry;
    const content = {
      ...(JSON.parse(lines[11]!) as AuditEntry),
      action: 'evidence.signed',
      prev: eleventh.hash,
      hash: undefined,
    };
    delete content.hash;
    const forged = { ...content, hash: entryHash(content) };
    lines.splice(11, 0, JSON.stringify(forged));
    await writeLog(dir, lines);
    const result = await verifyAuditLog(dir, jwks);
    assert.deepEqual(kinds(result), ['inserted']);
    assert.equal(result.problems[0]!.seq, 12);
    assert.equal(result.problems[0]!.line, 12);
    assert.equal(result.lastSeq, 30);
  });

  it('an inserted line that claims an unused seq', async () => {
    const dir = await build(30);
    const lines = await readLog(dir);
    const base = {
      ...(JSON.parse(lines[4]!) as AuditEntry),
      seq: 500,
      prev: 'f'.repeat(64),
    } as Partial<AuditEntry>;
    delete base.hash;
    lines.splice(8, 0, JSON.stringify({ ...base, hash: entryHash(base as AuditEntry) }));
    await writeLog(dir, lines);
    const result = await verifyAuditLog(dir, jwks);
    assert.deepEqual(kinds(result), ['inserted']);
    assert.equal(result.problems[0]!.seq, 500);
    assert.equal(result.problems[0]!.line, 9);
  });

  it('two swapped entries', async () => {
    const dir = await build(30);
    const lines = await readLog(dir);
    [lines[4], lines[5]] = [lines[5]!, lines[4]!];
    await writeLog(dir, lines);
    const result = await verifyAuditLog(dir, jwks);
    assert.deepEqual(kinds(result), ['reordered']);
    assert.ok([5, 6].includes(result.problems[0]!.seq!));
    assert.match(result.problems[0]!.message, /out of order/);
  });

  it('entries cut off the end', async () => {
    const dir = await build(30);
    await writeLog(dir, (await readLog(dir)).slice(0, 27));
    const result = await verifyAuditLog(dir, jwks);
    assert.deepEqual(kinds(result), ['truncated']);
    assert.equal(result.problems[0]!.seq, 28);
    assert.match(result.problems[0]!.message, /entries 28–30 were removed from the end/);
  });

  it('an edit with every following hash recomputed is caught by the signed checkpoints and head', async () => {
    const dir = await build(30, 10);
    const entries = (await readLog(dir)).map((l) => JSON.parse(l) as AuditEntry);
    entries[16] = { ...entries[16]!, details: { ...entries[16]!.details, text: 'nothing to see' } };
    for (let i = 16; i < entries.length; i++) {
      const { hash: _hash, ...content } = entries[i]!;
      if (i > 16) content.prev = entries[i - 1]!.hash;
      entries[i] = { ...content, hash: entryHash(content) };
    }
    await writeLog(
      dir,
      entries.map((e) => JSON.stringify(e)),
    );
    const result = await verifyAuditLog(dir, jwks);
    assert.equal(result.ok, false);
    assert.ok(!kinds(result).includes('edited'), 'the chain itself is consistent');
    assert.deepEqual(kinds(result), ['bad-checkpoint', 'bad-checkpoint', 'bad-head']);
    assert.equal(result.problems[0]!.seq, 20);
    assert.match(result.problems[0]!.message, /one of entries 11–20 was changed/);
  });

  it('a rechained forgery with no checkpoint yet is caught by the signed head', async () => {
    const dir = await build(30);
    const entries = (await readLog(dir)).map((l) => JSON.parse(l) as AuditEntry);
    entries.splice(11, 1);
    for (let i = 11; i < entries.length; i++) {
      const { hash: _hash, ...content } = entries[i]!;
      content.seq = i + 1;
      content.prev = entries[i - 1]!.hash;
      entries[i] = { ...content, hash: entryHash(content) };
    }
    await writeLog(
      dir,
      entries.map((e) => JSON.stringify(e)),
    );
    const result = await verifyAuditLog(dir, jwks);
    // Renumbered and rechained, one entry short: the head records entry 30, which no longer exists.
    assert.deepEqual(kinds(result), ['truncated']);
  });

  it('a tampered checkpoint', async () => {
    const dir = await build(30, 10);
    const path = join(dir, 'audit-checkpoints.jsonl');
    const cps = (await readFile(path, 'utf8')).split('\n');
    const [h, p, s] = cps[1]!.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as { seq: number };
    payload.seq = 19;
    cps[1] = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
    await writeFile(path, cps.join('\n'));
    const result = await verifyAuditLog(dir, jwks);
    assert.deepEqual(kinds(result), ['bad-checkpoint']);
    assert.equal(result.problems[0]!.line, 2);
    assert.match(result.problems[0]!.message, /signature does not verify/);
  });

  it('a replaced head: another key, a checkpoint passed off as the head, or none', async () => {
    const dir = await build(30, 10);
    const headPath = join(dir, 'audit-head.jws');
    const other = signerFromKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    await writeFile(
      headPath,
      await signCompact(other, { seq: 30, hash: 'a'.repeat(64), at: 'x' }, { typ: 'certify.audit-head' }),
    );
    assert.deepEqual(kinds(await verifyAuditLog(dir, jwks)), ['bad-head']);

    const checkpoint = (await readFile(join(dir, 'audit-checkpoints.jsonl'), 'utf8')).split('\n')[2]!;
    await writeFile(headPath, checkpoint);
    const swapped = await verifyAuditLog(dir, jwks);
    assert.deepEqual(kinds(swapped), ['bad-head']);
    assert.match(swapped.problems[0]!.message, /not an audit head/);

    await writeFile(headPath, '');
    assert.deepEqual(kinds(await verifyAuditLog(dir, jwks)), ['bad-head']);
  });

  it('is pure over the contents: unparsable lines are named by line', () => {
    const result = verifyAuditContents({ log: 'not json\n', checkpoints: '', head: null }, jwks);
    assert.deepEqual(kinds(result), ['unparsable']);
    assert.equal(result.problems[0]!.line, 1);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [2, { f: null, e: 'x' }], c: true } }),
      '{"a":{"c":true,"d":[2,{"e":"x","f":null}]},"b":1}',
    );
    assert.equal(canonicalJson({ b: 1, a: 2 }), canonicalJson({ a: 2, b: 1 }));
    assert.equal(canonicalJson({ a: undefined, b: [undefined] }), '{"b":[null]}');
    assert.throws(() => canonicalJson({ n: Infinity }), TypeError);
  });
});
