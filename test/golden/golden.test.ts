/**
 * No behaviour change: the CLI's text and JSON, every chat card, the data dir's file shapes and
 * a bundle's file list on the demo tenant at a fixed `now` equal the recorded golden outputs.
 * A change that is meant is recorded with `npm run golden`, and its diff reviewed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captureCards, captureCli, captureStore } from './capture.js';

const golden = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as unknown;

describe('golden outputs', () => {
  it('every CLI command prints what it printed', async () => {
    const now = await captureCli();
    const then = golden('cli.json') as typeof now;
    expect(Object.keys(now)).toEqual(Object.keys(then));
    // One expectation per command: a failure names the command and shows a line diff.
    for (const key of Object.keys(then)) expect(now[key], `certify ${key}`).toEqual(then[key]);
  });

  it('every chat command and button gives the card it gave', async () => {
    const now = await captureCards();
    const then = golden('cards.json') as typeof now;
    expect(Object.keys(now)).toEqual(Object.keys(then));
    for (const key of Object.keys(then)) expect(now[key], `/certify ${key}`).toEqual(then[key]);
  });

  it('the data dir holds the same files in the same shapes, and a bundle the same files', async () => {
    expect(await captureStore()).toEqual(golden('store.json'));
  });
});
