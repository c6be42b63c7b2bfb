/** `npm run golden`: records the golden outputs (test/golden/*.json) anew, for a change that is meant. */
import { writeFileSync } from 'node:fs';
import { captureCards, captureCli, captureStore } from '../test/golden/capture.js';

const write = (name: string, value: unknown) =>
  writeFileSync(new URL(`../test/golden/${name}`, import.meta.url), `${JSON.stringify(value, null, 2)}\n`);

write('cli.json', await captureCli());
write('cards.json', await captureCards());
write('store.json', await captureStore());
console.log('recorded test/golden/cli.json, cards.json, store.json');
