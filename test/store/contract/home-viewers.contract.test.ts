/**
 * The HomeViewers contract, over the embedded store and PostgreSQL: who opened the App Home,
 * newest first, one entry per (team, user), seen by every replica.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createHomeViewers, type HomeViewers } from '../../../store/home-viewers.js';
import { createPgHomeViewers } from '../../../store/pg/home-viewers.js';
import { byKind, STORE_KINDS } from './harness.js';

const T0 = Date.parse('2026-11-20T08:00:00Z');
const MIN = 60_000;

const open = byKind({
  embedded: (dir): HomeViewers => createHomeViewers(dir),
  postgres: (pool): HomeViewers => createPgHomeViewers(pool),
});

describe.each(STORE_KINDS)('HomeViewers contract ($name)', (kind) => {
  it('lists the viewers newest first, one entry per team and user, for every replica', async () => {
    const [a, b] = await kind.open(2);
    const one = open(a!);
    const two = open(b!);
    assert.deepEqual(await two.recent(10), []);
    await one.opened('T1', 'U1', T0);
    await two.opened('T1', 'U2', T0 + MIN);
    await one.opened('T2', 'U1', T0 + 2 * MIN);
    // U1 of T1 opens again: moved to the newest, not listed twice.
    await two.opened('T1', 'U1', T0 + 3 * MIN);
    assert.deepEqual(await one.recent(10), [
      { teamId: 'T1', userId: 'U1', openedAt: T0 + 3 * MIN },
      { teamId: 'T2', userId: 'U1', openedAt: T0 + 2 * MIN },
      { teamId: 'T1', userId: 'U2', openedAt: T0 + MIN },
    ]);
    assert.deepEqual(
      (await two.recent(2)).map((v) => `${v.teamId}/${v.userId}`),
      ['T1/U1', 'T2/U1'],
    );
    assert.deepEqual(await two.recent(0), []);
  });

  it('keeps the newer opening when an older one is recorded late', async () => {
    const [a] = await kind.open();
    const viewers = open(a!);
    await viewers.opened('T1', 'U1', T0 + 5 * MIN);
    await viewers.opened('T1', 'U1', T0);
    assert.deepEqual(await viewers.recent(5), [{ teamId: 'T1', userId: 'U1', openedAt: T0 + 5 * MIN }]);
  });

  it('orders viewers opened at the same time by team, then user', async () => {
    const [a] = await kind.open();
    const viewers = open(a!);
    await viewers.opened('T2', 'U1', T0);
    await viewers.opened('T1', 'U9', T0);
    await viewers.opened('T1', 'U10', T0);
    assert.deepEqual(
      (await viewers.recent(5)).map((v) => `${v.teamId}/${v.userId}`),
      ['T1/U10', 'T1/U9', 'T2/U1'],
    );
  });

  it('keeps every viewer when two replicas record at once', async () => {
    const [a, b] = await kind.open(2);
    const handles = [open(a!), open(b!)];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => handles[i % 2]!.opened('T1', `U${i % 6}`, T0 + i * MIN)),
    );
    const listed = await handles[0]!.recent(100);
    assert.deepEqual(
      listed.map((v) => v.userId).sort(),
      Array.from({ length: 6 }, (_, i) => `U${i}`),
    );
    // Each user's later opening (i + 6) wins, whichever replica wrote last.
    for (const v of listed) assert.equal(v.openedAt, T0 + (Number(v.userId.slice(1)) + 6) * MIN);
  });

  it('refuses a limit that is not a whole number', async () => {
    const [a] = await kind.open();
    await assert.rejects(open(a!).recent(-1), RangeError);
    await assert.rejects(open(a!).recent(1.5), RangeError);
  });
});

describe('HomeViewers (embedded): the cap', () => {
  it('drops the least recently opened beyond the cap', async () => {
    const [a] = await STORE_KINDS[0]!.open();
    if (a?.kind !== 'embedded') throw new Error('expected the embedded store');
    const viewers = createHomeViewers(a.dir, { max: 2 });
    await viewers.opened('T1', 'U1', T0 + 2 * MIN);
    await viewers.opened('T1', 'U2', T0);
    await viewers.opened('T1', 'U3', T0 + MIN);
    assert.deepEqual(
      (await viewers.recent(10)).map((v) => v.userId),
      ['U1', 'U3'],
    );
  });
});
