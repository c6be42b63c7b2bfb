/**
 * `certify history`: three saved scans of the hand inventory whose score moves (a custom rule
 * that fails, then disabled; expiries crossed as time passes), as text and as certify.history/v1.
 */
import assert from 'node:assert/strict';
import { beforeAll, describe, it } from 'vitest';
import { runCli, tempDataDir } from './harness.js';

const HAND = 'snapshot:test/fixtures/scans/hand.inventory.json';
const T1 = '2026-11-20T06:00:00Z';
const T2 = '2026-11-21T06:00:00Z';
const T3 = '2027-03-01T06:00:00Z';

interface HistoryJson {
  schema: string;
  framework: { id: string; name: string } | null;
  limit: number;
  scans: {
    scanId: string;
    at: string;
    source: string;
    score: number | null;
    rating: string | null;
    previousScanId: string | null;
    change: number | null;
    startedFailing: string[];
    stoppedFailing: string[];
    frameworkScores: Record<string, number | null>;
  }[];
}

describe('certify history', () => {
  const dataDir = tempDataDir();
  const run = (argv: string[]) => runCli(argv, { dataDir });
  const scans: { scanId: string; score: number; pci: number }[] = [];

  beforeAll(async () => {
    const scan = async (now: string) => {
      const r = await run(['scan', '--source', HAND, '--now', now, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout) as {
        scanId: string;
        score: number;
        frameworks: { id: string; score: number }[];
      };
      scans.unshift({
        scanId: result.scanId,
        score: result.score,
        pci: result.frameworks.find((f) => f.id === 'pci')!.score,
      });
    };
    await scan(T1);
    const add = await run([
      'rule',
      'add',
      '--id',
      'NO-ENABLED',
      '--name',
      'No enabled secrets',
      '--severity',
      'High',
      '--scope',
      'secrets',
      '--field',
      'enabled',
      '--operator',
      'equals',
      '--value',
      'true',
    ]);
    assert.equal(add.code, 0, add.stderr);
    await scan(T2);
    assert.equal((await run(['rule', 'disable', 'NO-ENABLED'])).code, 0);
    await scan(T3);
  });

  it('--json: certify.history/v1, newest first, each scan with its change and rule changes', async () => {
    const r = await run(['history', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as HistoryJson;
    assert.equal(doc.schema, 'certify.history/v1');
    assert.equal(doc.framework, null);
    assert.equal(doc.limit, 1000);
    assert.deepEqual(
      doc.scans.map((s) => s.scanId),
      scans.map((s) => s.scanId),
    );
    assert.deepEqual(
      doc.scans.map((s) => s.at),
      [T3, T2, T1].map((t) => new Date(t).toISOString()),
    );
    const [latest, middle, first] = doc.scans as [
      HistoryJson['scans'][0],
      HistoryJson['scans'][0],
      HistoryJson['scans'][0],
    ];
    assert.deepEqual(
      doc.scans.map((s) => s.score),
      scans.map((s) => s.score),
    );
    assert.ok(middle.score! < first.score!, 'the failing custom rule lowered the score');
    assert.equal(middle.change, Math.round((middle.score! - first.score!) * 10) / 10);
    assert.ok(middle.startedFailing.includes('NO-ENABLED'));
    assert.equal(middle.previousScanId, first.scanId);
    assert.ok(latest.stoppedFailing.includes('NO-ENABLED'), 'disabled, it fails no more');
    assert.ok(latest.startedFailing.includes('P007'), 'a secret expired by the third scan');
    assert.equal(first.change, null);
    assert.equal(first.previousScanId, null);
    assert.deepEqual(first.startedFailing, []);
    assert.equal(first.source, HAND);
    assert.equal(latest.frameworkScores.pci, scans[0]!.pci);
    assert.equal(latest.rating, latest.score! >= 50 ? 'Significant gaps' : 'Weak');
  });

  it('text: a table newest first (time, score, rating, change, started, stopped) under the latest score', async () => {
    const r = await run(['history']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Score trend\s+\d+\.\d \/ 100/);
    assert.match(r.stdout, /3 scans · latest 2027-03-01 06:00 UTC/);
    assert.match(r.stdout, /[▁▂▃▄▅▆▇█]{3}\s+3 scans, oldest first/);
    assert.match(r.stdout, /Started failing at the latest scan \(\d+\)\n {2}P007\s+No Expired Secrets/);
    assert.match(
      r.stdout,
      /Stopped failing at the latest scan[^\n]*\n(?: {2}.*\n)*? {2}NO-ENABLED\s+No enabled secrets/,
    );
    const table = r.stdout.slice(r.stdout.indexOf('TIME'));
    const lines = table.split('\n');
    assert.match(lines[0]!, /^TIME\s+SCORE\s+RATING\s+CHANGE\s+STARTED FAILING\s+STOPPED FAILING$/);
    assert.match(lines[1]!, /^2027-03-01 06:00 UTC\s+\d+\.\d\s+\S.*\s[+-]\d+\.\d\s+.*P007/);
    assert.match(lines[2]!, /^2026-11-21 06:00 UTC\s+.*-\d+\.\d\s+.*NO-ENABLED\s+—$/);
    assert.match(lines[3]!, /^2026-11-20 06:00 UTC\s+\d+\.\d\s+\S.*\s—\s+—\s+—$/);
    assert.match(r.stdout, /not a compliance verdict/);
  });

  it('--framework: that framework’s scores and only the rules it cites; --limit the newest N', async () => {
    const r = await run(['history', '--framework', 'PCI-DSS', '--limit', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as HistoryJson;
    assert.deepEqual(doc.framework, { id: 'pci', name: 'PCI DSS v4.0.1' });
    assert.equal(doc.limit, 2);
    assert.deepEqual(
      doc.scans.map((s) => s.score),
      scans.slice(0, 2).map((s) => s.pci),
    );
    // The oldest shown is still compared with the scan before it.
    assert.equal(doc.scans[1]!.change, Math.round((scans[1]!.pci - scans[2]!.pci) * 10) / 10);
    assert.ok(
      doc.scans.every((s) => !s.startedFailing.includes('NO-ENABLED')),
      'custom rules cite no control',
    );
    const text = await run(['history', '--framework', 'pci', '--limit', '1']);
    assert.match(text.stdout, /^PCI DSS v4\.0\.1 trend/);
    assert.equal(text.stdout.match(/^20\d\d-\d\d-\d\d \d\d:\d\d UTC/gm)?.length, 1);
    // One scan listed, yet compared with the one saved before it, above and in the row alike.
    const drop = Math.round((scans[1]!.pci - scans[0]!.pci) * 10) / 10;
    assert.ok(drop > 0, 'expiries crossed by the third scan lower the PCI score');
    assert.ok(text.stdout.includes(`\n▼ ${drop} since 2026-11-21 06:00 UTC\n`), text.stdout);
    assert.match(
      text.stdout,
      new RegExp(`\\n2027-03-01 06:00 UTC\\s+${scans[0]!.pci.toFixed(1)}\\s+\\S+\\s+-${drop.toFixed(1)}\\s`),
    );
  });

  it('refuses an unknown framework, naming the known ones, and a bad limit (exit 2)', async () => {
    const fw = await run(['history', '--framework', 'gdpr']);
    assert.equal(fw.code, 2);
    assert.match(fw.stderr, /unknown framework "gdpr"/);
    assert.match(fw.stderr, /known frameworks: cis, soc2, iso27001, nist, hipaa, pci, asb/);
    for (const limit of ['0', 'ten']) {
      const bad = await run(['history', '--limit', limit]);
      assert.equal(bad.code, 2, limit);
      assert.match(bad.stderr, /limit/);
    }
    assert.equal((await run(['history', 'pci'])).code, 2, 'the framework is a flag');
  });

  it('with no saved scan: says so and how to save one; --json lists none', async () => {
    const empty = tempDataDir();
    const text = await runCli(['history'], { dataDir: empty });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /no saved scans yet/);
    assert.match(text.stdout, /certify scan/);
    const json = JSON.parse((await runCli(['history', '--json'], { dataDir: empty })).stdout) as HistoryJson;
    assert.deepEqual(json.scans, []);
  });

  it('help names the command and its flags', async () => {
    assert.match((await run(['help'])).stdout, /history\s+\[--framework F\] \[--limit N\] \[--json\]/);
    assert.match((await run(['help', 'history'])).stdout, /certify\.history\/v1/);
  });
});
