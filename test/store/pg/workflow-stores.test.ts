/**
 * What only the PostgreSQL evidence, alert and provenance stores have, beyond the contract they
 * share with the embedded ones (test/store/contract): the download-token index kept in step with
 * the links, the row lock's timeout, evidence files compressed where it helps and gone with their
 * request, the ledger's trim by time, and the provenance cap.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { isCertifyError } from '../../../base/errors.js';
import type { StagedBundle } from '../../../evidence/bundle.js';
import type { EvidenceRequest } from '../../../store/evidence-requests.js';
import { createPgEvidenceFiles } from '../../../store/pg/evidence-files.js';
import { createPgAlertStore } from '../../../store/pg/alerts.js';
import { createPgEvidenceRequestStore } from '../../../store/pg/evidence-requests.js';
import { updateLocked } from '../../../store/pg/locked-update.js';
import { createPgProvenanceStore } from '../../../store/pg/provenance.js';
import type { RotationRequest } from '../../../store/provenance.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrated: true });
});
afterAll(() => db?.drop());
beforeEach(async () => {
  await db.pool.query(
    `TRUNCATE evidence_requests, download_tokens, evidence_staged, evidence_staged_files, evidence_zips,
       alert_claims, alert_suppressions, alert_groups, alert_subscriptions, certificates, rotations`,
  );
});

const person = { id: 'u1', name: 'U', channel: 'playground' };
const request = (i: number, status: EvidenceRequest['status'] = 'signed'): EvidenceRequest => ({
  id: `ev-${String(i).padStart(16, '0')}`,
  framework: 'soc2',
  period: { from: '2026-07-01', to: '2026-09-30', label: '2026-Q3' },
  requestedBy: person,
  channel: { kind: 'playground', id: 'c' },
  createdAt: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString(),
  status,
  scan: { id: `scan-${i}`, at: '2026-09-28T06:00:00.000Z', afterPeriod: false },
  dataManifestSha256: null,
  timestamp: null,
  rows: 0,
  statement: null,
  signature: null,
  rejection: null,
  links: [],
  error: null,
});
const link = (n: number) => ({
  tokenSha256: String(n).padStart(64, 'a'),
  createdAt: '2026-10-02T00:00:00.000Z',
  createdBy: 'u2',
  expiresAt: '2026-10-03T00:00:00.000Z',
  usedAt: null,
  revokedAt: null,
});

async function tokens(): Promise<string[]> {
  const { rows } = await db.pool.query<{ t: string }>(
    `SELECT request_id || ' ' || right(token_sha256, 1) AS t FROM download_tokens ORDER BY 1`,
  );
  return rows.map((r) => r.t);
}

describe('PostgreSQL evidence requests', () => {
  it('keep download_tokens in step with the links: added, removed, and gone with the request', async () => {
    const store = createPgEvidenceRequestStore(db.pool, { limit: 2 });
    await store.add({ ...request(1, 'failed'), links: [link(1)] });
    await store.add(request(2));
    await store.update(request(2).id, (r) => {
      r.links.push(link(2), link(3));
    });
    assert.deepEqual(await tokens(), [`${request(1).id} 1`, `${request(2).id} 2`, `${request(2).id} 3`]);
    await store.update(request(2).id, (r) => {
      r.links.splice(0, 1);
    });
    assert.deepEqual(await tokens(), [`${request(1).id} 1`, `${request(2).id} 3`]);
    // The failed request makes room for a new one, and its link goes with it.
    await store.add(request(3));
    assert.deepEqual(await tokens(), [`${request(2).id} 3`]);
    assert.equal(await store.findLink(link(1).tokenSha256), null);
  });

  it('hold status and scan as the body says them (generated columns)', async () => {
    const store = createPgEvidenceRequestStore(db.pool);
    await store.add(request(1, 'building'));
    await store.update(request(1).id, (r) => {
      r.status = 'pending';
      r.scan = null;
    });
    const { rows } = await db.pool.query(`SELECT status, scan_id FROM evidence_requests`);
    assert.deepEqual(rows, [{ status: 'pending', scan_id: null }]);
    assert.deepEqual(await store.scanIdsInUse(), new Set());
  });

  it('refuse an async mutator and one that changes the id, writing nothing', async () => {
    const store = createPgEvidenceRequestStore(db.pool);
    await store.add(request(1));
    await assert.rejects(
      store.update(request(1).id, async (r) => {
        r.rows = 5;
      }),
      /synchronous/,
    );
    await assert.rejects(
      store.update(request(1).id, (r) => {
        r.id = 'ev-other';
      }),
      /may not change its id/,
    );
    assert.deepEqual(await store.get(request(1).id), request(1));
  });

  it('give up on a row another session holds too long, with STORE_IO, and write nothing', async () => {
    const store = createPgEvidenceRequestStore(db.pool);
    await store.add(request(1));
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM evidence_requests WHERE id = $1 FOR UPDATE', [request(1).id]);
      await assert.rejects(
        updateLocked<EvidenceRequest, void>(db.pool, {
          table: 'evidence_requests',
          what: 'the evidence request',
          id: request(1).id,
          lockTimeoutMs: 200,
          mutator: (r) => {
            r.rows = 9;
          },
        }),
        (e: unknown) => isCertifyError(e) && e.code === 'STORE_IO' && /lock timeout/.test(e.message),
      );
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    assert.equal((await store.get(request(1).id))?.rows, 0);
  });

  it('store a request whose createdAt does not parse, and count it as recent', async () => {
    const store = createPgEvidenceRequestStore(db.pool, { limit: 1 });
    await store.add({ ...request(1, 'building'), createdAt: 'whenever' });
    await store.add(request(2, 'failed'));
    assert.deepEqual(
      (await store.list()).map((r) => r.id),
      [request(1).id, request(2).id],
    );
  });
});

describe('PostgreSQL evidence files', () => {
  it('gzip a data file only where that makes it smaller, and go with their request', async () => {
    const requests = createPgEvidenceRequestStore(db.pool);
    const files = createPgEvidenceFiles(db.pool);
    const id = request(1).id;
    await requests.add(request(1, 'building'));
    const staged = {
      bundleId: id,
      files: {
        'reports/a.csv': Buffer.from('vault,secret\r\n'.repeat(5000)),
        'data-manifest.tsr': randomBytes(4096),
      },
      dataManifestSha256: 'f'.repeat(64),
      timestamp: { time: '2026-10-01T00:00:00.000Z', authority: 'TSA', trustedThirdParty: true },
      cover: {},
      tables: [],
      pendingAssertion: {},
      rows: 0,
    } as unknown as StagedBundle;
    await files.saveStaged(id, staged);
    await files.saveZip(id, randomBytes(2048));
    const { rows } = await db.pool.query<{ path: string; encoding: string; bytes: number }>(
      `SELECT path, encoding, octet_length(data) AS bytes FROM evidence_staged_files ORDER BY path`,
    );
    assert.deepEqual(
      rows.map((r) => [r.path, r.encoding]),
      [
        ['data-manifest.tsr', 'identity'],
        ['reports/a.csv', 'gzip'],
      ],
    );
    assert.ok(rows[1]!.bytes < 1000, `the CSV kept ${rows[1]!.bytes} bytes`);
    await db.pool.query('DELETE FROM evidence_requests WHERE id = $1', [id]);
    assert.equal(await files.loadStaged(id), null);
    assert.equal(await files.zip(id), null);
    const left = await db.pool.query('SELECT 1 FROM evidence_staged_files');
    assert.equal(left.rowCount, 0);
  });
});

describe('PostgreSQL alert store', () => {
  const SLACK = 'slack:C1';
  const T0 = Date.parse('2026-11-01T06:00:00Z');

  it('refuses a claim without a channel: it would stand for every channel', async () => {
    const store = createPgAlertStore(db.pool);
    await assert.rejects(store.claim([{ key: 'k', channel: '' }], T0), RangeError);
    await assert.rejects(store.release([{ key: 'k', channel: '' }]), RangeError);
    assert.deepEqual(await store.sentKeys(), new Set());
  });

  it('never trims the pairs a claim has just been given, even with an older time', async () => {
    const store = createPgAlertStore(db.pool, { maxSentKeys: 2 });
    await store.claim(
      ['a', 'b'].map((key) => ({ key, channel: SLACK })),
      T0 + 10,
    );
    assert.deepEqual(await store.claim([{ key: 'late', channel: SLACK }], T0), [
      { key: 'late', channel: SLACK },
    ]);
    const { rows } = await db.pool.query<{ key: string }>('SELECT key FROM alert_claims ORDER BY key');
    assert.deepEqual(
      rows.map((r) => r.key),
      ['b', 'late'],
    );
  });

  it('keeps the newest maxSentKeys acknowledgements and snoozes of each kind', async () => {
    const store = createPgAlertStore(db.pool, { maxSentKeys: 2 });
    for (const [i, key] of ['a', 'b', 'c'].entries()) await store.acknowledge(key, 'bob', T0 + i);
    assert.deepEqual(await Promise.all(['a', 'b', 'c'].map((k) => store.isSuppressed(k, T0))), [
      false,
      true,
      true,
    ]);
    await store.acknowledge('b', 'bob', T0 + 5);
    await store.acknowledge('d', 'bob', T0 + 6);
    assert.equal(await store.isSuppressed('b', T0), true, 'acknowledged again: the newest');
    assert.equal(await store.isSuppressed('c', T0), false);
  });

  it('reports a subscription row no subscribe could write', async () => {
    const store = createPgAlertStore(db.pool);
    await db.pool.query(
      `INSERT INTO alert_subscriptions (channel_kind, channel_id, filters, created_by, created_at)
       VALUES ('slack', 'C1', '{"severity": "Dire"}', 'u', now())`,
    );
    await assert.rejects(
      store.subscriptions(),
      (e: unknown) =>
        isCertifyError(e) && e.code === 'STORE_CORRUPT' && e.problems.some((p) => /severity/.test(p)),
    );
  });
});

describe('PostgreSQL provenance store', () => {
  const rotation = (i: number): RotationRequest => ({
    id: `rot-${i}`,
    vault: 'kv-prod',
    secret: 'db-password',
    presetId: 'pci',
    requestedBy: person,
    channel: { kind: 'slack', id: 'C1' },
    createdAt: '2026-11-01T00:00:00.000Z',
    status: 'pending',
    approval: null,
    rejection: null,
    result: null,
    error: null,
  });

  it('keeps the newest max certificates and rotations, the oldest going first', async () => {
    const store = createPgProvenanceStore(db.pool, { max: 2 });
    for (let i = 1; i <= 3; i++) {
      await store.addRotation(rotation(i));
      await store.addCertificate({
        id: `cert-${i}`,
        jws: 'x.y.z',
        presetId: 'pci',
        generatedAt: '2026-11-01T00:00:00.000Z',
        target: null,
        rotationId: `rot-${i}`,
      });
    }
    assert.deepEqual(
      (await store.rotations()).map((r) => r.id),
      ['rot-2', 'rot-3'],
    );
    assert.deepEqual(
      (await store.certificates()).map((c) => c.id),
      ['cert-2', 'cert-3'],
    );
    assert.throws(() => createPgProvenanceStore(db.pool, { max: 0 }), RangeError);
  });
});
