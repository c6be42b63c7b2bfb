/** A count reported at most once per interval: the first event at once, the rest summed. */
import assert from 'node:assert/strict';
import { it } from 'vitest';
import { throttledCount } from '../../bot/throttled-count.js';

it('reports the first event at once, then at most once per interval with the sum since', () => {
  const reports: [number, number][] = [];
  const count = throttledCount(60_000, (n, now) => reports.push([n, now]));
  count.add(1_000);
  for (let t = 2_000; t < 61_000; t += 1_000) count.add(t);
  assert.deepEqual(reports, [[1, 1_000]]);
  count.add(61_000);
  assert.deepEqual(reports, [
    [1, 1_000],
    [60, 61_000],
  ]);
  count.add(200_000);
  assert.deepEqual(reports.at(-1), [1, 200_000]);
});
