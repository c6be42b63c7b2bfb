/**
 * The trend chart: the SVG (bands from the scanner's table, a dot per scored scan, axes, title),
 * the PNG resvg makes of it (decoded here: signature, size, the bands' and the line's colours,
 * text only where fonts are), and its text alternative.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { svgToPng } from '../../charts/png.js';
import { trendAlt } from '../../charts/trend-alt.js';
import { TREND_CHART_SIZE, trendChartInput, trendSvg, type TrendChartInput } from '../../charts/trend-svg.js';
import { RATING_BANDS } from '../../scanner/score.js';
import { decodePng, distinctColours, PNG_SIGNATURE, pixelAt } from './png-decode.js';

const DAY = 86_400_000;
const END = Date.parse('2026-12-03T06:00:00Z');

/** `scores` oldest first → points newest first, one a day up to END. */
function input(scores: (number | null)[], extra: Partial<TrendChartInput> = {}): TrendChartInput {
  const points = scores
    .map((score, i) => ({ at: new Date(END - (scores.length - 1 - i) * DAY).toISOString(), score }))
    .reverse();
  return { framework: null, points, ...extra };
}

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe('trend SVG', () => {
  it('shades one band per rating of the scanner, labels the axis at their edges, and draws a dot per scored scan', () => {
    const svg = trendSvg(input([58.2, 60, null, 64.5, 71.4], { days: 5 }));
    assert.deepEqual(
      [...svg.matchAll(/class="band" data-rating="([^"]+)"/g)].map((m) => m[1]),
      RATING_BANDS.map((b) => b.rating),
    );
    for (const band of RATING_BANDS) assert.match(svg, new RegExp(`>${band.rating}</text>`));
    for (const tick of [0, ...RATING_BANDS.map((b) => b.from), 100])
      assert.match(svg, new RegExp(`text-anchor="end">${tick}</text>`));
    assert.equal(count(svg, /<circle class="scan"/g), 4);
    // The scan without a score breaks the line in two.
    const d = /class="score-line" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    assert.equal(count(d, /M/g), 2);
    assert.match(svg, />Overall score</);
    assert.match(svg, />last 5 days · 5 scans</);
    assert.match(svg, />2026-11-29</);
    assert.match(svg, />2026-12-03</);
    assert.match(svg, new RegExp(`width="${TREND_CHART_SIZE.width}" height="${TREND_CHART_SIZE.height}"`));
  });

  it('escapes a framework name, and draws bands and axes without any scan', () => {
    const svg = trendSvg({ framework: 'A <b> & "c"', points: [] });
    assert.match(svg, />A &#60;b&#62; &#38; &#34;c&#34; score</);
    assert.equal(count(svg, /class="band"/g), RATING_BANDS.length);
    assert.equal(count(svg, /<circle/g), 0);
    assert.doesNotMatch(svg, /score-line/);
    assert.match(svg, />No saved scans</);
  });

  it('takes a trend of scanner/trend.ts as it is', () => {
    const chart = trendChartInput(
      {
        framework: { id: 'pci', name: 'PCI DSS 4.0', shortName: 'PCI' },
        points: [{ at: '2026-12-03T06:00:00.000Z', score: 71.4 } as never],
      },
      30,
    );
    assert.deepEqual(chart, {
      framework: 'PCI DSS 4.0',
      points: [{ at: '2026-12-03T06:00:00.000Z', score: 71.4 }],
      days: 30,
    });
  });
});

describe('trend PNG', () => {
  it('is a 640 × 260 PNG with the bands, the line and the text drawn, small enough for chat', async () => {
    const { png, width, height } = await svgToPng(trendSvg(input([60])));
    assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE));
    assert.deepEqual([width, height], [640, 260]);
    const image = decodePng(png);
    assert.deepEqual([image.width, image.height], [640, 260]);
    // Plot: x 40…528, y 40 (score 100) … 230 (score 0); one scan sits in the middle.
    assert.equal(pixelAt(image, 45, 220), '#fbe4e2', 'the Weak band');
    assert.equal(pixelAt(image, 45, 47), '#d9efdf', 'the Strong band');
    assert.equal(pixelAt(image, 284, 230 - 0.6 * 190), '#1f5fa8', 'the dot of the scan at 60');
    assert.ok(distinctColours(image) > 20, 'anti-aliased text and shapes, not a blank image');
    assert.ok(png.length < 28 * 1024, `${png.length} bytes`);
  });

  it('a thousand scans stay well under 100 KB', async () => {
    const scores = Array.from({ length: 1000 }, (_, i) => (i % 50 === 7 ? null : 55 + 20 * Math.sin(i / 40)));
    const { png } = await svgToPng(trendSvg(input(scores)));
    assert.ok(png.length < 100 * 1024, `${png.length} bytes`);
    assert.deepEqual([decodePng(png).width, decodePng(png).height], [640, 260]);
  });

  it('renders without fonts, only without its text', async () => {
    const svg = trendSvg(input([58.2, 71.4]));
    const withText = decodePng((await svgToPng(svg)).png);
    const without = decodePng((await svgToPng(svg, { systemFonts: false })).png);
    assert.deepEqual([without.width, without.height], [640, 260]);
    // The title "Overall score" sits at x 40…150, y 5…20: ink with fonts, white without.
    const inkIn = (png: typeof without) => {
      let dark = 0;
      for (let y = 5; y < 20; y++)
        for (let x = 40; x < 150; x++) if (pixelAt(png, x, y) !== '#ffffff') dark++;
      return dark;
    };
    assert.ok(inkIn(withText) > 50, 'the title is drawn where fonts are');
    assert.equal(inkIn(without), 0);
    assert.equal(pixelAt(without, 45, 220), '#fbe4e2');
  });

  it('scales to a requested width', async () => {
    const { width, height } = await svgToPng(trendSvg(input([60])), { width: 1280 });
    assert.deepEqual([width, height], [1280, 520]);
  });
});

describe('trend text alternative', () => {
  it('says the window, the scans, the first and last score with their ratings, and the range', () => {
    const scores = Array.from({ length: 91 }, (_, i) =>
      i === 0 ? 58.2 : i === 90 ? 71.4 : i === 30 ? 55 : i === 60 ? 72.3 : 65,
    );
    assert.equal(
      trendAlt(input(scores, { days: 90 })),
      'Overall score over 90 days, 91 scans: from 58.2 (Significant gaps) on 2026-09-04 to 71.4 (Significant gaps) on 2026-12-03; low 55.0, high 72.3.',
    );
    assert.equal(
      trendAlt(input([91, null, 74.9], { framework: 'PCI DSS 4.0' })),
      'PCI DSS 4.0 score over the saved scans, 3 scans: from 91.0 (Strong) on 2026-12-01 to 74.9 (Significant gaps) on 2026-12-03; low 74.9, high 91.0; 1 without a score.',
    );
    assert.equal(
      trendAlt(input([80], { period: 'the period 2026-Q3' })),
      'Overall score over the period 2026-Q3, 1 scan: 80.0 (Healthy) on 2026-12-03.',
    );
    assert.equal(trendAlt(input([], { days: 7 })), 'Overall score over 7 days: no saved scans.');
  });
});
