/**
 * StoreBackend.ping, what /readyz asks on every probe: it resolves while the store can be used
 * and rejects (within its time-out) when it cannot, for both adapters.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { embeddedBackend } from '../../store/embedded-backend.js';
import { postgresBackend } from '../../store/pg/backend.js';
import { createTestDatabase } from '../support/pg.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('StoreBackend.ping', () => {
  it('embedded: resolves on a usable data dir, rejects on a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certify-ping-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await embeddedBackend(dir).ping(500);
    await assert.rejects(embeddedBackend(join(dir, 'missing')).ping(500));
  });

  it('PostgreSQL: resolves on a reachable database (migrating it first)', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const backend = postgresBackend(db.url);
    cleanups.push(() => backend.close());
    await backend.ping(2000);
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM certify_schema');
    assert.ok(Number(rows[0]!.n) >= 1, 'migrated by the first use');
  });

  it('PostgreSQL: rejects within its time-out when the server does not answer', async () => {
    // A port that accepts connections and never speaks: a hung server, not a refused one.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    cleanups.push(
      () =>
        new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => done());
        }),
    );
    const port = (silent.address() as { port: number }).port;
    const backend = postgresBackend(`postgres://postgres@127.0.0.1:${port}/nothing?connect_timeout=5`);
    cleanups.push(() => backend.close());
    const started = Date.now();
    await assert.rejects(backend.ping(300));
    assert.ok(Date.now() - started < 4_000, 'gave up before the 5 s connect time-out');
  });
});
