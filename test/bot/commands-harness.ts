/**
 * What the command tests share: a command context over real stores in a data dir and the demo
 * source, a way to answer a typed command, and a view narrowed to the kind expected.
 */
import assert from 'node:assert/strict';
import { openPorts, portServices } from '../../app/ports.js';
import { handleCommand, parseCommand, type CommandContext } from '../../bot/commands/index.js';
import type { View } from '../../cards/views.js';
import { demoSource } from '../../scanner/sources/demo/index.js';

/** Test User in the playground at `now`, over the stores in `dataDir` and a 200-asset demo tenant. */
export function commandContext(dataDir: string, now: number): CommandContext {
  const ports = openPorts(dataDir, 50);
  const source = demoSource({ profile: 'showcase', size: 200 });
  return {
    ports,
    source,
    ...portServices({ ports, source: () => source, audit: null }),
    now,
    user: { id: 'u1', name: 'Test User' },
    channel: { kind: 'playground', id: 'c1' },
  };
}

/** The answer to `text` as typed in a channel. */
export function run(text: string, ctx: CommandContext): Promise<View> {
  return handleCommand(parseCommand(text), ctx);
}

/** `view`, asserted to be of `kind`. */
export function as<K extends View['kind']>(view: View, kind: K): Extract<View, { kind: K }> {
  assert.equal(view.kind, kind, `expected a ${kind} view, got ${JSON.stringify(view).slice(0, 300)}`);
  return view as Extract<View, { kind: K }>;
}
