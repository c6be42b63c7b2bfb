/**
 * Golden outputs on the demo tenant at a fixed `now`: every CLI command's text and --json, every
 * chat command's card (Adaptive Card and Block Kit) with the cards its first buttons lead to,
 * the shapes of the files a data dir holds, and a bundle's file list. Restructuring the code
 * must leave all of it as it was; `npm run golden` records it anew when a change is meant.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import JSZip from 'jszip';
import { createBotCore } from '../../bot/core.js';
import type { BotChannel, BotUser } from '../../bot/types.js';
import { toAdaptiveCard, toBlockKit } from '../../cards/index.js';
import type { View } from '../../cards/views.js';
import { openPorts } from '../../app/ports.js';
import { openEvidence } from '../../app/evidence.js';
import { createAlertStore } from '../../store/alerts.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { runCli } from '../cli/harness.js';

export const GOLDEN_NOW = '2026-11-23T06:00:00Z';
const NOW = Date.parse(GOLDEN_NOW);

// Times of the machine's clock (a time-stamp token's time): today's date, in ISO or card form.
const REAL_TIME = new RegExp(`${new Date().toISOString().slice(0, 10)}[T ][0-9:.]+(Z| UTC)`, 'g');

/** Run-dependent parts (random ids, temp paths, the clock of a build) replaced by placeholders. */
export function normalize(text: string, dataDir: string): string {
  return text
    .split(dataDir)
    .join('<data>')
    .replace(/scan-\d{8}T\d{6}Z-[0-9a-f]{8}/g, 'scan-<id>')
    .replace(/ev-[0-9a-f]{16}/g, 'ev-<id>')
    .replace(/rot-[0-9a-f]{16}/g, 'rot-<id>')
    .replace(/cert-[a-z2-7]{26}/g, 'cert-<id>')
    .replace(/"kid":\s*"[^"]+"/g, '"kid":"<kid>"')
    .replace(/[0-9a-f]{64}/g, '<sha256>')
    .replace(REAL_TIME, '<real time>');
}

const CLI_COMMANDS: string[][] = [
  ['help'],
  ...[
    'scan',
    'score',
    'control',
    'rules',
    'rule',
    'evidence',
    'verify',
    'audit',
    'presets',
    'generate',
    'cert',
    'parameters',
  ].map((c) => ['help', c]),
  ['--version'],
  ['scan', '--now', GOLDEN_NOW],
  ['scan', '--now', GOLDEN_NOW, '--json'],
  ['score', '--now', GOLDEN_NOW],
  ['score', '--now', GOLDEN_NOW, '--json'],
  ['score', 'pci', '--now', GOLDEN_NOW],
  ['score', 'soc2', '--now', GOLDEN_NOW, '--json'],
  ['control', 'pci', '3.7', '--now', GOLDEN_NOW],
  ['control', 'iso', 'A.8.24', '--now', GOLDEN_NOW, '--json'],
  ['control', 'pci'],
  ['rules'],
  ['rules', '--json'],
  ['rule', 'list'],
  ['rule', 'list', '--json'],
  ['presets'],
  ['presets', '--json'],
  ['parameters'],
  ['parameters', '--json'],
  ['nonsense'],
  ['score', 'nist-csf', '--now', GOLDEN_NOW],
  ['help', 'history'],
  ['history'],
  ['history', '--json'],
  ['history', '--framework', 'pci', '--limit', '1'],
  ['history', '--framework', 'nist-csf'],
];

export async function captureCli(): Promise<
  Record<string, { code: number; stdout: string; stderr: string }>
