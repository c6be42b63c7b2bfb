/**
 * The ParameterStore contract, over the embedded store and PostgreSQL: only the values set are
 * kept, a change sees what is stored now, and changes from two handles at once all count.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createParameterStore, type ParameterStore } from '../../../store/parameters.js';
import { createPgParameterStore } from '../../../store/pg/parameters.js';
import { byKind, STORE_KINDS } from './harness.js';

const open = byKind({
  embedded: (dir): ParameterStore => createParameterStore(dir),
  postgres: (pool): ParameterStore => createPgParameterStore(pool),
});

describe.each(STORE_KINDS)('ParameterStore contract ($name)', (kind) => {
  it('starts with none set; a change returns before and after, seen by every handle', async () => {
    const replicas = await kind.open(2);
    const one = open(replicas[0]!);
    const two = open(replicas[1]!);
    assert.equal(typeof one.path, 'string');
    assert.deepEqual(await one.values(), {});
    const changed = await one.change((v) => ({ ...v, secretMaxAgeDays: 60, expiringSoonDays: 45 }));
    assert.deepEqual(changed, { before: {}, after: { secretMaxAgeDays: 60, expiringSoonDays: 45 } });
    assert.deepEqual(await two.values(), { expiringSoonDays: 45, secretMaxAgeDays: 60 });
    const reset = await two.change(() => ({}));
    assert.deepEqual(reset.before, { expiringSoonDays: 45, secretMaxAgeDays: 60 });
    assert.deepEqual(await one.values(), {});
  });

  it('hands out copies', async () => {
    const replicas = await kind.open(2);
    const store = open(replicas[0]!);
    await store.change(() => ({ keyMaxAgeDays: 100 }));
    const values = await store.values();
    values.keyMaxAgeDays = 1;
    await store.change((v) => {
      v.keyMaxAgeDays = 2;
      return { keyMaxAgeDays: 200 };
    });
    assert.deepEqual(await store.values(), { keyMaxAgeDays: 200 });
  });

  it('changes nothing when the change throws, and rethrows what it threw', async () => {
    const replicas = await kind.open(2);
    const store = open(replicas[0]!);
    await store.change(() => ({ expiringSoonDays: 40 }));
    const refusal = new RangeError('refused');
    await assert.rejects(
      store.change(() => {
        throw refusal;
      }),
      (e: unknown) => e === refusal,
    );
    assert.deepEqual(await store.values(), { expiringSoonDays: 40 });
  });

  it('loses no change when two handles change at once: each sees the one before', async () => {
    const replicas = await kind.open(2);
    const handles = [open(replicas[0]!), open(replicas[1]!)];
    await handles[0]!.change(() => ({ keyMaxAgeDays: 100 }));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        handles[i % 2]!.change((v) => ({ ...v, keyMaxAgeDays: (v.keyMaxAgeDays ?? 0) + 1 })),
      ),
    );
    assert.deepEqual(await handles[1]!.values(), { keyMaxAgeDays: 120 });
  });
});
