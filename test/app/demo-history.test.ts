/**
 * The demo organisation's seeded history: ninety daily scans at 06:00 UTC into an empty store,
 * recorded as the demo's, ending at today's score; nothing at all into a store that holds a
 * scan. And the profile settings that decide it: CERTIFY_DEMO_PROFILE, `--profile`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { composeServices } from '../../app/compose.js';
import { readCliEnv, readEnv, type ServiceConfig } from '../../app/config.js';
import { demoHistorySeeder, wantsDemoHistory } from '../../app/demo-history.js';
import { readBotEnv } from '../../bot/config.js';
import { defineScheduledScan, SCHEDULED_SCAN_JOB } from '../../bot/jobs/scheduled-scan.js';
import { createInProcessJobQueue } from '../../store/jobs/in-process.js';
import { SCHEDULE_SINGLETON_KEY } from '../../store/jobs/types.js';
import { CertifyError } from '../../base/errors.js';
import { DAY_MS } from '../../base/time.js';
import { DEMO_HISTORY_DAYS } from '../../scanner/sources/demo/index.js';
import { DEMO_HISTORY_ACTOR, demoHistoryTimes } from '../../services/demo-history.js';
import { runCli } from '../cli/harness.js';

const NOW = Date.parse('2026-11-23T09:30:00Z');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certify-demo-history-'));
  dirs.push(d);
  return d;
};

function config(dataDir: string, over: Partial<ServiceConfig> = {}): ServiceConfig {
  return { ...readCliEnv({ CERTIFY_DATA_DIR: dataDir }, process.cwd()), historyLimit: 500, ...over };
}

describe('demo history', () => {
  it('the days: 06:00 UTC each, the last today when 06:00 has passed, else yesterday', () => {
    const times = demoHistoryTimes(NOW, DEMO_HISTORY_DAYS);
    assert.equal(times.length, 90);
    assert.equal(new Date(times.at(-1)!).toISOString(), '2026-11-23T06:00:00.000Z');
    assert.equal(new Date(times[0]!).toISOString(), '2026-08-26T06:00:00.000Z');
    assert.ok(times.every((t, i) => i === 0 || t - times[i - 1]! === DAY_MS));
    const early = demoHistoryTimes(Date.parse('2026-11-23T05:59:59Z'), 2);
    assert.deepEqual(
      early.map((t) => new Date(t).toISOString()),
      ['2026-11-21T06:00:00.000Z', '2026-11-22T06:00:00.000Z'],
    );
  });

  it('only the demo source with the organisation profile has a history', () => {
    assert.equal(wantsDemoHistory({ source: 'demo' }), true);
    assert.equal(wantsDemoHistory({ source: 'demo', demoProfile: 'organisation' }), true);
    assert.equal(wantsDemoHistory({ source: 'demo', demoProfile: 'showcase' }), false);
    assert.equal(wantsDemoHistory({ source: 'azure', demoProfile: 'organisation' }), false);
    assert.equal(wantsDemoHistory({ source: 'snapshot:inv.json' }), false);
  });

  it('seeds ninety daily scans into an empty store, ending at today’s score, and nothing the second time', async () => {
    const dir = temp();
    const services = composeServices(config(dir), { env: {}, cwd: process.cwd(), clock: () => NOW });
    const audit = await services.auditLog();
    const seed = demoHistorySeeder(services.config, {
      ports: services.ports,
      audit,
      clock: () => NOW,
    });
    assert.ok(seed);
    const outcome = await seed();
    assert.equal(outcome.saved, 90);

    const history = await services.ports.scans.history(200);
    assert.equal(history.length, 90);
    const oldestFirst = [...history].reverse();
    assert.equal(oldestFirst[0]!.now, '2026-08-26T06:00:00.000Z');
    assert.equal(oldestFirst.at(-1)!.now, '2026-11-23T06:00:00.000Z');
    assert.ok(oldestFirst.every((s) => s.source === 'demo'));
    const scores = oldestFirst.map((s) => s.score!);
    assert.ok(new Set(scores).size > 1, 'the scores vary');
    assert.equal(outcome.first, scores[0]);
    assert.equal(outcome.last, scores.at(-1));

    // Today's seeded scan scores what a scan of the demo source scores now.
    const fresh = await services.scans.run({ now: Date.parse(oldestFirst.at(-1)!.now), save: false });
    assert.equal(fresh.result.score, scores.at(-1));
    assert.ok(scores.at(-1)! >= 55 && scores.at(-1)! <= 90, `today ${scores.at(-1)}`);

    // Recorded in the audit log as the demo's synthetic history.
    const entries = await audit.entries();
    const seeded = entries.filter((e) => e.actor.id === DEMO_HISTORY_ACTOR.id);
    assert.equal(seeded.length, 90);

    // A restart finds scans and adds nothing.
    const again = await seed();
    assert.equal(again.saved, 0);
    assert.equal((await services.ports.scans.history(200)).length, 90);
  });

  it('on PostgreSQL, the scheduled-scan job seeds first, under its singleton: once, whoever sends it', async () => {
    const dir = temp();
    const services = composeServices(config(dir), { env: {}, cwd: process.cwd(), clock: () => NOW });
    const seed = demoHistorySeeder(services.config, { ports: services.ports, audit: null, clock: () => NOW });
    const jobs = createInProcessJobQueue({ log: () => {}, random: () => 0 });
    let done = 0;
    defineScheduledScan(jobs, {
      ports: services.ports,
      source: services.source,
      audit: await services.auditLog(),
      clock: () => NOW,
      log: () => {},
      afterScan: () => Promise.resolve(done++),
      beforeScan: seed!,
    });
    await jobs.start();
    try {
      // Two replicas sending it together: the singleton lets one through.
      const sent = await Promise.all([
        jobs.send(SCHEDULED_SCAN_JOB, {}, { singletonKey: SCHEDULE_SINGLETON_KEY }),
        jobs.send(SCHEDULED_SCAN_JOB, {}, { singletonKey: SCHEDULE_SINGLETON_KEY }),
      ]);
      assert.equal(sent.filter((id) => id !== null).length, 1);
      while (done < 1) await new Promise((wait) => setTimeout(wait, 20));
      // Ninety seeded days, then the job's own scan.
      assert.equal((await services.ports.scans.history(200)).length, 91);
      // The next run finds scans: it seeds nothing, and only scans.
      await jobs.send(SCHEDULED_SCAN_JOB, {}, { singletonKey: SCHEDULE_SINGLETON_KEY });
      while (done < 2) await new Promise((wait) => setTimeout(wait, 20));
      assert.equal((await services.ports.scans.history(200)).length, 92);
    } finally {
      await jobs.stop({ graceful: true, timeoutMs: 5_000 });
    }
  });

  it('leaves a store that holds a scan alone', async () => {
    const dir = temp();
    const services = composeServices(config(dir), { env: {}, cwd: process.cwd(), clock: () => NOW });
    await services.scans.run({
      now: NOW,
      save: true,
      by: { actor: { id: 'u', name: 'U', channel: 'cli' }, clock: () => NOW },
    });
    const seed = demoHistorySeeder(services.config, { ports: services.ports, audit: null, clock: () => NOW });
    assert.equal((await seed!()).saved, 0);
    assert.equal((await services.ports.scans.history(200)).length, 1);
  });

  it('CERTIFY_DEMO_PROFILE: default organisation, any case, a mistake names the variable and the profiles', () => {
    assert.equal(readEnv({}, '/').demoProfile, 'organisation');
    assert.equal(readEnv({ CERTIFY_DEMO_PROFILE: ' Showcase ' }, '/').demoProfile, 'showcase');
    assert.throws(
      () => readEnv({ CERTIFY_DEMO_PROFILE: 'contoso' }, '/'),
      (e: unknown) =>
        e instanceof CertifyError &&
        e.problems.some((p) => p.startsWith('CERTIFY_DEMO_PROFILE:') && p.includes('organisation, showcase')),
    );
    // The bot reads it with the rest of its configuration, every problem reported together.
    assert.equal(readBotEnv({}, '/').demoProfile, 'organisation');
    assert.throws(
      () => readBotEnv({ CERTIFY_DEMO_PROFILE: 'contoso', PORT: 'x' }, '/'),
      (e: unknown) =>
        e instanceof CertifyError &&
        e.problems.some((p) => p.startsWith('CERTIFY_DEMO_PROFILE:')) &&
        e.problems.some((p) => p.startsWith('PORT')),
    );
  });

  it('`--profile` picks the tenant; the default is the organisation; a wrong name is bad usage', async () => {
    const at = '2026-11-23T06:00:00Z';
    const organisation = await runCli(['score', '--now', at, '--json', '--profile', 'organisation']);
    assert.equal(organisation.code, 0, organisation.stderr);
    const score = (JSON.parse(organisation.stdout) as { score: number }).score;
    assert.ok(score >= 55 && score <= 90, `organisation ${score}`);

    const byDefault = await runCli(['score', '--now', at, '--json'], {
      env: { CERTIFY_DEMO_PROFILE: '' },
    });
    assert.equal((JSON.parse(byDefault.stdout) as { score: number }).score, score);

    const showcase = await runCli(['score', '--now', at, '--json', '--profile', 'SHOWCASE']);
    assert.ok((JSON.parse(showcase.stdout) as { score: number }).score < 20);

    const wrong = await runCli(['score', '--profile', 'contoso']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--profile: "contoso" is not a demo profile/);
    assert.match(wrong.stderr, /organisation, showcase/);

    const spec = await runCli(['score', '--source', 'demo:showcase']);
    assert.equal(spec.code, 2);
    assert.match(spec.stderr, /--profile/);
  });
});
