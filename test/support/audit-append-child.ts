/**
 * A second process for the audit-log tests: appends `count` entries to the log in `dataDir`,
 * starting at `startAt` (epoch ms) so that two children really do write at the same time.
 * Usage: node --import tsx test/support/audit-append-child.ts <dataDir> <keyPem> <label> <count> <startAt>
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signerFromKey } from '../../base/jws.js';
import { openAuditLog } from '../../store/audit-log.js';

const [dataDir, keyPath, label, count, startAt] = process.argv.slice(2);
if (!dataDir || !keyPath || !label || !count || !startAt)
  throw new Error('usage: <dataDir> <keyPem> <label> <count> <startAt>');
const signer = signerFromKey(createPrivateKey(readFileSync(keyPath, 'utf8')));
const log = openAuditLog(dataDir, signer, { checkpointEvery: 7 });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
for (let i = 0; i < Number(count); i++) {
  await log.append(
    { action: 'command', actor: { id: label, name: label, channel: 'cli' }, subject: null, details: { i } },
    Date.now(),
  );
}
