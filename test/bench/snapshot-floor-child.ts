/**
 * The floor of the snapshot bench, in its own process (compiled, plain `node`): read the file and
 * `JSON.parse` it, the least any command that reads a snapshot must do. Prints the number of
 * vault assets, so the parse is used and the fixture can be checked.
 *
 *   node dist/test/bench/snapshot-floor-child.js FILE
 */
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: snapshot-floor-child.js FILE');
const inventory = JSON.parse(readFileSync(file, 'utf8')) as {
  secrets: unknown[];
  keys: unknown[];
  certificates: unknown[];
};
process.stdout.write(`${inventory.secrets.length + inventory.keys.length + inventory.certificates.length}\n`);
