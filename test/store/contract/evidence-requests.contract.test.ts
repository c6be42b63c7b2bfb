/**
 * The EvidenceRequestStore contract, over the embedded store and PostgreSQL: what the evidence
 * service relies on whichever store it runs on, two handles on one store included (two replicas,
 * or the bot and the CLI): serial updates, a link spent once, evidence never dropped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  createEvidenceRequestStore,
  scanIdsInUse,
  type DownloadLink,
  type EvidenceRequest,
  type EvidenceRequestStore,
  type EvidenceRequestStoreOptions,
} from '../../../store/evidence-requests.js';
import { createPgEvidenceRequestStore } from '../../../store/pg/evidence-requests.js';
import { byKind, STORE_KINDS } from './harness.js';

interface Handle {
  store: EvidenceRequestStore;
  /** The scans evidence is built from, as the snapshot store is told them. */
  inUse(): Promise<Set<string>>;
}

const open = byKind({
  embedded: (dir, options: EvidenceRequestStoreOptions = {}): Handle => {
    const store = createEvidenceRequestStore(dir, options);
    return { store, inUse: async () => scanIdsInUse(await store.list()) };
  },
  postgres: (pool, options: EvidenceRequestStoreOptions = {}): Handle => {
    const store = createPgEvidenceRequestStore(pool, options);
    return { store, inUse: () => store.scanIdsInUse() };
  },
});

const person = { id: 'u-riley', name: 'Riley', channel: 'playground' };
const morgan = { id: 'u-morgan', name: 'Morgan', channel: 'playground' };
const CREATED = Date.UTC(2026, 9, 1);

function request(i: number, status: EvidenceRequest['status'], scan: string | null = null): EvidenceRequest {
  return {
    id: `ev-${String(i).padStart(16, '0')}`,
    framework: 'soc2',
    period: { from: '2026-07-01', to: '2026-09-30', label: '2026-Q3' },
    requestedBy: person,
    channel: { kind: 'playground', id: 'c' },
    createdAt: new Date(CREATED + i * 60_000).toISOString(),
    status,
    scan: scan === null ? null : { id: scan, at: '2026-09-28T06:00:00.000Z', afterPeriod: false },
    dataManifestSha256: null,
    timestamp: null,
    rows: 0,
    statement: status === 'building' ? null : 'I assert that Zoë’s “controls” ✓ operated.',
    signature:
      status === 'signed'
        ? { by: morgan, role: 'CISO', at: '2026-10-02T00:00:00.000Z', manifestSha256: 'ab'.repeat(32) }
        : null,
    rejection: status === 'rejected' ? { by: morgan, reason: 'no', at: '2026-10-02T00:00:00.000Z' } : null,
    links: [],
    error: status === 'failed' ? 'the TSA did not answer' : null,
  };
}

const link = (n: number, extra: Partial<DownloadLink> = {}): DownloadLink => ({
  tokenSha256: String(n).padStart(64, 'f'),
  createdAt: '2026-10-02T00:00:00.000Z',
  createdBy: morgan.id,
  expiresAt: '2026-10-03T00:00:00.000Z',
  usedAt: null,
  revokedAt: null,
  ...extra,
});

const ids = async (store: EvidenceRequestStore) => (await store.list()).map((r) => r.id);

