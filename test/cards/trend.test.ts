/**
 * The trend view in Teams, Slack and the terminal: the same facts and cuts on both cards, every
 * row in the terminal, and the wording of changes and of the sparkline's range.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { toAdaptiveCard, toBlockKit } from '../../cards/index.js';
import { PLAIN, toTerminalText, type Paint } from '../../cards/terminal.js';
import { changeText, sparklineCaption } from '../../cards/trend-text.js';
import type { TrendView } from '../../cards/views.js';
import { busyTrend, firstTrend, unscoredFrameworkTrend } from './trend-fixtures.js';

const cardText = (view: TrendView) => JSON.stringify(toAdaptiveCard(view).body);
const slackText = (view: TrendView) => JSON.stringify(toBlockKit(view).blocks);

describe('trend cards', () => {
  it('cut the rule lists and the rows alike in Teams and Slack, with "and N more" lines', () => {
    for (const text of [cardText(busyTrend), slackText(busyTrend)]) {
      assert.match(text, /Started failing \(30\)/);
      assert.match(text, /and 20 more rules/);
      assert.match(text, /Stopped failing \(12\)/);
      assert.match(text, /and 2 more rules/);
      // 40 rows given, 30 shown at the loosest cut, 960 more in the view.
      assert.match(text, /and 970 more scans/);
      assert.ok(text.includes(busyTrend.sparkline.bars));
      assert.match(
        text,
        /20 scans, oldest first \(2026-11-10 09:14 UTC → 2026-11-29 09:14 UTC\) · low 40\.5 · high 61\.3/,
      );
      assert.match(text, /▲ 2\.5 since 2026-11-28 09:14 UTC/);
      assert.match(text, /2026-11-28 09:14 UTC · 60\.8 Significant gaps · -1\.2 · started KV-201/);
    }
  });

  it('a first scan: "First saved scan", no rule lists, no "nothing changed" line', () => {
    for (const text of [cardText(firstTrend), slackText(firstTrend)]) {
      assert.match(text, /First saved scan/);
      assert.doesNotMatch(text, /Started failing|Stopped failing|No rule started/);
    }
    assert.equal(toBlockKit(firstTrend).text, 'Score trend: 92.0 (Strong) · first saved scan');
  });

  it('a scan without a score: no rating, and that there is nothing to compare with', () => {
    for (const text of [cardText(unscoredFrameworkTrend), slackText(unscoredFrameworkTrend)]) {
      assert.match(text, /No score to compare with from 2026-11-28 09:14 UTC/);
      assert.match(text, /No rule started or stopped failing at the latest scan\./);
      assert.match(text, /2026-11-29 09:14 UTC · —/);
    }
    assert.equal(
      toBlockKit(unscoredFrameworkTrend).text,
      'PCI DSS v4.0.1 trend: — · No score to compare with from 2026-11-28 09:14 UTC',
    );
  });
});

describe('trend in the terminal', () => {
  it('lists every row of the view under the header, newest first, and counts the rest', () => {
    const text = toTerminalText(busyTrend);
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('TIME'));
    assert.match(lines[header]!, /^TIME\s+SCORE\s+RATING\s+CHANGE\s+STARTED FAILING\s+STOPPED FAILING$/);
    const rows = lines.slice(header + 1, header + 1 + busyTrend.rows.length);
    assert.equal(rows.length, 40);
    assert.match(
      rows[0]!,
      /^2026-11-29 09:14 UTC\s+61\.3\s+Significant gaps\s+\+0\.5\s+KV-200, .*KV-214\s+KV-300$/,
    );
    assert.match(rows[39]!, /^2026-10-21 09:14 UTC\s+41\.8\s+Weak\s+—\s+KV-239\s+—$/);
    assert.equal(lines[header + 41], 'and 960 more scans');
    // Nothing is cut in a terminal: all 30 started rules are named.
    for (let n = 1; n <= 30; n++)
      assert.ok(text.includes(`  KV-${String(n).padStart(3, '0')}  Rule number ${n}:`));
  });

  it('colours a rise green, a fall red, no change dim', () => {
    const tag = (name: string) => (s: string) => `<${name}>${s}</${name}>`;
    const paint: Paint = { ...PLAIN, green: tag('g'), red: tag('r'), dim: tag('d') };
    const text = toTerminalText(busyTrend, paint);
    assert.ok(text.includes('<g>+0.5</g>'));
    assert.ok(text.includes('<r>-1.2</r>'));
    assert.ok(text.includes('<d>—</d>'));
  });
});

describe('trend wording', () => {
  const changes: [number | null, string][] = [
    [null, '—'],
    [0, '0.0'],
    [-0.04, '0.0'],
    [2, '+2.0'],
    [0.1, '+0.1'],
    [-7.2, '-7.2'],
    [100, '+100.0'],
  ];
  for (const [change, text] of changes) {
    it(`change ${String(change)} → "${text}"`, () => assert.equal(changeText(change), text));
  }

  it('the sparkline caption: count, span and range', () => {
    const base = { bars: '▁█', count: 2, from: '2026-11-01T06:00:00Z', to: '2026-11-02T06:00:00Z' };
    assert.equal(
      sparklineCaption({ ...base, low: 10, high: 20.5 }),
      '2 scans, oldest first (2026-11-01 06:00 UTC → 2026-11-02 06:00 UTC) · low 10.0 · high 20.5',
    );
    assert.match(sparklineCaption({ ...base, low: 10, high: 10 }), /· all 10\.0$/);
    assert.match(sparklineCaption({ ...base, low: null, high: null }), /· no score$/);
    assert.equal(
      sparklineCaption({ ...base, count: 1, from: base.to, low: 1, high: 1 }),
      '1 scan, oldest first (2026-11-02 06:00 UTC) · all 1.0',
    );
  });
});
