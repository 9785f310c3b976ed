import net from 'node:net';
import { EgressRefused } from './egress-refused';
import type { EgressSession } from './egress-session';
import { bareHost } from './egress-policy';
import { type BadRequestHead, declaredBodyLength, headerValue, parseRequestHead, type RequestHead } from './request-head';

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

/** Headers for the proxy alone: never relayed (the password in particular). */
const PROXY_HEADERS = new Set(['proxy-authorization', 'proxy-connection']);
/** Replaced on a request of a session that reads within a budget: its connection serves one answer. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive']);
/** A connection idle this long (no byte either way) is closed; DuckDB opens a new one when it needs one. */
const IDLE_MS = 120_000;

/** A status line's reason phrase: one line of printable ASCII (DuckDB prints it in its error). */
function reasonPhrase(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 400);
}

/** The proxy's own answer (a refusal): the connection closes after it. */
function answer(status: number, reason: string, extra = ''): string {
  return `HTTP/1.1 ${status} ${reasonPhrase(reason)}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`;
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
function failureAnswer(error: unknown): string {
  if (error instanceof EgressRefused) return answer(403, error.message);
  return answer(502, `s3bridge egress: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * The head as the server receives it: the path instead of the absolute URI, without the proxy's
 * own headers; `oneAnswer` asks the server to close after answering (so the answer's head is
 * where the connection's bytes begin, and its declared length can be checked).
 */
function upstreamHead(head: RequestHead, url: URL, oneAnswer: boolean): Buffer {
  const lines = [`${head.method} ${url.pathname}${url.search} ${head.version}`];
  for (const [name, value] of head.headers) {
    const lower = name.toLowerCase();
    if (!PROXY_HEADERS.has(lower) && !(oneAnswer && CONNECTION_HEADERS.has(lower))) lines.push(`${name}: ${value}`);
  }
  if (oneAnswer) lines.push('Connection: close');
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * One client connection (one DuckDB HTTP client, which DuckDB opens per file): its first
 * request's target is checked by the gate and connected to, by the checked address, and the
 * socket's address checked again; the connection is then bound to that upstream socket. Each
 * later request head is read, its session and target checked (the same target), rewritten
 * (origin-form path, no proxy headers) and written to it; bodies follow by their length;
 * answers flow back as bytes, counted against the session's read budget, never parsed. A
 * request for another target on a bound connection closes it: DuckDB opens a client per host
 * and a new one per redirect hop, so each hop is a new connection and a new check. A session
 * with a read budget (samples, probes) gets one answer per connection, whose declared length is
 * checked against the budget before its body: DuckDB drops a connection whose answer is longer
 * than the range it asked for, often before the bytes that came through spend the budget, and
 * the failure must still say why.
 */
class ProxiedConnection {
  private pending: Buffer = Buffer.alloc(0);
  private bodyLeft = 0;
  private upstream: net.Socket | undefined;
  /** `host:port` the upstream socket was checked and connected for. */
  private bound: string | undefined;
  private session: EgressSession | undefined;
  /** Waiting for the gate's check and the upstream connection: client bytes wait in `pending`. */
  private waiting = false;
  /** Refused or closed: whatever else the client sends is dropped. */
  private finished = false;
  private tunnel = false;
  /** A budgeted session's one request: its method, and the bytes of the answer's head so far. */
  private oneAnswer: { method: string; head: Buffer | undefined } | undefined;

  constructor(private readonly gate: ProxiedGate, private readonly client: net.Socket) {
    client.setNoDelay(true);
    client.setTimeout(IDLE_MS, () => this.close());
    client.on('data', (chunk: Buffer) => this.fromClient(chunk));
    client.on('error', () => this.close());
    client.on('close', () => this.upstream?.destroy());
    client.on('end', () => this.upstream?.end());
  }

  private close(): void {
    this.finished = true;
    this.client.destroy();
    this.upstream?.destroy();
  }

  /** Answers with the proxy's own refusal and closes (the upstream, if any, unheard). */
  private refuse(text: string): void {
    this.finished = true;
    this.pending = Buffer.alloc(0);
    this.upstream?.destroy();
    this.client.end(text);
    this.client.resume();
  }

  private fromClient(chunk: Buffer): void {
    if (this.finished) return;
    if (this.tunnel) {
      this.toUpstream(chunk);
      return;
    }
    // The common case: a whole head, or a body's bytes, in one read.
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.drain();
  }

  private toUpstream(bytes: Buffer): void {
    const upstream = this.upstream!;
    if (!upstream.write(bytes)) {
      this.client.pause();
      upstream.once('drain', () => this.client.resume());
    }
  }

  /** Relays what the client sent: body bytes still owed, then each complete request head. */
  private drain(): void {
    while (!this.waiting && !this.finished && this.pending.length > 0) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, this.pending.length);
        this.toUpstream(this.pending.subarray(0, n));
        this.bodyLeft -= n;
        this.pending = this.pending.subarray(n);
        continue;
      }
      let head: RequestHead | undefined;
      try {
        head = parseRequestHead(this.pending);
      } catch (error) {
        const bad = error as BadRequestHead;
        this.refuse(answer(bad.status, bad.message));
        return;
      }
      if (!head) return;
      this.pending = this.pending.subarray(head.size);
      this.request(head);
    }
  }

  /** The session named by the request's Proxy-Authorization, checked on every request; a connection serves one session. */
  private sessionFor(head: RequestHead): EgressSession | undefined {
    const session = sessionOf(this.gate, headerValue(head, 'proxy-authorization'));
    if (!session || (this.session && session !== this.session)) return undefined;
    this.session = session;
    return session;
  }

  private request(head: RequestHead): void {
    const session = this.sessionFor(head);
    if (!session) {
      this.refuse(answer(407, 'Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="s3bridge"\r\n'));
      return;
    }
    if (head.method === 'CONNECT') {
      const target = /^\[?([^\]]+?)\]?:(\d+)$/.exec(head.target);
      if (!target || this.upstream) {
        this.refuse(answer(400, 'host:port expected'));
        return;
      }
      this.connect(session, target[1]!, Number(target[2]), () => {
        this.tunnel = true;
        this.client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const early = this.pending;
        this.pending = Buffer.alloc(0);
        if (early.length > 0) this.toUpstream(early);
      });
      return;
    }
    let url: URL;
    try {
      url = new URL(head.target);
      if (url.protocol !== 'http:') throw new Error('not http');
    } catch {
      this.refuse(answer(400, 'absolute http:// URL expected'));
      return;
    }
    const port = Number(url.port || 80);
    const key = `${bareHost(url.hostname)}:${port}`;
    if ((this.upstream && this.bound !== key) || this.oneAnswer) {
      // Answers on this connection come from the bound target: another target is not mixed in.
      // A budgeted session's connection has had its one answer (the server closes it).
      this.close();
      return;
    }
    if (session.limited) this.oneAnswer = { method: head.method, head: Buffer.alloc(0) };
    this.bodyLeft = head.bodyLength;
    const bytes = upstreamHead(head, url, session.limited);
    if (this.upstream) {
      this.toUpstream(bytes);
      return;
    }
    this.connect(session, url.hostname, port, () => {
      this.bound = key;
      this.toUpstream(bytes);
    });
  }

  /** A budgeted session's answer: false when its declared length alone would spend the budget. */
  private answerWithinBudget(session: EgressSession, host: string, chunk: Buffer): boolean {
    const answer = this.oneAnswer;
    if (!answer?.head) return true;
    answer.head = answer.head.length === 0 ? chunk : Buffer.concat([answer.head, chunk]);
    const length = declaredBodyLength(answer.head, answer.method);
    if (length === undefined) return true;
    answer.head = undefined;
    return length === null || session.declared(length, bareHost(host));
  }

  /** Checks host:port with the gate, connects to the checked address, checks the socket's address, then `ready`. */
  private connect(session: EgressSession, host: string, port: number, ready: () => void): void {
    this.waiting = true;
    this.client.pause();
    this.gate.target(host, port).then(({ address, family }) => {
      if (this.finished) return;
      const upstream = net.connect({ host: address, family, port });
      this.upstream = upstream;
      let connected = false;
      upstream.setNoDelay(true);
      upstream.once('connect', () => {
        connected = true;
        const refused = this.gate.checkConnected(host, port, upstream.remoteAddress);
        if (refused) {
          session.refuse(refused.message);
          this.refuse(answer(403, refused.message));
          return;
        }
        upstream.on('data', (chunk: Buffer) => {
          if (!session.received(chunk.length, bareHost(host)) || !this.answerWithinBudget(session, host, chunk)) this.close();
        });
        upstream.pipe(this.client);
        ready();
        this.waiting = false;
        this.client.resume();
        this.drain();
      });
      upstream.on('error', (error) => {
        if (connected) this.close();
        else this.refuse(answer(502, `s3bridge egress: ${error.message}`));
      });
    }, (error: unknown) => {
      if (error instanceof EgressRefused) session.refuse(error.message);
      this.refuse(failureAnswer(error));
    });
  }
}

/**
 * A forward proxy on 127.0.0.1 for DuckDB: httpfs sends `http://` requests as absolute URIs and
 * opens `https://` ones with CONNECT, and follows redirects itself, so every hop comes here. Each
 * target is resolved and checked by the gate, then connected to by the checked address; the
 * bytes that come back count against the session's read budget. Refusals answer 403 with the
 * reason as the status text (DuckDB prints it) and are kept on the session. After the check the
 * proxy relays bytes: it reads request heads (to check each target) and nothing of the responses.
 */
export async function startEgressProxy(gate: ProxiedGate): Promise<EgressProxy> {
  const clients = new Set<net.Socket>();
  const server = net.createServer((client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    new ProxiedConnection(gate, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const client of clients) client.destroy();
    }),
  };
}