describe.each(STORE_KINDS)('EvidenceRequestStore contract ($name)', (kind) => {
  it('keeps requests in the order added, whole, for every handle', async () => {
    const replicas = await kind.open(2);
    const one = open(replicas[0]!).store;
    const two = open(replicas[1]!).store;
    const first = { ...request(1, 'pending', 'scan-1'), links: [link(1)] };
    await one.add(first);
    await two.add(request(2, 'building'));
    assert.deepEqual(await two.get(first.id), first);
    assert.deepEqual(await ids(one), [first.id, request(2, 'building').id]);
    assert.deepEqual((await two.list())[0], first);
    assert.equal(await one.get('ev-unknown'), null);
    assert.equal(typeof one.path, 'string');
    await one.reload();
  });

  it('update: the mutator sees what is stored now, whoever wrote it; its result is returned', async () => {
    const replicas = await kind.open(2);
    const one = open(replicas[0]!).store;
    const two = open(replicas[1]!).store;
    const r = request(1, 'building');
    await one.add(r);
    await two.update(r.id, (x) => {
      x.rows = 42;
      x.scan = { id: 'scan-9', at: '2026-09-28T06:00:00.000Z', afterPeriod: true };
    });
    const seen = await one.update(r.id, (x) => {
      const rows = x.rows;
      x.status = 'pending';
      return { rows, scan: x.scan?.id };
    });
    assert.deepEqual(seen, { rows: 42, scan: 'scan-9' });
    assert.equal((await two.get(r.id))?.status, 'pending');
  });

  it('update: a mutator that throws changes nothing and its error reaches the caller; an unknown id is a RangeError', async () => {
    const replicas = await kind.open(2);
    const { store } = open(replicas[0]!);
    const r = request(1, 'pending');
    await store.add(r);
    const refusal = new Error('refused');
    await assert.rejects(
      store.update(r.id, (x) => {
        x.status = 'signed';
        x.links.push(link(1));
        throw refusal;
      }),
      (e: unknown) => e === refusal,
    );
    assert.deepEqual(await store.get(r.id), r);
    assert.equal(await store.findLink(link(1).tokenSha256), null);
    await assert.rejects(
      store.update('ev-unknown', () => undefined),
      RangeError,
    );
  });

  it('findLink finds a link by its hash as the request holds it now, from every handle', async () => {
    const replicas = await kind.open(2);
    const one = open(replicas[0]!).store;
    const two = open(replicas[1]!).store;
    const withLink = { ...request(1, 'signed'), links: [link(1)] };
    await one.add(withLink);
    await one.add(request(2, 'signed'));
    const found = await two.findLink(link(1).tokenSha256);
    assert.deepEqual(found, { request: withLink, link: link(1) });

    await two.update(request(2, 'signed').id, (x) => {
      x.links.push(link(2), link(3));
    });
    assert.equal((await one.findLink(link(3).tokenSha256))?.request.id, request(2, 'signed').id);
    await one.update(request(2, 'signed').id, (x) => {
      x.links[0]!.revokedAt = '2026-10-02T01:00:00.000Z';
      x.links[1]!.usedAt = '2026-10-02T02:00:00.000Z';
    });
    assert.equal((await two.findLink(link(2).tokenSha256))?.link.revokedAt, '2026-10-02T01:00:00.000Z');
    assert.equal((await two.findLink(link(3).tokenSha256))?.link.usedAt, '2026-10-02T02:00:00.000Z');
    // A link the request no longer holds is no link.
    await one.update(request(2, 'signed').id, (x) => {
      x.links = x.links.filter((l) => l.tokenSha256 !== link(2).tokenSha256);
    });
    assert.equal(await two.findLink(link(2).tokenSha256), null);
    assert.equal(await two.findLink('0'.repeat(64)), null);
  });

  it('two approvers at once on two handles: the second sees the first’s decision, one succeeds', async () => {
    const replicas = await kind.open(2);
    const handles = [open(replicas[0]!).store, open(replicas[1]!).store];
    const r = request(1, 'pending');
    await handles[0]!.add(r);
    const approvers = Array.from({ length: 8 }, (_, i) => ({ ...morgan, id: `approver-${i}` }));
    const outcomes = await Promise.all(
      approvers.map((by, i) =>
        handles[i % 2]!.update(r.id, (x) => {
          if (x.status !== 'pending') return false;
          x.status = 'signed';
          x.signature = { by, role: 'CISO', at: '2026-10-02T00:00:00.000Z', manifestSha256: '' };
          return true;
        }),
      ),
    );
    assert.equal(outcomes.filter(Boolean).length, 1, outcomes.join(', '));
    const winner = approvers[outcomes.indexOf(true)]!;
    assert.equal((await handles[1]!.get(r.id))?.signature?.by.id, winner.id);
  });

  it('a download link redeemed at once on two handles is spent once', async () => {
    const replicas = await kind.open(2);
    const handles = [open(replicas[0]!).store, open(replicas[1]!).store];
    const hash = link(7).tokenSha256;
    await handles[0]!.add({ ...request(1, 'signed'), links: [link(7)] });
    // As the evidence service redeems: find the link, then spend it under the request's lock.
    const redeem = async (store: EvidenceRequestStore, at: string) => {
      const found = await store.findLink(hash);
      if (!found) return false;
      return store.update(found.request.id, (x) => {
        const l = x.links.find((y) => y.tokenSha256 === hash)!;
        if (l.usedAt !== null) return false;
        l.usedAt = at;
        return true;
      });
    };
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => redeem(handles[i % 2]!, `2026-10-02T00:00:0${i}.000Z`)),
    );
    assert.equal(attempts.filter(Boolean).length, 1, attempts.join(', '));
    const spent = await handles[1]!.findLink(hash);
    assert.equal(spent?.link.usedAt, `2026-10-02T00:00:0${attempts.indexOf(true)}.000Z`);
  });

  it('loses no update when two handles update one request at once', async () => {
    const replicas = await kind.open(2);
    const handles = [open(replicas[0]!).store, open(replicas[1]!).store];
    const r = request(1, 'pending');
    await handles[0]!.add(r);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        handles[i % 2]!.update(r.id, (x) => {
          x.rows += 1;
        }),
      ),
    );
    assert.equal((await handles[0]!.get(r.id))?.rows, 20);
  });

  it('beyond its limit drops the oldest settled requests; never a pending or signed one', async () => {
    const replicas = await kind.open(2);
    const { store } = open(replicas[0]!, { limit: 5 });
    await store.add(request(0, 'pending'));
    await store.add(request(1, 'signed'));
    for (let i = 2; i < 12; i++) await store.add(request(i, i % 2 === 0 ? 'rejected' : 'failed'));
    assert.deepEqual(await ids(store), [
      request(0, 'pending').id,
      request(1, 'signed').id,
      request(9, 'failed').id,
      request(10, 'rejected').id,
      request(11, 'failed').id,
    ]);
  });

  it('grows past its limit rather than drop a pending or signed request, and keeps the one added', async () => {
    const replicas = await kind.open(2);
    const { store } = open(replicas[0]!, { limit: 3 });
    for (let i = 0; i < 6; i++) await store.add(request(i, i % 2 === 0 ? 'pending' : 'signed'));
    await store.add(request(6, 'failed'));
    assert.equal((await store.list()).length, 7);
    assert.equal((await ids(store)).at(-1), request(6, 'failed').id);
  });

  it('drops a build abandoned a day ago, never a recent one', async () => {
    const replicas = await kind.open(2);
    const now = CREATED + 10 * 24 * 3_600_000;
    const { store } = open(replicas[0]!, { limit: 2, clock: () => now });
    const abandoned = { ...request(0, 'building'), createdAt: new Date(now - 24 * 3_600_000).toISOString() };
    const recent = { ...request(1, 'building'), createdAt: new Date(now - 24 * 3_600_000 + 1).toISOString() };
    const unreadable = { ...request(2, 'building'), createdAt: 'not a time' };
    await store.add(abandoned);
    await store.add(recent);
    await store.add(unreadable);
    await store.add(request(3, 'pending'));
    assert.deepEqual(await ids(store), [recent.id, unreadable.id, request(3, 'pending').id]);
  });

  it('holds every pending request when two handles add at once beyond the limit', async () => {
    const replicas = await kind.open(2);
    const handles = [open(replicas[0]!, { limit: 4 }).store, open(replicas[1]!, { limit: 4 }).store];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        handles[i % 2]!.add(request(i, i % 3 === 0 ? 'pending' : 'rejected')),
      ),
    );
    await handles[0]!.add(request(12, 'rejected'));
    const kept = await ids(handles[1]!);
    for (const i of [0, 3, 6, 9]) assert.ok(kept.includes(request(i, 'pending').id), `${i} kept`);
    assert.equal(kept.length, 5, kept.join(', '));
    assert.ok(kept.includes(request(12, 'rejected').id));
  });

  it('names the scans evidence is built from: being built, pending and signed, as they change', async () => {
    const replicas = await kind.open(2);
    const { store, inUse } = open(replicas[0]!);
    assert.deepEqual(await inUse(), new Set());
    await store.add(request(1, 'building', 'scan-1'));
    await store.add(request(2, 'pending', 'scan-2'));
    await store.add(request(3, 'signed', 'scan-3'));
    await store.add(request(4, 'rejected', 'scan-4'));
    await store.add(request(5, 'failed', 'scan-5'));
    await store.add(request(6, 'building'));
    await store.add(request(7, 'pending', 'scan-2'));
    assert.deepEqual([...(await inUse())].sort(), ['scan-1', 'scan-2', 'scan-3']);
    await store.update(request(6, 'building').id, (x) => {
      x.scan = { id: 'scan-6', at: '2026-09-28T06:00:00.000Z', afterPeriod: false };
    });
    await store.update(request(3, 'signed').id, (x) => {
      x.status = 'rejected';
    });
    assert.deepEqual([...(await inUse())].sort(), ['scan-1', 'scan-2', 'scan-6']);
  });
});
