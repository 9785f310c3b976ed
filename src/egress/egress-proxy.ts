import http from 'node:http';
import net from 'node:net';
import { EgressRefused } from './egress-refused';
import type { EgressSession } from './egress-session';

/** What the proxy asks of the egress gate (src/egress/egress-gate.ts implements it). */
export interface ProxiedGate {
  readonly proxyPassword: string;
  readonly sessions: Map<string, EgressSession>;
  /** The checked address to connect to for host:port (EgressRefused, or the resolver's error). */
  target(host: string, port: number): Promise<{ address: string; family: number }>;
  /** A refusal when a socket turned out connected to an address the policy refuses. */
  checkConnected(host: string, port: number, address: string | undefined): EgressRefused | undefined;
}

/** The running forward proxy: DuckDB's `http_proxy` is `127.0.0.1:<port>`. */
export interface EgressProxy {
  port: number;
  close(): Promise<void>;
}

/** Hop-by-hop headers: they describe the client's connection to the proxy, not the request. */
const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'proxy-authorization', 'keep-alive', 'te', 'trailer', 'upgrade']);

/** A status line's reason phrase: one line of printable ASCII (DuckDB prints it in its error). */
function reasonPhrase(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 400);
}

function sessionOf(gate: ProxiedGate, authorization: string | undefined): EgressSession | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || decoded.slice(colon + 1) !== gate.proxyPassword) return undefined;
  return gate.sessions.get(decoded.slice(0, colon));
}

/** What to answer when the gate says no: 403 for a refusal (not retried), 502 for a name that does not resolve. */
function failureStatus(error: unknown): { status: number; reason: string } {
  if (error instanceof EgressRefused) return { status: 403, reason: error.message };
  return { status: 502, reason: `s3bridge egress: ${error instanceof Error ? error.message : String(error)}` };
}

function forward(gate: ProxiedGate, agent: http.Agent, req: http.IncomingMessage, res: http.ServerResponse): void {
  const session = sessionOf(gate, req.headers['proxy-authorization']);
  if (!session) {
    res.writeHead(407, 'Proxy Authentication Required', { 'Proxy-Authenticate': 'Basic realm="s3bridge"' }).end();
    return;
  }
  let url: URL;
  try {
    url = new URL(req.url ?? '');
    if (url.protocol !== 'http:') throw new Error('not http');
  } catch {
    res.writeHead(400, 'absolute http:// URL expected').end();
    return;
  }
  const port = Number(url.port || 80);
  gate.target(url.hostname, port).then(({ address, family }) => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    const upstream = http.request({
      host: address, family, port, method: req.method, path: `${url.pathname}${url.search}`, headers, agent, setHost: false,
    }, (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      answer.on('data', (chunk: Buffer) => {
        if (!session.received(chunk.length, url.hostname)) {
          answer.destroy();
          res.destroy();
        }
      });
      answer.pipe(res);
    });
    upstream.on('socket', (socket) => {
      // A kept-alive socket was checked when it connected.
      if (!socket.connecting) return;
      socket.once('connect', () => {
        const refused = gate.checkConnected(url.hostname, port, socket.remoteAddress);
        if (refused) socket.destroy(refused);
      });
    });
    upstream.on('error', (error) => {
      if (error instanceof EgressRefused) session.refuse(error.message);
      if (!res.headersSent) res.writeHead(502, reasonPhrase(`s3bridge egress: ${error.message}`)).end();
      else res.destroy();
    });
    req.pipe(upstream);
  }, (error: unknown) => {
    const { status, reason } = failureStatus(error);
    if (error instanceof EgressRefused) session.refuse(error.message);
    req.resume();
    res.writeHead(status, reasonPhrase(reason)).end();
  });
}

function tunnel(gate: ProxiedGate, req: http.IncomingMessage, client: net.Socket, head: Buffer): void {
  const session = sessionOf(gate, req.headers['proxy-authorization']);
  if (!session) {
    client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="s3bridge"\r\n\r\n');
    return;
  }
  const target = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
  if (!target) {
    client.end('HTTP/1.1 400 host:port expected\r\n\r\n');
    return;
  }
  const [host, port] = [target[1]!, Number(target[2])];
  client.on('error', () => undefined);
  gate.target(host, port).then(({ address, family }) => {
    const upstream = net.connect({ host: address, family, port });
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      const refused = gate.checkConnected(host, port, upstream.remoteAddress);
      if (refused) {
        session.refuse(refused.message);
        upstream.destroy();
        client.end(`HTTP/1.1 403 ${reasonPhrase(refused.message)}\r\n\r\n`);
        return;
      }
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.on('data', (chunk: Buffer) => {
        if (!session.received(chunk.length, host)) {
          upstream.destroy();
          client.destroy();
        }
      });
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', (error) => {
      if (!connected) client.end(`HTTP/1.1 502 ${reasonPhrase(`s3bridge egress: ${error.message}`)}\r\n\r\n`);
      else client.destroy();
    });
    client.on('close', () => upstream.destroy());
  }, (error: unknown) => {
    const { status, reason } = failureStatus(error);
    if (error instanceof EgressRefused) session.refuse(error.message);
    client.end(`HTTP/1.1 ${status} ${reasonPhrase(reason)}\r\n\r\n`);
  });
}

/**
 * A forward proxy on 127.0.0.1 for DuckDB: httpfs sends `http://` requests as absolute URIs and
 * opens `https://` ones with CONNECT, and follows redirects itself, so every hop comes here. Each
 * target is resolved and checked by the gate, then connected to by the checked address; the
 * bytes that come back count against the session's read budget. Refusals answer 403 with the
 * reason as the status text (DuckDB prints it) and are kept on the session.
 */
export async function startEgressProxy(gate: ProxiedGate): Promise<EgressProxy> {
  // Connections to S3 are reused across requests, as DuckDB's own would be.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => forward(gate, agent, req, res));
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => tunnel(gate, req, client, head));
  server.on('clientError', (_error, socket) => socket.destroy());
  // DuckDB keeps its connections to the proxy open between requests.
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      agent.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
