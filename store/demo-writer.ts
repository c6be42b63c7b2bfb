/**
 * The demo tenant's "Key Vault": nothing real to write to, so a rotation keeps only what a scan
 * would see afterwards — the new version's id, tags and expiry — in `demo-writes.json`, and the
 * value is dropped on the spot. Scans of the demo source apply these writes (core/certify.ts),
 * so the playground shows the rotated secret as a later Azure scan would.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createDocument, isPlainObject, type DeepReadonly } from './json-file.js';
import type { SecretWriter } from '../provenance/writer.js';

export const DEMO_WRITES_FILE = 'demo-writes.json';

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
  writes(): DeepReadonly<DemoWrite>[];
}

export function createDemoWriter(dataDir: string, clock: () => number = Date.now): DemoWriter {
  const doc = createDocument<{ writes: DemoWrite[] }>({
    path: join(dataDir, DEMO_WRITES_FILE),
    kind: 'certify.demo-writes',
    version: 1,
    empty: () => ({ writes: [] }),
    check: (d) => (isPlainObject(d) && Array.isArray(d.writes) ? [] : ['"data.writes" must be an array']),
  });
  return {
    kind: 'demo',
    async write(request) {
      const version = randomBytes(16).toString('hex');
      const vaultUrl = `https://${request.vault}.vault.azure.net`;
      // Only metadata: request.value is not read here.
      await doc.update((d) => {
        d.writes.push({
          vault: request.vault,
          name: request.name,
          version,
          tags: { ...request.tags },
          expires: request.expiresOn ? request.expiresOn.toISOString() : null,
          contentType: request.contentType,
          at: new Date(clock()).toISOString(),
        });
        if (d.writes.length > 10_000) d.writes.splice(0, d.writes.length - 10_000);
      });
      return { id: `${vaultUrl}/secrets/${request.name}/${version}`, version, vaultUrl };
    },
    writes: () => [...doc.read().writes],
  };
}