> {
  const dataDir = mkdtempSync(join(tmpdir(), 'certify-golden-cli-'));
  try {
    const out: Record<string, { code: number; stdout: string; stderr: string }> = {};
    for (const argv of CLI_COMMANDS) {
      const run = await runCli(argv, { dataDir, clock: () => NOW });
      out[argv.join(' ')] = {
        code: run.code,
        stdout: normalize(run.stdout, dataDir),
        stderr: normalize(run.stderr, dataDir),
      };
    }
    return out;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const CHAT_COMMANDS = [
  'help',
  'score',
  'score pci',
  'control pci 3.7',
  'control iso',
  'rules',
  'rule list',
  'scan',
  'subscribe vault=kv-prod-payments',
  'alerts',
  'unsubscribe',
  'presets',
  'parameters',
  'evidence',
  'evidence soc2 last-quarter',
  'evidence nope',
  'rotate',
  'cert cert-nothing',
  'frobnicate',
  'trend',
  'trend pci',
];

export async function captureCards(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'certify-golden-cards-'));
  try {
    const ports = openPorts(dataDir, 50);
    const source = demoSource({ profile: 'showcase' });
    const evidence = await openEvidence({
      dataDir,
      ports,
      source,
      approvers: ['u-approver'],
      publicUrl: 'http://localhost:3978',
      tsaUrl: null,
      now: NOW,
    });
    const core = createBotCore({
      ports,
      source,
      clock: () => NOW,
      alerts: createAlertStore(dataDir),
      evidence: evidence.service,
      audit: evidence.audit,
      progressAfterMs: 60_000,
    });
    const user: BotUser = { id: 'u-golden', name: 'Golden User' };
    const channel: BotChannel = { kind: 'playground', id: 'c-golden' };
    const cards = (view: View) =>
      JSON.parse(
        normalize(
          JSON.stringify({ view, adaptive: toAdaptiveCard(view), blockKit: toBlockKit(view) }),
          dataDir,
        ),
      ) as unknown;
    const out: Record<string, unknown> = {};
    for (const text of CHAT_COMMANDS) {
      const view = await core.answer(text, user, channel);
      out[text] = cards(view);
      // The first two buttons of each card, as a click would send them.
      const actions =
        (view as { actions?: readonly { verb: string; data: Record<string, string> }[] }).actions ?? [];
      for (const action of actions.slice(0, 2)) {
        const next = await core.act(action.verb, { ...action.data }, user, channel);
        out[normalize(`${text} → ${action.verb} ${JSON.stringify(action.data)}`, dataDir)] = cards(next);
      }
    }
    return out;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The shape of a JSON value: keys and types, arrays by the union of their elements' shapes. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) {
    const shapes = [...new Set(value.map((v) => JSON.stringify(shapeOf(v))))].sort();
    return shapes.map((s) => JSON.parse(s) as unknown);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shapeOf((value as Record<string, unknown>)[k])]),
    );
  }
  return value === null ? 'null' : typeof value;
}

/** A data dir after a scan, a rule, a subscription and an unsigned bundle: its files and JSON shapes. */
export async function captureStore(): Promise<{ files: Record<string, unknown>; bundle: string[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'certify-golden-store-'));
  const outDir = mkdtempSync(join(tmpdir(), 'certify-golden-out-'));
  try {
    const at = { dataDir, clock: () => NOW };
    await runCli(['scan', '--now', GOLDEN_NOW], at);
    await runCli(
      [
        'rule',
        'add',
        '--id',
        'GOLD-1',
        '--name',
        'Golden',
        '--severity',
        'Low',
        '--scope',
        'secrets',
        '--field',
        'enabled',
        '--operator',
        'equals',
        '--value',
        'false',
      ],
      at,
    );
    await runCli(['scan', '--now', GOLDEN_NOW], at);
    const zip = join(outDir, 'bundle.zip');
    const built = await runCli(
      ['evidence', 'soc2', '--period', 'last-30d', '--out', zip, '--now', GOLDEN_NOW],
      at,
    );
    if (built.code !== 0) throw new Error(`evidence failed: ${built.stderr}`);
    const files: Record<string, unknown> = {};
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        const rel = normalize(relative(dataDir, path), dataDir);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.json')) files[rel] = shapeOf(JSON.parse(readFileSync(path, 'utf8')));
        else files[rel] = 'file';
      }
    };
    walk(dataDir);
    const archive = await JSZip.loadAsync(readFileSync(zip));
    const bundle = Object.keys(archive.files)
      .map((n) => normalize(n, dataDir))
      .sort();
    return { files, bundle };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
}
