/**
 * Organisation parameters end to end on real parts: the parameters service over a data dir
 * (stored, audited, approvers only in chat), a scan through the scan service that uses them, the
 * result that carries them, the cards that name a non-default value, and a bundle's scope and
 * covers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { openEvidence } from '../../app/evidence.js';
import { openPorts, portServices } from '../../app/ports.js';
import { isCertifyError } from '../../base/errors.js';
import { parseCommand } from '../../bot/commands/index.js';
import { createBotCore } from '../../bot/core.js';
import { playgroundMayRun } from '../../bot/playground-guard.js';
import { controlView, scoreView } from '../../cards/scan-views.js';
import { toAdaptiveCard, toBlockKit } from '../../cards/index.js';
import type { ParametersView, View } from '../../cards/views.js';
import { SCOPE, stageBundle } from '../../evidence/bundle.js';
import { parsePeriod } from '../../evidence/period.js';
import type { Actor } from '../../evidence/types.js';
import { findFramework, lookupControl } from '../../scanner/frameworks/index.js';
import { DEFAULT_PARAMETERS } from '../../scanner/rules/parameters.js';
import type { ScanResult } from '../../scanner/scan.js';
import { snapshotSource } from '../../scanner/sources/snapshot/index.js';
import { gatherEvidence } from '../../services/evidence.js';
import { openAuditLog, verifyAuditLog } from '../../store/audit-log.js';
import { PARAMETERS_FILE } from '../../store/parameters.js';
import { loadOrCreateSigningKey } from '../../store/signing-key.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-09-28T06:00:00Z');
const OPERATOR: Actor = { id: 'casey@host', name: 'casey', channel: 'cli' };
const MORGAN = { id: 'u-morgan', name: 'Morgan Diaz' };
const RILEY = { id: 'u-riley', name: 'Riley Chen' };
const SLACK = { kind: 'slack' as const, id: 'C1' };

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certify-params-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * The sample inventory with one secret, expiring 40 days after NOW: "expiring soon" (P003) at
 * expiringSoonDays 45, not at the default 30.
 */
function craftedSnapshot(dir: string): string {
  const inv = JSON.parse(readFileSync('test/fixtures/inventories/sample.json', 'utf8')) as {
    collectedAt: string;
    secrets: Record<string, unknown>[];
  };
  const secret = inv.secrets[0]!;
  inv.collectedAt = new Date(NOW).toISOString();
  inv.secrets = [
    {
      ...secret,
      enabled: true,
      managed: false,
      created: new Date(NOW - 10 * DAY).toISOString(),
      updated: new Date(NOW - 10 * DAY).toISOString(),
      expires: new Date(NOW + 40 * DAY).toISOString(),
    },
  ];
  const path = join(dir, 'inventory.json');
  writeFileSync(path, JSON.stringify(inv));
  return path;
}

async function setup(approvers: string[] = [MORGAN.id]) {
  const dataDir = temp();
  const ports = openPorts(dataDir, 50);
  const audit = openAuditLog(dataDir, await loadOrCreateSigningKey(dataDir));
  const source = snapshotSource(craftedSnapshot(dataDir));
  const services = portServices({ ports, source: () => source, audit, approvers });
  return { dataDir, ports, audit, source, services };
}

const rule = (result: ScanResult, id: string) => {
  const r = result.rules.find((x) => x.id === id);
  assert.ok(r, `no ${id} in the result`);
  return r;
};

const cardText = (view: View) =>
  `${JSON.stringify(toAdaptiveCard(view))}\n${JSON.stringify(toBlockKit(view))}`;

