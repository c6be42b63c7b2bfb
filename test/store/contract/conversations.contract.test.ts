/**
 * The ConversationStore contract, over the embedded store and PostgreSQL: references kept for
 * every handle (an alert reaches a Teams conversation whichever replica saw it last), as copies.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createConversationStore, type ConversationStore } from '../../../store/conversations.js';
import { createPgConversationStore } from '../../../store/pg/conversations.js';
import { conversationRef as ref, type ConversationRef as Ref } from '../../support/store-fixtures.js';
import { byKind, STORE_KINDS } from './harness.js';

const open = byKind({
  embedded: (dir): ConversationStore<Ref> => createConversationStore<Ref>(dir),
  postgres: (pool): ConversationStore<Ref> => createPgConversationStore<Ref>(pool),
});

describe.each(STORE_KINDS)('ConversationStore contract ($name)', (kind) => {
  it('keeps references for every handle, as copies', async () => {
    const replicas = await kind.open(2);
    const one = open(replicas[0]!);
    const two = open(replicas[1]!);
    await one.save('a:1', ref('a:1'));
    await one.save('19:channel', ref('19:channel', { tenantId: 'Zoë ✓' }));
    assert.deepEqual(await two.get('a:1'), ref('a:1'));
    assert.deepEqual(await two.get('19:channel'), ref('19:channel', { tenantId: 'Zoë ✓' }));
    assert.deepEqual((await two.list()).map((e) => e.key).sort(), ['19:channel', 'a:1']);
    const got = (await two.get('a:1'))!;
    got.conversation.id = 'changed';
    const listed = await two.list();
    listed[0]!.reference.conversation.id = 'changed';
    assert.deepEqual(await two.get('a:1'), ref('a:1'));
    assert.deepEqual(await two.get('19:channel'), ref('19:channel', { tenantId: 'Zoë ✓' }));
    assert.equal(await two.get('unknown'), undefined);
  });

  it('replaces a changed reference; an unchanged one stays as it was', async () => {
    const replicas = await kind.open(2);
    const one = open(replicas[0]!);
    const two = open(replicas[1]!);
    await one.save('b:1', ref('b:1'));
    await two.save('b:1', ref('b:1'));
    assert.deepEqual(await one.list(), [{ key: 'b:1', reference: ref('b:1') }]);
    await two.save('b:1', ref('b:1', { tenantId: 't2' }));
    assert.deepEqual(await one.get('b:1'), ref('b:1', { tenantId: 't2' }));
  });

  it('keeps every reference when two handles save at once', async () => {
    const replicas = await kind.open(2);
    const handles = [open(replicas[0]!), open(replicas[1]!)];
    await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        handles[i % 2]!.save(`c:${i % 8}`, ref(`c:${i % 8}`, { tenantId: `t${i}` })),
      ),
    );
    const listed = await handles[0]!.list();
    assert.deepEqual(
      listed.map((e) => e.key).sort(),
      Array.from({ length: 8 }, (_, i) => `c:${i}`),
    );
    for (const { key, reference } of listed) {
      const n = Number(key.slice(2));
      assert.ok([`t${n}`, `t${n + 8}`].includes(reference.conversation.tenantId!), JSON.stringify(reference));
    }
  });
});
