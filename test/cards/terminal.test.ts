/**
 * The terminal renderer: every view the cards show, as text for the CLI. Nothing is cut, the
 * facts of the view are all there, and colour is only what the paint adds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { PLAIN, table, toTerminalText, type Paint } from '../../cards/terminal.js';
import type { View } from '../../cards/views.js';
import {
  acknowledgedAlert,
  controlView,
  digestAlert,
  evidenceViews,
  expiringAlert,
  frameworkScore,
  helpView,
  hugeScore,
  messages,
  rulesView,
  snoozedAlert,
} from './fixtures.js';
import { trendViews } from './trend-fixtures.js';

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const wrap = (code: number) => (s: string) => `${ESC}[${code}m${s}${ESC}[0m`;
const COLOURS: Paint = {
  bold: wrap(1),
  dim: wrap(2),
  red: wrap(31),
  green: wrap(32),
  yellow: wrap(33),
  cyan: wrap(36),
};

const ALL: [string, View][] = [
  ['huge score', hugeScore],
  ['framework score', frameworkScore],
  ...trendViews,
  ['control', controlView],
  ['rules', rulesView],
  ['help', helpView],
  ...messages.map((m): [string, View] => [`message ${m.tone}`, m]),
  ['expiring alert', expiringAlert],
  ['digest alert', digestAlert],
  ['acknowledged alert', acknowledgedAlert],
  ['snoozed alert', snoozedAlert],
  ...evidenceViews,
];

describe('toTerminalText', () => {
  it('renders every view; colour is only what the paint adds', () => {
    for (const [name, view] of ALL) {
      const plain = toTerminalText(view);
      assert.ok(plain.length > 0, name);
      assert.doesNotMatch(plain, ANSI, `${name}: no colour without paint`);
      const coloured = toTerminalText(view, COLOURS);
      assert.match(coloured, ANSI, `${name}: colour with paint`);
      assert.equal(coloured.replace(ANSI, ''), plain, `${name}: the same text under the colour`);
      assert.ok(!plain.endsWith('\n'), `${name}: no trailing newline`);
    }
  });

  it('a score lists every failing rule, counts the cut ones, and breaks down by framework', () => {
    const text = toTerminalText({ ...hugeScore, moreFailing: 4 });
    for (const rule of hugeScore.failing) assert.ok(text.includes(rule.id), rule.id);
    assert.match(text, /Failing rules \(34\)/);
    assert.match(text, /and 4 more failing rules/);
    assert.match(text, /^FRAMEWORK\s+NAME\s+SCORE\s+RATING$/m);
    assert.match(text, /▲ 2\.5 since 2026-11-22/);
    assert.match(text, /11 passing · 30 failing · 3 not applicable/);
    assert.ok(text.endsWith(hugeScore.disclaimer));
  });

  it("a framework's score breaks down by control, and a clean score says no rule fails", () => {
    const text = toTerminalText(frameworkScore);
    assert.match(text, /^CONTROL\s+TITLE\s+SCORE\s+STATUS$/m);
    assert.match(text, /^3\.1\s+Protect stored account data, requirement 3\.1\s+—\s+FAIL$/m);
    const clean = toTerminalText({ ...frameworkScore, failing: [], moreFailing: 0 });
    assert.match(clean, /No rule fails\./);
    assert.doesNotMatch(clean, /Failing rules/);
  });

  it('a control shows the redirect, each control and the rules it cites', () => {
    const text = toTerminalText(controlView);
    assert.ok(text.startsWith(`3.6: ${controlView.redirectNote}`));
    for (const control of controlView.controls) {
      assert.ok(text.includes(`PCI DSS ${control.id} — ${control.title}`), control.id);
      for (const rule of control.rules) assert.ok(text.includes(rule.id), rule.id);
    }
    const prefix = toTerminalText({ ...controlView, redirectNote: null });
    assert.match(prefix, new RegExp(`^${controlView.controls.length} controls match "3\\.6":`));
  });

  it('rules: the built-in table, the custom rules with their state and condition', () => {
    const text = toTerminalText(rulesView);
    assert.match(text, /^Built-in rules \(41\)$/m);
    assert.match(text, /^Custom rules \(3\)$/m);
    assert.match(text, /^X-003\s+Medium\s+2\s+disabled\s+Old rule — age_days > 365 && <x>$/m);
    const customOnly = toTerminalText({ ...rulesView, builtIn: [], custom: [] });
    assert.equal(customOnly, 'No custom rules.');
  });

  it('help, messages, alerts and evidence keep their facts', () => {
    assert.match(toTerminalText(helpView), /I don't know “scroe pci”\. Did you mean “score pci”\?/);
    const hinted = messages.find((m) => m.hint !== null)!;
    assert.match(toTerminalText(hinted), /hint: Type "help" for commands\./);
    assert.match(toTerminalText(acknowledgedAlert), /Acknowledged by/);
    for (const [name, view] of evidenceViews) {
      if (view.kind !== 'evidence') continue;
      const text = toTerminalText(view);
      for (const fact of view.facts) assert.ok(text.includes(fact.value), `${name}: ${fact.label}`);
      if (view.link) assert.ok(text.includes(view.link.url), `${name}: link`);
    }
  });
});

describe('table', () => {
  it('pads columns to the widest visible cell, colour codes not counted', () => {
    const text = table(
      [
        [COLOURS.red('FAIL'), 'a'],
        ['pass', 'bb'],
      ],
      ['STATUS', 'X'],
      COLOURS,
    );
    assert.deepEqual(text.replace(ANSI, '').split('\n'), ['STATUS  X', 'FAIL    a', 'pass    bb']);
    assert.equal(table([['x']], ['H'], PLAIN), 'H\nx');
  });
});