describe('the parameters service', () => {
  it('reads the defaults with no file, and creates none', async () => {
    const { dataDir, services } = await setup();
    const state = await services.parameters.current();
    assert.deepEqual(state.effective, DEFAULT_PARAMETERS);
    assert.deepEqual(state.set, {});
    assert.throws(() => readFileSync(join(dataDir, PARAMETERS_FILE)));
  });

  it('sets, stores and audits each change; a change to the same value records nothing', async () => {
    const { dataDir, services, audit } = await setup();
    const by = { actor: OPERATOR, at: NOW };
    const out = await services.parameters.set(
      [
        ['expiringSoonDays', 45],
        ['keyMaxAgeDays', 730],
      ],
      by,
    );
    assert.deepEqual(out.changed, [
      { name: 'expiringSoonDays', from: 30, to: 45 },
      { name: 'keyMaxAgeDays', from: 365, to: 730 },
    ]);
    const stored = JSON.parse(readFileSync(join(dataDir, PARAMETERS_FILE), 'utf8')) as unknown;
    assert.deepEqual(stored, {
      kind: 'certify.parameters',
      version: 1,
      data: { values: { expiringSoonDays: 45, keyMaxAgeDays: 730 } },
    });
    const again = await services.parameters.set([['expiringSoonDays', 45]], by);
    assert.deepEqual(again.changed, []);
    const reset = await services.parameters.reset(['keyMaxAgeDays'], by);
    assert.deepEqual(reset.changed, [{ name: 'keyMaxAgeDays', from: 730, to: 365 }]);
    const entries = (await audit.entries()).filter((e) => e.action.startsWith('parameter.'));
    assert.deepEqual(
      entries.map((e) => [e.action, e.subject, e.details, e.actor.channel]),
      [
        ['parameter.set', 'expiringSoonDays', { from: 30, to: 45, default: 30 }, 'cli'],
        ['parameter.set', 'keyMaxAgeDays', { from: 365, to: 730, default: 365 }, 'cli'],
        ['parameter.reset', 'keyMaxAgeDays', { from: 730, to: 365, default: 365 }, 'cli'],
      ],
    );
    assert.ok((await verifyAuditLog(dataDir, (await loadOrCreateSigningKey(dataDir)).jwks())).ok);
  });

  it('refuses an invalid change whole, naming every problem, and leaves no trace', async () => {
    const { dataDir, services, audit } = await setup();
    await assert.rejects(
      services.parameters.set(
        [
          ['expiringSoonDays', 45],
          ['expiringCriticalDays', 0],
          ['nope', 1],
        ],
        { actor: OPERATOR, at: NOW },
      ),
      (e: unknown) => {
        assert.ok(isCertifyError(e));
        assert.equal(e.code, 'BAD_INPUT');
        assert.equal(e.exitCode, 2);
        assert.match(
          e.problems[0]!,
          /^expiringCriticalDays: must be a whole number of days from 1 to 90, got 0$/,
        );
        assert.match(e.problems[1]!, /^nope: not an organisation parameter/);
        return true;
      },
    );
    assert.throws(() => readFileSync(join(dataDir, PARAMETERS_FILE)));
    assert.equal((await audit.entries()).length, 0);
  });

  it('a hand-edited file with a bad value stops a scan, naming the file, and is left untouched', async () => {
    const { dataDir, services, source } = await setup();
    const path = join(dataDir, PARAMETERS_FILE);
    const text = JSON.stringify({
      kind: 'certify.parameters',
      version: 1,
      data: { values: { keyMaxAgeDays: 0 } },
    });
    writeFileSync(path, text);
    await assert.rejects(services.scans.run({ source, now: NOW, save: false }), (e: unknown) => {
      assert.ok(isCertifyError(e));
      assert.equal(e.code, 'STORE_CORRUPT');
      assert.ok(e.message.includes(path), e.message);
      assert.match(
        e.problems.join('\n'),
        /keyMaxAgeDays: must be a whole number of days from 1 to 3650, got 0/,
      );
      return true;
    });
    assert.equal(readFileSync(path, 'utf8'), text);
  });
});

describe('a scan uses the parameters, and its result carries them', () => {
  it("a non-default expiringSoonDays changes P003's verdict; the result records the values", async () => {
    const { ports, source, services } = await setup();
    const before = (await services.scans.run({ source, now: NOW, save: false })).result;
    assert.deepEqual(before.parameters, DEFAULT_PARAMETERS);
    assert.equal(rule(before, 'P003').status, 'pass');
    assert.equal(rule(before, 'P003').evaluated, 1);

    await services.parameters.set([['expiringSoonDays', 45]], { actor: OPERATOR, at: NOW });
    const after = (
      await services.scans.run({ source, now: NOW, save: true, by: { actor: OPERATOR, clock: () => NOW } })
    ).result;
    assert.deepEqual(after.parameters, { ...DEFAULT_PARAMETERS, expiringSoonDays: 45 });
    assert.equal(rule(after, 'P003').status, 'fail');
    assert.deepEqual(rule(after, 'P003').failing, [
      'https://kv-payments-prod.vault.azure.net/secrets/db-password',
    ]);
    // P002 (critically soon, 7 days) is not moved by expiringSoonDays.
    assert.equal(rule(after, 'P002').status, rule(before, 'P002').status);
    // Framework controls judge with the same values: a control citing P003 now fails.
    const iso = after.frameworks.find((f) => f.id === 'iso27001')!;
    const citing = iso.controls.filter((c) => c.rules.includes('P003'));
    assert.ok(citing.length > 0);
    for (const c of citing) assert.equal(c.status, 'fail', c.id);

    // The saved scan and its snapshot keep the values they were computed with.
    assert.deepEqual((await ports.scans.latest())?.parameters, after.parameters);
    assert.deepEqual((await ports.snapshots.load(after.scanId))?.result.parameters, after.parameters);
    await services.parameters.reset([], { actor: OPERATOR, at: NOW });
    assert.deepEqual((await ports.scans.latest())?.parameters, after.parameters);
  });

  it('the free scan function and a scheduled scan read the data dir too', async () => {
    const { ports, source, services, audit } = await setup();
    await services.parameters.set([['expiringSoonDays', 45]], { actor: OPERATOR, at: NOW });
    const { scheduledScan } = await import('../../bot/scheduled-scan.js');
    const run = await scheduledScan({ ports, source, audit, clock: () => NOW });
    assert.equal(run.result.parameters?.expiringSoonDays, 45);
    assert.equal(rule(run.result, 'P003').status, 'fail');
  });
});

