/**
 * What only the embedded conversation store has: its file. The behaviour it shares with
 * PostgreSQL is in test/store/contract/conversations.contract.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { CONVERSATIONS_FILE, createConversationStore } from '../../store/conversations.js';
import { conversationRef as ref, type ConversationRef as Ref } from '../support/store-fixtures.js';

it('does not rewrite the file for an unchanged reference', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'certify-conversations-'));
  const store = createConversationStore<Ref>(dir);
  await store.save('a:1', ref('a:1'));
  const before = (await stat(join(dir, CONVERSATIONS_FILE))).mtimeMs;
  await new Promise((r) => setTimeout(r, 20));
  await store.save('a:1', ref('a:1'));
  assert.equal((await stat(join(dir, CONVERSATIONS_FILE))).mtimeMs, before);
});

it('reports a corrupt file and leaves it untouched', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'certify-conversations-'));
  const file = join(dir, CONVERSATIONS_FILE);
  await writeFile(file, '{ nope');
  await assert.rejects(createConversationStore<Ref>(dir).save('a:1', ref('a:1')), /conversations\.json/);
  assert.equal(await readFile(file, 'utf8'), '{ nope');
});
