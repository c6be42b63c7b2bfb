/**
 * The control matrix's cover shows the framework's score over the bundle's period as a picture,
 * with its text alternative printed beneath; the other reports' covers do not, and a period
 * without a saved scan has no chart. Checked with poppler (pdfimages, pdftotext) and qpdf.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, describe, it } from 'vitest';
import { openEvidence } from '../../app/evidence.js';
import { openPorts } from '../../app/ports.js';
import { CHART_REPORT_PREFIX, finalizeBundle, stageBundle } from '../../evidence/bundle.js';
import { parsePeriod } from '../../evidence/period.js';
import type { Actor } from '../../evidence/types.js';
import { findFramework } from '../../scanner/frameworks/index.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { gatherEvidence } from '../../services/evidence.js';
import { scan } from '../../services/scan.js';

const REAL = Date.parse('2026-10-05T09:00:00Z');
const RILEY: Actor = { id: 'u-riley', name: 'Riley Chen', channel: 'cli' };

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certify-cover-chart-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A bundle for soc2 over `period`, from scans saved at `scans`; its PDFs by report id, written to a dir. */
async function bundle(period: string, scans: string[]) {
  const dataDir = temp();
  const ports = openPorts(dataDir, 50);
  const source = demoSource({ profile: 'showcase', size: 40, seed: 5 });
  for (const at of scans) await scan(ports, source, { now: Date.parse(at), save: true, audit: null });
  const wiring = await openEvidence({
    dataDir,
    ports,
    source,
    approvers: [],
    publicUrl: 'http://x',
    tsaUrl: null,
    now: Date.parse('2026-06-01T00:00:00Z'),
  });
  const input = await gatherEvidence(
    { ports, source, audit: wiring.audit, actor: RILEY, clock: () => REAL },
    findFramework('soc2'),
    parsePeriod(period, REAL),
    REAL,
  );
  const staged = await stageBundle({
    bundleId: 'ev-00000000000000c1',
    input,
    productVersion: 'test',
    tsa: wiring.tsa,
    requestedBy: null,
    local: true,
  });
  const final = await finalizeBundle({
    staged,
    assertion: staged.pendingAssertion,
    signer: wiring.signer,
    tsa: wiring.tsa,
    now: REAL,
  });
  const zip = await JSZip.loadAsync(final.zip);
  const out = temp();
  const pdf = async (id: string) => {
    const path = join(out, `${id}.pdf`);
    const entry = zip.file(`${staged.bundleId}/reports/${id}.pdf`);
    assert.ok(entry, `reports/${id}.pdf`);
    writeFileSync(path, await entry.async('nodebuffer'));
    return path;
  };
  return { staged, pdf };
}

/** `pdfimages -list`: one row per image, as [page, width, height]. */
function images(path: string): number[][] {
  const out = execFileSync('pdfimages', ['-list', path], { encoding: 'utf8' });
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/))
    .map((cols) => [Number(cols[0]), Number(cols[3]), Number(cols[4])]);
}

describe('the control matrix cover chart', () => {
  it('draws the score at each scan of the period on the control matrix cover only, with its alt text', async () => {
    const { staged, pdf } = await bundle('2026-Q3', [
      '2026-07-10T06:00:00Z',
      '2026-08-10T06:00:00Z',
      '2026-09-10T06:00:00Z',
      '2026-10-01T06:00:00Z',
    ]);
    // JSON-safe, so a store can keep the staged bundle until it is signed.
    assert.deepEqual(JSON.parse(JSON.stringify(staged.trend)), staged.trend);
    assert.equal(staged.trend?.points.length, 3, 'the scans inside the period');
    assert.match(staged.trend?.framework ?? '', /SOC 2/);

    const matrix = await pdf(`${CHART_REPORT_PREFIX}soc2`);
    assert.deepEqual(images(matrix), [[1, 1280, 520]]);
    const check = spawnSync('qpdf', ['--check', matrix], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const text = execFileSync('pdftotext', [matrix, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert.match(text, /Score over the period/);
    assert.match(
      text,
      /SOC 2 .*score over the period 2026-Q3, 3 scans: from \d+\.\d \([A-Za-z ]+\) on 2026-07-10 to \d+\.\d \([A-Za-z ]+\) on 2026-09-10/,
    );

    assert.deepEqual(images(await pdf('asset-inventory')), []);
  });

  it('a period without a saved scan has no chart', async () => {
    const { staged, pdf } = await bundle('2026-Q3', ['2026-10-01T06:00:00Z']);
    assert.equal(staged.trend, undefined);
    const matrix = await pdf(`${CHART_REPORT_PREFIX}soc2`);
    assert.deepEqual(images(matrix), []);
    const text = execFileSync('pdftotext', [matrix, '-'], { encoding: 'utf8' });
    assert.doesNotMatch(text, /Score over the period/);
  });
});
