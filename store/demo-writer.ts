/**
 * The demo tenant's "Key Vault": nothing real to write to, so a rotation keeps only what a scan
 * would see afterwards — the new version's id, tags and expiry — in `demo-writes.json`, and the
 * value is dropped on the spot. Scans of the demo source apply these writes (core/certify.ts),
 * so the playground shows the rotated secret as a later Azure scan would.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cappedList } from './capped-list.js';
import type { DeepReadonly } from './json-file.js';
import type { SecretWriter } from '../provenance/writer.js';

export const DEMO_WRITES_FILE = 'demo-writes.json';
/** The most writes kept; the oldest are dropped beyond it. */
const MAX_WRITES = 10_000;

export interface DemoWrite {
  vault: string;
  name: string;
  version: string;
  tags: Record<string, string>;
  expires: string | null;
  contentType: string;
  at: string;
}

export interface DemoWriter extends SecretWriter {
  /** Oldest first, as stored now. */
  writes(): Promise<DeepReadonly<DemoWrite>[]>;
}

export function createDemoWriter(dataDir: string, clock: () => number = Date.now): DemoWriter {
  const doc = cappedList<'writes', DemoWrite>({
    path: join(dataDir, DEMO_WRITES_FILE),
    kind: 'certify.demo-writes',
    version: 1,
    key: 'writes',
    max: MAX_WRITES,
  });
  return {
    kind: 'demo',
    async write(request) {
      const version = randomBytes(16).toString('hex');
      const vaultUrl = `https://${request.vault}.vault.azure.net`;
      // Only metadata: request.value is not read here.
      await doc.append({
        vault: request.vault,
        name: request.name,
        version,
        tags: { ...request.tags },
        expires: request.expiresOn ? request.expiresOn.toISOString() : null,
        contentType: request.contentType,
        at: new Date(clock()).toISOString(),
      });
      return { id: `${vaultUrl}/secrets/${request.name}/${version}`, version, vaultUrl };
    },
    writes: async () => [...(await doc.items())],
  };
}
