/**
 * base/tunnel-agent.ts: HTTPS through a CONNECT proxy, against a local TLS server and proxy. What
 * it must do beyond tunnelling: resume the TLS session last made with a host, as Node's own agent
 * does (a scan of 200 vaults opens about 1,600 tunnels, each a full handshake without it).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, get, type Server } from 'node:https';
import {
  connect,
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { rootCertificates, type TLSSocket } from 'node:tls';
import { afterEach, describe, it } from 'vitest';
import { TunnelAgent } from '../../base/tunnel-agent.js';

const TLS = 'test/fixtures/fake-azure-tls';
const ca = readFileSync(`${TLS}/ca.pem`, 'utf8');

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** Listens on loopback; closed after the test, its open connections cut. */
const listening = async (server: Server | NetServer): Promise<number> => {
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      }),
  );
  return (server.address() as AddressInfo).port;
};

/** A TLS server that records, per connection, the SNI name and whether the session was resumed. */
async function tlsServer() {
  const seen: { host: string; resumed: boolean }[] = [];
  const server = createHttpsServer(
    { key: readFileSync(`${TLS}/server-key.pem`), cert: readFileSync(`${TLS}/server-cert.pem`) },
    (_req, res) => res.end('ok'),
  );
  server.on('secureConnection', (socket: TLSSocket) => {
    seen.push({
      host: (socket as { servername?: string }).servername ?? '',
      resumed: socket.isSessionReused(),
    });
  });
  return { seen, port: await listening(server) };
}

/** A CONNECT proxy that sends every tunnel to `port`, whatever host it names; counts them. */
async function proxy(port: number) {
  const tunnels: string[] = [];
  const server = createNetServer((client) => {
    client.once('data', (head) => {
      tunnels.push(head.toString('latin1').split(' ')[1] ?? '');
      const upstream = connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        client.pipe(upstream).pipe(client);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  });
  return { tunnels, url: `http://127.0.0.1:${await listening(server)}` };
}

function fetchVia(
  agent: TunnelAgent,
  host: string,
  tls: { ca?: string | string[]; rejectUnauthorized?: boolean },
) {
  return new Promise<string>((resolve, reject) => {
    get({ host, path: '/', agent, ...tls }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('TunnelAgent', () => {
  it.each([
    ['with a CA of its own', { ca }],
    ['with the shared TLS context', { rejectUnauthorized: false }],
  ])('resumes the last TLS session with each host, %s', async (_name, tls) => {
    const server = await tlsServer();
    const { tunnels, url } = await proxy(server.port);
    // No keep-alive: every request opens a tunnel and a TLS connection of its own.
    const agent = new TunnelAgent(url, { keepAlive: false });
    const hosts = [
      'kv-a.vault.azure.net',
      'kv-a.vault.azure.net',
      'kv-b.vault.azure.net',
      'kv-a.vault.azure.net',
      'kv-b.vault.azure.net',
    ];
    for (const host of hosts) assert.equal(await fetchVia(agent, host, tls), 'ok');
    assert.deepEqual(
      tunnels,
      hosts.map((h) => `${h}:443`),
    );
    assert.deepEqual(server.seen, [
      { host: 'kv-a.vault.azure.net', resumed: false },
      { host: 'kv-a.vault.azure.net', resumed: true },
      { host: 'kv-b.vault.azure.net', resumed: false },
      { host: 'kv-a.vault.azure.net', resumed: true },
      { host: 'kv-b.vault.azure.net', resumed: true },
    ]);
    agent.destroy();
  });

  it('never resumes a session made under other TLS options: a lax request does not vouch for a strict one', async () => {
    const server = await tlsServer();
    const { url } = await proxy(server.port);
    const agent = new TunnelAgent(url, { keepAlive: false });
    assert.equal(await fetchVia(agent, 'kv-a.vault.azure.net', { rejectUnauthorized: false }), 'ok');
    // Resumed, the server's certificate would not be checked again.
    await assert.rejects(
      fetchVia(agent, 'kv-a.vault.azure.net', { ca: [...rootCertificates] }),
      /unable to verify|self[- ]signed/i,
    );
    assert.equal(await fetchVia(agent, 'kv-a.vault.azure.net', { ca }), 'ok');
    // The refused handshake never completes on the server's side; neither other one is resumed
    // (the lax session is kept under the lax options, the CA's under its own).
    assert.deepEqual(
      server.seen.map((s) => s.resumed),
      [false, false],
    );
    agent.destroy();
  });

  it('still refuses a server that no CA it is given vouches for', async () => {
    const server = await tlsServer();
    const { url } = await proxy(server.port);
    const agent = new TunnelAgent(url, { keepAlive: false });
    // The public roots alone: the test CA is not among them.
    await assert.rejects(
      fetchVia(agent, 'kv-a.vault.azure.net', { ca: [...rootCertificates] }),
      /unable to verify|self[- ]signed/i,
    );
    agent.destroy();
  });
});
