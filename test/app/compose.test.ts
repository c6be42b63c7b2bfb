/**
 * The composition root builds every service from one configuration, each part on first use, and
 * the bot and the CLI reach the same services through it: a rule changed in chat and one changed
 * on the command line are validated, stored and recorded by one rules service.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { composeServices } from '../../app/compose.js';
import { readCliEnv, secretWriterFor, type ServiceConfig } from '../../app/config.js';
import { createBotCore } from '../../bot/core.js';
import type { AuditEvent } from '../../evidence/types.js';
import { createRuleService } from '../../services/rules.js';
import { AUDIT_LOG_FILE } from '../../store/audit-log.js';
import { SIGNING_KEY_FILE } from '../../store/signing-key.js';
import { runCli, tagRuleArgs } from '../cli/harness.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certify-compose-'));
  dirs.push(d);
  return d;
};
const files = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

function config(dataDir: string, over: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    dataDir,
    source: 'demo',
    historyLimit: 50,
    database: null,
    approvers: [],
    publicUrl: 'http://localhost:3978',
    tsaUrl: null,
    secretWriter: 'demo',
    ...over,
  };
}
const compose = (cfg: ServiceConfig) =>
  composeServices(cfg, { env: {}, cwd: process.cwd(), clock: () => NOW });

const PROD_TAG = {
  id: 'PROD-TAG',
  name: 'Production tag',
  severity: 'Medium',
  condition: { asset_scope: 'secrets', asset_field: 'tag_present', operator: 'not_exists', value: 'env' },
};

describe('composeServices', () => {
  it('builds nothing until it is used: reading the rules creates no file', async () => {
    const dir = temp();
    const services = compose(config(dir));
    assert.deepEqual(files(dir), []);
    assert.deepEqual(await services.rules.list(), []);
    assert.equal(await services.existingSigner(), null);
    assert.deepEqual(files(dir), []);
  });

  it('resolves the configured source only when it is used', async () => {
    const services = compose(config(temp(), { source: 'snapshot:' }));
    assert.deepEqual(await services.rules.list(), []);
    assert.equal(services.sourceFor('demo', { size: 30 }).id, 'demo');
    assert.throws(() => services.source, /snapshot source needs a path/);
  });

  it('a saved scan creates the signing key and the audit log, and is recorded for who ran it', async () => {
    const dir = temp();
    const services = compose(config(dir));
    const actor = { id: 'ana@host', name: 'ana', channel: 'cli' };
    const run = await services.scans.run({
      source: services.sourceFor('demo', { size: 40 }),
      now: NOW,
      save: true,
      by: { actor, clock: () => NOW },
    });
    assert.ok(files(dir).includes(SIGNING_KEY_FILE));
    assert.ok(files(dir).includes(AUDIT_LOG_FILE));
    assert.ok(!files(dir).some((f) => f.startsWith('tsa')), 'no time-stamping authority for a scan');
    const entries = (await (await services.auditLog()).entries()).filter((e) => e.action === 'scan.saved');
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]!.actor, actor);
    assert.equal(entries[0]!.subject, run.result.scanId);
  });

  it('reports the evaluation and each save step after the collection, in order', async () => {
    const services = compose(config(temp()));
    const steps: string[] = [];
    const onProgress = (p: { phase: string; done: number; total: number | null; unit?: string }) => {
      if (p.unit === 'steps') steps.push(`${p.phase} ${p.done}/${p.total}`);
    };
    const source = services.sourceFor('demo', { size: 40 });
    await services.scans.run({ source, now: NOW, save: false, onProgress });
    assert.deepEqual(steps, ['evaluating 0/1', 'evaluated 1/1']);
    steps.length = 0;
    const by = { actor: { id: 'ana@host', name: 'ana', channel: 'cli' }, clock: () => NOW };
    await services.scans.run({ source, now: NOW, save: true, by, onProgress });
    assert.deepEqual(steps, [
      'evaluating 0/4',
      'evaluated 1/4',
      'saving the snapshot 1/4',
      'recording the scan in the audit log 2/4',
      'saving the result and history 3/4',
      'saved 4/4',
    ]);
  });

  it('evidence and provenance share the one signing key and audit log; provenance feeds every scan', async () => {
    const dir = temp();
    const services = compose(config(dir));
    const evidence = await services.evidence();
    assert.equal(evidence.signer, await services.signer());
    assert.equal(evidence.audit, await services.auditLog());
    const provenance = await services.provenance();
    assert.equal(provenance.writer.kind, 'demo');
    assert.equal(services.ports.extras, provenance.extras);
    assert.equal(await services.provenance(), provenance, 'built once');
  });

  it('where a signing key is, scans see what the service issued even before provenance is built', async () => {
    const dir = temp();
    await compose(config(dir)).signer();
    assert.ok(compose(config(dir)).ports.extras, 'extras from the existing key');
    assert.equal(compose(config(temp())).ports.extras, undefined);
  });

  it('reads the CLI configuration and chooses the writer by source', () => {
    const cli = readCliEnv({ CERTIFY_TSA_URL: ' https://tsa.example ', CERTIFY_SOURCE: 'azure' }, '/w');
    assert.equal(cli.tsaUrl, 'https://tsa.example');
    assert.equal(cli.publicUrl, 'http://localhost:3978');
    assert.equal(cli.secretWriter, 'demo');
    assert.deepEqual(cli.approvers, []);
    assert.equal(secretWriterFor('azure'), 'keyvault');
    assert.equal(secretWriterFor('demo'), 'demo');
  });
});

describe('the rules service', () => {
  function withLog() {
    const events: { event: AuditEvent; now: number }[] = [];
    const dir = temp();
    const store = compose(config(dir)).ports.customRules;
    const rules = createRuleService({
      store,
      audit: {
        append: async (event, now) => {
          events.push({ event, now });
          return undefined as never;
        },
      },
    });
    return { rules, events, dir };
  }
  const by = { actor: { id: 'u1', name: 'Ana', channel: 'slack' }, at: NOW };

  it('adds, updates, disables, enables and removes, each recorded', async () => {
    const { rules, events } = withLog();
    const created = await rules.add(structuredClone(PROD_TAG), by);
    assert.equal(created.condition.value, 'env');
    await rules.update('PROD-TAG', { severity: 'High' }, by);
    await rules.setEnabled('PROD-TAG', false, by);
    await rules.setEnabled('PROD-TAG', true, by);
    await rules.remove('PROD-TAG', by);
    assert.deepEqual(
      events.map((e) => [e.event.action, e.event.subject, e.event.actor, e.now]),
      ['rule.added', 'rule.updated', 'rule.disabled', 'rule.enabled', 'rule.removed'].map((a) => [
        a,
        'PROD-TAG',
        by.actor,
        NOW,
      ]),
    );
    assert.match(String(events[0]!.event.details.condition), /env/);
    assert.deepEqual(events[4]!.event.details, {});
  });

  it('a refused rule is neither stored nor recorded; a condition without value is judged as value null', async () => {
    const { rules, events, dir } = withLog();
    const refused = (input: unknown) =>
      rules.add(input, by).then(
        () => assert.fail('stored'),
        (e: { problems: string[] }) => e.problems.join('\n'),
      );
    assert.match(await refused({ ...PROD_TAG, severity: 'Huge' }), /severity/);
    const { value: _, ...noValue } = PROD_TAG.condition;
    assert.match(await refused({ ...PROD_TAG, condition: noValue }), /condition\.value: .*\(got null\)/);
    assert.deepEqual(events, []);
    assert.deepEqual(files(dir), []);
  });

  it('finds a stored id typed in another case, and leaves an unknown one as typed', async () => {
    const { rules } = withLog();
    await rules.add(structuredClone(PROD_TAG), by);
    assert.equal(await rules.storedId('prod-tag'), 'PROD-TAG');
    assert.equal(await rules.storedId('NOPE'), 'NOPE');
  });
});

describe('one service behind both edges', () => {
  it('a rule added in chat and one added on the command line are stored and recorded alike', async () => {
    const chatDir = temp();
    const services = compose(config(chatDir));
    const core = createBotCore({
      ports: services.ports,
      source: services.source,
      scans: services.scans,
      rules: services.rules,
      clock: () => NOW,
    });
    const view = await core.answer(
      `rule add ${JSON.stringify(PROD_TAG)}`,
      { id: 'u1', name: 'Ana' },
      {
        kind: 'slack',
        id: 'C1',
      },
    );
    assert.equal(view.kind, 'message');

    const cliDir = temp();
    const cli = await runCli(tagRuleArgs({ id: 'PROD-TAG', name: 'Production tag', value: 'env' }), {
      dataDir: cliDir,
      clock: () => NOW,
    });
    assert.equal(cli.code, 0, cli.stderr);

    const stored = (dir: string) => compose(config(dir)).rules.list();
    assert.deepEqual(await stored(cliDir), await stored(chatDir));
    const added = async (dir: string) => {
      const entries = await (await compose(config(dir)).auditLog()).entries();
      return entries
        .filter((e) => e.action === 'rule.added')
        .map(({ action, subject, details }) => ({ action, subject, details }));
    };
    assert.deepEqual(await added(cliDir), await added(chatDir));
    assert.equal((await added(chatDir)).length, 1);
  });
});