describe('cards name a non-default value, and nothing on the defaults', () => {
  it('score and control cards (Teams and Slack) and the terminal carry the line', async () => {
    const { source, services } = await setup();
    const defaults = (await services.scans.run({ source, now: NOW, save: false })).result;
    await services.parameters.set([['expiringSoonDays', 45]], { actor: OPERATOR, at: NOW });
    const changed = (await services.scans.run({ source, now: NOW, save: false })).result;
    const line = 'Organisation parameters: expiringSoonDays 45 days (default 30)';

    const plain = scoreView(defaults, { framework: null, previous: null });
    assert.equal('parameters' in plain, false);
    assert.ok(!cardText(plain).includes('Organisation parameters'));

    const score = scoreView(changed, { framework: null, previous: null });
    assert.equal(score.parameters, line);
    assert.equal(cardText(score).split(line).length - 1, 2, 'once in the Adaptive Card, once in Block Kit');

    const iso = findFramework('iso');
    const control = controlView(iso, 'A.8.24', lookupControl(iso, 'A.8.24'), changed);
    assert.equal(control.parameters, line);
    assert.ok(cardText(control).includes(line));
    assert.equal('parameters' in controlView(iso, 'A.8.24', lookupControl(iso, 'A.8.24'), defaults), false);
  });

  it('a result saved before parameters were recorded reads as the defaults (no line)', async () => {
    const { source, services } = await setup();
    const { parameters: _, ...old } = (await services.scans.run({ source, now: NOW, save: false })).result;
    assert.equal('parameters' in scoreView(old as ScanResult, { framework: null, previous: null }), false);
  });
});

