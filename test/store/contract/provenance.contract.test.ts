/**
 * The ProvenanceStore contract, over the embedded store and PostgreSQL: certificates and rotation
 * requests kept in order, and a rotation's change serial across handles (two replicas), so that
 * of two approvals at once one rotates.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createPgProvenanceStore } from '../../../store/pg/provenance.js';
import {
  createProvenanceStore,
  type ProvenanceStore,
  type RotationRequest,
  type StoredCertificate,
} from '../../../store/provenance.js';
import { byKind, STORE_KINDS } from './harness.js';

const open = byKind({
  embedded: (dir): ProvenanceStore => createProvenanceStore(dir),
  postgres: (pool): ProvenanceStore => createPgProvenanceStore(pool),
});

const riley = { id: 'u-riley', name: 'Riley', channel: 'slack' };

const certificate = (i: number, target: StoredCertificate['target'] = null): StoredCertificate => ({
  id: `cert-${String(i).padStart(8, '0')}`,
  jws: `eyJhbGciOiJFUzI1NiJ9.eyJpIjo${i}fQ.sig`,
  presetId: 'pci',
  generatedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
  target,
  rotationId: null,
});

const rotation = (i: number): RotationRequest => ({
  id: `rot-${String(i).padStart(8, '0')}`,
  vault: 'kv-prod',
  secret: `db-password-${i}`,
  presetId: 'pci',
  requestedBy: riley,
  channel: { kind: 'slack', id: 'C1' },
  createdAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
  status: 'pending',
  approval: null,
  rejection: null,
  result: null,
  error: null,
});

describe.each(STORE_KINDS)('ProvenanceStore contract ($name)', (kind) => {
  it('keeps certificates in the order issued, whole, for every handle', async () => {
    const replicas = await kind.open(2);
    const one = open(replicas[0]!);
    const two = open(replicas[1]!);
    const first = certificate(1, { vault: 'kv-prod', secret: 'db-password', version: 'v1' });
    await one.addCertificate(first);
    await two.addCertificate(certificate(2));
    await one.addCertificate({ ...certificate(3), rotationId: 'rot-1' });
    assert.deepEqual(
      (await two.certificates()).map((c) => c.id),
      [first.id, certificate(2).id, certificate(3).id],
    );
    assert.deepEqual(await two.certificate(first.id), first);
    assert.deepEqual(await one.certificate(certificate(3).id), { ...certificate(3), rotationId: 'rot-1' });
    assert.equal(await one.certificate('cert-unknown'), null);
  });

  it('keeps rotation requests in order; an update sees what any handle stored and returns its result', async () => {
    const replicas = await kind.open(2);
    const one = open(replicas[0]!);
    const two = open(replicas[1]!);
    await one.addRotation(rotation(1));
    await two.addRotation(rotation(2));
    assert.deepEqual(
      (await one.rotations()).map((r) => r.id),
      [rotation(1).id, rotation(2).id],
    );
    assert.deepEqual(await one.rotation(rotation(2).id), rotation(2));
    assert.equal(await one.rotation('rot-unknown'), null);
    await two.updateRotation(rotation(1).id, (r) => {
      r.status = 'rotating';
      r.approval = { by: riley, at: '2026-11-01T01:00:00.000Z' };
    });
    const seen = await one.updateRotation(rotation(1).id, (r) => {
      r.status = 'rotated';
      return r.approval?.at;
    });
    assert.equal(seen, '2026-11-01T01:00:00.000Z');
    assert.equal((await two.rotation(rotation(1).id))?.status, 'rotated');
    await one.reload();
  });

  it('an update that throws changes nothing and its error reaches the caller; an unknown id is a RangeError', async () => {
    const replicas = await kind.open(2);
    const store = open(replicas[0]!);
    await store.addRotation(rotation(1));
    const refusal = new Error('refused');
    await assert.rejects(
      store.updateRotation(rotation(1).id, (r) => {
        r.status = 'rejected';
        throw refusal;
      }),
      (e: unknown) => e === refusal,
    );
    assert.deepEqual(await store.rotation(rotation(1).id), rotation(1));
    await assert.rejects(
      store.updateRotation('rot-unknown', () => undefined),
      RangeError,
    );
  });

  it('two approvals at once on two handles: one rotates, the other sees it approved', async () => {
    const replicas = await kind.open(2);
    const handles = [open(replicas[0]!), open(replicas[1]!)];
    await handles[0]!.addRotation(rotation(1));
    const approvers = Array.from({ length: 8 }, (_, i) => ({ ...riley, id: `approver-${i}` }));
    const outcomes = await Promise.all(
      approvers.map((by, i) =>
        handles[i % 2]!.updateRotation(rotation(1).id, (r) => {
          if (r.status !== 'pending') return false;
          r.status = 'rotating';
          r.approval = { by, at: '2026-11-01T01:00:00.000Z' };
          return true;
        }),
      ),
    );
    assert.equal(outcomes.filter(Boolean).length, 1, outcomes.join(', '));
    const stored = await handles[1]!.rotation(rotation(1).id);
    assert.equal(stored?.approval?.by.id, approvers[outcomes.indexOf(true)]!.id);
  });

  it('loses no change when two handles update one rotation at once', async () => {
    const replicas = await kind.open(2);
    const handles = [open(replicas[0]!), open(replicas[1]!)];
    await handles[0]!.addRotation(rotation(1));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        handles[i % 2]!.updateRotation(rotation(1).id, (r) => {
          r.error = `${r.error ?? ''}${i % 10}`;
        }),
      ),
    );
    assert.equal((await handles[0]!.rotation(rotation(1).id))?.error?.length, 20);
  });
});
