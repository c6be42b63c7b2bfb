/**
 * An HTTPS agent that reaches every host through an HTTP CONNECT proxy and keeps the
 * tunnels alive. Node's own `https.Agent` does the pooling; only `createConnection` is ours
 * (open the tunnel, then TLS over it). The proxy agents the Azure runtime uses open a fresh
 * tunnel and TLS handshake for every request through the SDK's HTTP client, which made a
 * large scan CPU-bound on handshakes.
 */
import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

type Callback = (error: Error | null, socket: Duplex) => void;

const HEAD_LIMIT = 16 * 1024;

export class TunnelAgent extends Agent {
  private readonly proxy: URL;

  constructor(proxyUrl: string, options: AgentOptions = {}) {
    super({ keepAlive: true, ...options });
    this.proxy = new URL(proxyUrl);
  }

  // Node's agent accepts a connection delivered later through the callback (the tunnel is async).
  override createConnection(options: RequestOptions & ConnectionOptions, callback?: Callback): undefined {
    if (!callback) throw new Error('TunnelAgent needs a callback-style createConnection');
    const host = options.servername || options.host || 'localhost';
    const port = Number(options.port) || 443;
    const proxySocket = netConnect({ host: this.proxy.hostname, port: Number(this.proxy.port) || 80 });
    const fail = (error: Error) => {
      proxySocket.destroy();
      callback(error, proxySocket);
    };
    proxySocket.once('error', fail);
    proxySocket.once('connect', () => {
      const auth = this.proxy.username
        ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`).toString('base64')}\r\n`
        : '';
      proxySocket.write(`CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n${auth}\r\n`);
    });
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > HEAD_LIMIT)
          fail(new Error(`proxy ${this.proxy.host} sent an oversized CONNECT response`));
        return;
      }
      proxySocket.off('data', onData);
      proxySocket.off('error', fail);
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      if (!/^HTTP\/1\.[01] 200/.test(statusLine)) {
        fail(new Error(`proxy ${this.proxy.host} refused CONNECT ${host}:${port}: ${statusLine}`));
        return;
      }
      const rest = head.subarray(end + 4);
      if (rest.length > 0) proxySocket.unshift(rest);
      const secure = tlsConnect({ ...options, host, servername: host, socket: proxySocket });
      callback(null, secure);
    };
    proxySocket.on('data', onData);
    return undefined;
  }
}