describe('chat: anyone reads, only approvers change', () => {
  async function core(approvers: string[]) {
    const { dataDir, ports, source, audit } = await setup(approvers);
    return {
      dataDir,
      ports,
      audit,
      core: createBotCore({ ports, source, clock: () => NOW, audit, approvers }),
    };
  }

  it('an approver sets and resets; the audit log names them', async () => {
    const { core: bot, audit, ports } = await core([MORGAN.id]);
    const set = await bot.answer(
      'parameters set expiringSoonDays=45 expiringCriticalDays = 10',
      MORGAN,
      SLACK,
    );
    assert.equal(set.kind, 'parameters', JSON.stringify(set).slice(0, 400));
    const view = set as ParametersView;
    assert.equal(view.title, 'Parameters changed');
    assert.match(view.text, /^expiringSoonDays 30 → 45 days; expiringCriticalDays 7 → 10 days\./);
    assert.deepEqual(
      view.rows.filter((r) => !r.isDefault).map((r) => [r.name, r.value]),
      [
        ['expiringSoonDays', '45 days'],
        ['expiringCriticalDays', '10 days'],
      ],
    );
    assert.equal((await ports.parameters.values()).expiringSoonDays, 45);
    const reset = (await bot.answer('params reset expiringCriticalDays', MORGAN, SLACK)) as ParametersView;
    assert.equal(reset.title, 'Parameters reset');
    const entries = (await audit.entries()).filter((e) => e.action.startsWith('parameter.'));
    assert.deepEqual(
      entries.map((e) => [e.action, e.subject, e.actor.id, e.actor.channel]),
      [
        ['parameter.set', 'expiringSoonDays', MORGAN.id, 'slack'],
        ['parameter.set', 'expiringCriticalDays', MORGAN.id, 'slack'],
        ['parameter.reset', 'expiringCriticalDays', MORGAN.id, 'slack'],
      ],
    );
  });

  it('anyone else is refused with a clear message, nothing changes, and the refusal is logged', async () => {
    const { core: bot, audit, ports, dataDir } = await core([MORGAN.id]);
    const refused = await bot.answer('parameters set expiringSoonDays=45', RILEY, SLACK);
    assert.equal(refused.kind, 'message');
    assert.ok(refused.kind === 'message');
    assert.equal(refused.title, 'Not allowed');
    assert.match(
      refused.text,
      /^Riley Chen is not an approver: only the users in CERTIFY_APPROVERS can change organisation parameters/,
    );
    const reset = await bot.answer('parameters reset', RILEY, SLACK);
    assert.ok(reset.kind === 'message' && reset.title === 'Not allowed');
    assert.deepEqual(await ports.parameters.values(), {});
    assert.throws(() => readFileSync(join(dataDir, PARAMETERS_FILE)));
    const refusals = (await audit.entries()).filter((e) => e.action.endsWith('.refused'));
    assert.deepEqual(
      refusals.map((e) => [e.action, e.actor.id]),
      [
        ['parameter.set.refused', RILEY.id],
        ['parameter.reset.refused', RILEY.id],
      ],
    );

    // Reading is for everyone, and says who may change them.
    const shown = (await bot.answer('parameters', RILEY, SLACK)) as ParametersView;
    assert.equal(shown.kind, 'parameters');
    assert.equal(shown.rows.length, 5);
    assert.match(shown.note ?? '', /Only approvers \(CERTIFY_APPROVERS\)/);
    const forMorgan = (await bot.answer('parameters', MORGAN, SLACK)) as ParametersView;
    assert.match(forMorgan.note ?? '', /You can change them/);
  });

  it('a read-only playground shows them but never changes them', () => {
    assert.equal(playgroundMayRun(parseCommand('parameters')), true);
    assert.equal(playgroundMayRun(parseCommand('parameters set expiringSoonDays=45')), false);
    assert.equal(playgroundMayRun(parseCommand('parameters reset')), false);
  });

  it('with no approvers configured, nobody in chat changes them, and the hint says what to set', async () => {
    const { core: bot } = await core([]);
    const refused = await bot.answer('parameters set expiringSoonDays=45', MORGAN, SLACK);
    assert.ok(refused.kind === 'message');
    assert.match(refused.hint ?? '', /set CERTIFY_APPROVERS/);
  });

  it('an approver with a bad value gets every problem named', async () => {
    const { core: bot } = await core([MORGAN.id]);
    const bad = await bot.answer(
      'parameters set expiringSoonDays=0 secretMaxAge=60 keyMaxAgeDays',
      MORGAN,
      SLACK,
    );
    assert.ok(bad.kind === 'message', JSON.stringify(bad));
    assert.equal(bad.title, 'Parameters not changed');
    assert.match(bad.text, /expiringSoonDays: must be a whole number of days from 1 to 365, got 0/);
    assert.match(bad.text, /secretMaxAge: not an organisation parameter \(did you mean secretMaxAgeDays\?\)/);
    assert.match(bad.text, /keyMaxAgeDays: must be a whole number of days from 1 to 3650, got no value/);
    const empty = await bot.answer('parameters set', MORGAN, SLACK);
    assert.ok(empty.kind === 'message' && empty.title === 'Parameters not changed');
  });
});

describe("an evidence bundle's scope and covers state the parameters", () => {
  it('scope.json has the effective values; every cover lists them', async () => {
    const dataDir = temp();
    const ports = openPorts(dataDir, 50);
    const source = snapshotSource(craftedSnapshot(dataDir));
    const wiring = await openEvidence({
      dataDir,
      ports,
      source,
      approvers: [],
      publicUrl: 'http://x',
      tsaUrl: null,
      now: Date.parse('2026-09-01T00:00:00Z'),
    });
    const { parameters, scans } = portServices({ ports, source: () => source, audit: wiring.audit });
    await parameters.set([['secretMaxAgeDays', 60]], { actor: OPERATOR, at: NOW });
    await scans.run({ source, now: NOW, save: true, by: { actor: OPERATOR, clock: () => NOW } });
    // Changed after the scan: the bundle states what the scan used, not what is set now.
    await parameters.set([['secretMaxAgeDays', 45]], { actor: OPERATOR, at: NOW });
    const input = await gatherEvidence(
      { ports, source, audit: wiring.audit, actor: OPERATOR, clock: () => NOW },
      findFramework('soc2'),
      parsePeriod('2026-Q3', NOW + DAY),
      NOW + DAY,
    );
    const staged = await stageBundle({
      bundleId: 'ev-0000000000000002',
      input,
      productVersion: 'test',
      tsa: wiring.tsa,
      requestedBy: null,
      local: true,
    });
    const scope = JSON.parse(staged.files[SCOPE]!.toString('utf8')) as { parameters: unknown };
    assert.deepEqual(scope.parameters, { ...DEFAULT_PARAMETERS, secretMaxAgeDays: 60 });
    assert.ok(staged.cover.parameters);
    assert.equal(staged.cover.parameters.length, 5);
    assert.ok(staged.cover.parameters.includes('secretMaxAgeDays = 60 days (default 90 days): P008'));
    assert.ok(staged.cover.parameters.includes('expiringSoonDays = 30 days (the default): P003, C003, K003'));
  });
});
