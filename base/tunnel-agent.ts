/**
 * An HTTPS agent that reaches every host through an HTTP CONNECT proxy and keeps the
 * tunnels alive. Node's own `https.Agent` does the pooling; only `createConnection` is ours
 * (open the tunnel, then TLS over it). The proxy agents the Azure runtime uses open a fresh
 * tunnel and TLS handshake for every request through the SDK's HTTP client, which made a
 * large scan CPU-bound on handshakes.
 *
 * What Node's agent does in its own createConnection, and a replacement must do again: resume
 * the TLS session last made with a host (no certificate to send, sign or verify again), and one
 * TLS context for every connection rather than a new one (and the CA store parsed again) each
 * time. A scan of 200 vaults opens about 1,600 tunnels.
 */
import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  connect as tlsConnect,
  createSecureContext,
  type ConnectionOptions,
  type SecureContext,
} from 'node:tls';

type Callback = (error: Error | null, socket: Duplex) => void;

const HEAD_LIMIT = 16 * 1024;
/** Hosts whose last TLS session is kept for resumption (Node's agent keeps 100 by default). */
const SESSIONS_KEPT = 1000;
/** Options that make a TLS context of their own; without any, every connection shares one. */
const CONTEXT_OPTIONS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'ciphers',
  'crl',
  'ecdhCurve',
  'honorCipherOrder',
  'secureOptions',
  'secureProtocol',
  'minVersion',
  'maxVersion',
  'sigalgs',
  'privateKeyIdentifier',
  'privateKeyEngine',
  'clientCertEngine',
  'dhparam',
  'sessionIdContext',
  'ticketKeys',
] as const;

export class TunnelAgent extends Agent {
  private readonly proxy: URL;
  /** The last TLS session with each host under each set of TLS options (getName), oldest first. */
  private readonly sessions = new Map<string, Buffer>();
  private sharedContext: SecureContext | null = null;

  constructor(proxyUrl: string, options: AgentOptions = {}) {
    super({ keepAlive: true, ...options });
    this.proxy = new URL(proxyUrl);
  }

  /** The TLS context every connection without options of its own shares, made on first use. */
  private contextFor(options: ConnectionOptions): SecureContext | undefined {
    if (options.secureContext) return options.secureContext;
    const own = options as Record<string, unknown>;
    if (CONTEXT_OPTIONS.some((name) => own[name] !== undefined)) return undefined;
    this.sharedContext ??= createSecureContext();
    return this.sharedContext;
  }

  private remember(target: string, session: Buffer): void {
    this.sessions.delete(target);
    this.sessions.set(target, session);
    if (this.sessions.size > SESSIONS_KEPT) this.sessions.delete(this.sessions.keys().next().value!);
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
      // Keyed as Node's agent keys its pool and sessions: the host and every TLS option, so a
      // session made without verification (or with another CA) never stands in for a checked one.
      const target = this.getName({ ...options, host, port, servername: host });
      const session = this.sessions.get(target);
      const context = this.contextFor(options);
      const secure = tlsConnect({
        ...options,
        host,
        servername: host,
        socket: proxySocket,
        ...(context ? { secureContext: context } : {}),
        ...(session ? { session } : {}),
      });
      secure.on('session', (next: Buffer) => this.remember(target, next));
      // As Node's agent does: a connection that failed may have failed on its resumed session.
      secure.once('close', (hadError: boolean) => {
        if (hadError) this.sessions.delete(target);
      });
      callback(null, secure);
    };
    proxySocket.on('data', onData);
    return undefined;
  }
}
