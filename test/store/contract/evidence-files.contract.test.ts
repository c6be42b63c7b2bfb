/**
 * The EvidenceFiles contract, over the embedded store and PostgreSQL: a staged bundle and a signed
 * zip saved through one replica's handle are read whole through another's, a second save replaces
 * the first (a retried build), and what is removed or never saved reads as null.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'vitest';
import type { StagedBundle } from '../../../evidence/bundle.js';
import { createEvidenceFiles, type EvidenceFiles } from '../../../store/evidence-files.js';
import { createEvidenceRequestStore, type EvidenceRequest } from '../../../store/evidence-requests.js';
import { createPgEvidenceFiles } from '../../../store/pg/evidence-files.js';
import { createPgEvidenceRequestStore } from '../../../store/pg/evidence-requests.js';
import { byKind, STORE_KINDS, type Replica } from './harness.js';

const openFiles = byKind<[], EvidenceFiles>({
  embedded: (dir) => createEvidenceFiles(dir),
  postgres: (pool) => createPgEvidenceFiles(pool),
});
const openRequests = byKind({
  embedded: (dir) => createEvidenceRequestStore(dir),
  postgres: (pool) => createPgEvidenceRequestStore(pool),
});

const ID = 'ev-00000000000000a1';

/** The files belong to a request (PostgreSQL holds them to it). */
async function addRequest(replica: Replica, id = ID): Promise<void> {
  const request: EvidenceRequest = {
    id,
    framework: 'soc2',
    period: { from: '2026-07-01', to: '2026-09-30', label: '2026-Q3' },
    requestedBy: { id: 'u-riley', name: 'Riley', channel: 'slack' },
    channel: { kind: 'slack', id: 'C1' },
    createdAt: '2026-10-01T00:00:00.000Z',
    status: 'building',
    scan: null,
    dataManifestSha256: null,
    timestamp: null,
    rows: 0,
    statement: null,
    signature: null,
    rejection: null,
    links: [],
    error: null,
  };
  await openRequests(replica).add(request);
}

/** A staged bundle as the build makes one: data files (compressible, random, empty, nested) and JSON. */
function staged(version: string, files: Record<string, Buffer>): StagedBundle {
  return {
    bundleId: ID,
    files,
    dataManifestSha256: version.repeat(64).slice(0, 64),
    timestamp: { time: '2026-10-01T00:00:05.000Z', authority: 'Test TSA', trustedThirdParty: false },
    rows: 3,
    // Opaque to the store: only its JSON must come back as it went in.
    cover: { note: 'Zoë’s “cover” ✓', version } as unknown as StagedBundle['cover'],
    tables: [
      { id: 'asset-inventory', rows: [['a', 1, null]], totalRows: 3 },
    ] as unknown as StagedBundle['tables'],
    pendingAssertion: {
      status: 'pending',
      statement: 'I confirm…',
    } as unknown as StagedBundle['pendingAssertion'],
  };
}

const csv = Buffer.from('name,expires\r\n'.concat('kv-prod/db-password,2027-01-01\r\n'.repeat(2000)));

describe.each(STORE_KINDS)('evidence files ($name)', (kind) => {
  it('a staged bundle saved on one replica is read whole on another, its files in order', async () => {
    const [one, two] = await kind.open(2);
    await addRequest(one!);
    assert.equal(await openFiles(two!).loadStaged(ID), null);
    const noise = randomBytes(64 * 1024);
    const bundle = staged('a', {
      'scope.json': Buffer.from('{"tenant":"t"}\n'),
      'reports/asset-inventory.csv': csv,
      'data-manifest.tsr': noise,
      'reports/empty.csv': Buffer.alloc(0),
    });
    await openFiles(one!).saveStaged(ID, bundle);
    const read = await openFiles(two!).loadStaged(ID);
    assert.ok(read);
    assert.deepEqual(Object.keys(read.files), Object.keys(bundle.files));
    for (const [path, data] of Object.entries(bundle.files)) assert.ok(read.files[path]!.equals(data), path);
    const { files: _a, ...meta } = read;
    const { files: _b, ...expected } = bundle;
    assert.deepEqual(meta, expected);
  });

  it('a second save replaces the first, leaving none of its files; a removed one reads as null', async () => {
    const [one, two] = await kind.open(2);
    await addRequest(one!);
    await openFiles(one!).saveStaged(ID, staged('a', { 'a.csv': csv, 'b.csv': Buffer.from('b\r\n') }));
    await openFiles(two!).saveStaged(ID, staged('b', { 'c.csv': Buffer.from('c\r\n') }));
    const read = await openFiles(one!).loadStaged(ID);
    assert.deepEqual(Object.keys(read!.files), ['c.csv']);
    assert.equal(read!.dataManifestSha256, 'b'.repeat(64));
    await openFiles(one!).removeStaged(ID);
    assert.equal(await openFiles(two!).loadStaged(ID), null);
    await openFiles(two!).removeStaged(ID);
  });

  it('a signed zip: its size before its bytes, the bytes as saved, on either replica', async () => {
    const [one, two] = await kind.open(2);
    await addRequest(one!);
    assert.equal(await openFiles(two!).zip(ID), null);
    const zip = randomBytes(300 * 1024);
    await openFiles(one!).saveZip(ID, zip);
    const stored = await openFiles(two!).zip(ID);
    assert.equal(stored?.bytes, zip.length);
    assert.ok((await buffer(await stored!.open())).equals(zip));
    const again = randomBytes(1000);
    await openFiles(two!).saveZip(ID, again);
    assert.ok((await buffer(await (await openFiles(one!).zip(ID))!.open())).equals(again));
  });
});
