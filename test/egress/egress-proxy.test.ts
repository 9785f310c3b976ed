import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressGate } from '../../src/egress/egress-gate';
import type { EgressProxy } from '../../src/egress/egress-proxy';

/** The forward proxy DuckDB's http_proxy points at, spoken to as DuckDB does (absolute URIs, CONNECT). */
let gate: EgressGate;
let proxy: EgressProxy;
let origin: http.Server;
let originPort: number;
/** What the origin received: each request's line and whether any proxy header reached it. */
const received: string[] = [];

beforeAll(async () => {
  origin = http.createServer((req, res) => {
    const line = `${req.method} ${req.url}${Object.keys(req.headers).some((h) => h.startsWith('proxy-')) ? ' (proxy headers!)' : ''}`;
    if (req.method === 'PUT') {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString('latin1'); });
      req.on('end', () => {
        received.push(`${line} ${JSON.stringify(body)}`);
        res.end('stored');
      });
      return;
    }
    received.push(line);
    // Ignores Range, as a hostile server may: always 4 MB.
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(4 * 1024 * 1024) });
    res.end(Buffer.alloc(4 * 1024 * 1024, 1));
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originPort = (origin.address() as AddressInfo).port;
  gate = new EgressGate({ endpointAllow: [`127.0.0.1:${originPort}`] });
  proxy = await gate.proxy();
});
afterAll(async () => {
  await proxy?.close();
  origin?.close();
});

const auth = (user: string, password = gate.proxyPassword) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function viaProxy(url: string, authorization?: string): Promise<{ status: number; message: string; bytes: number; error?: string }> {
  return new Promise((resolve) => {
    // A connection of its own, as DuckDB opens one per file (and per redirect hop).
    const req = http.request({ host: '127.0.0.1', port: proxy.port, path: url, agent: false, headers: authorization ? { 'proxy-authorization': authorization } : {} }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => { bytes += c.length; });
      res.on('end', () => resolve({ status: res.statusCode!, message: res.statusMessage!, bytes }));
      res.on('error', (e) => resolve({ status: res.statusCode!, message: res.statusMessage!, bytes, error: e.message }));
      res.on('aborted', () => resolve({ status: res.statusCode!, message: res.statusMessage!, bytes, error: 'aborted' }));
    });
    req.on('error', (e) => resolve({ status: 0, message: '', bytes: 0, error: e.message }));
    req.end();
  });
}

function connect(target: string, authorization: string): Promise<{ statusLine: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(proxy.port, '127.0.0.1', () => socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\nProxy-Authorization: ${authorization}\r\n\r\n`));
    socket.once('data', (chunk: Buffer) => resolve({ statusLine: chunk.toString('latin1').split('\r\n')[0]!, socket }));
    socket.on('error', reject);
  });
}

describe('the egress proxy', () => {
  it('serves only DuckDB instances of this process: no session or a wrong password gets 407', async () => {
    const session = gate.openSession();
    try {
      expect((await viaProxy(`http://127.0.0.1:${originPort}/x`)).status).toBe(407);
      expect((await viaProxy(`http://127.0.0.1:${originPort}/x`, auth(session.id, 'wrong'))).status).toBe(407);
      expect((await viaProxy(`http://127.0.0.1:${originPort}/x`, auth('no-such-session'))).status).toBe(407);
      expect((await viaProxy(`http://127.0.0.1:${originPort}/x`, auth(session.id))).status).toBe(200);
    } finally {
      session.close();
    }
  });

  it('refuses an address the policy does not allow with 403 and the reason as status text, and keeps it on the session', async () => {
    const session = gate.openSession();
    try {
      const answer = await viaProxy('http://127.0.0.3:9000/bucket/key', auth(session.id));
      const reason = 's3bridge refused to connect to 127.0.0.3:9000: 127.0.0.3 is a loopback address, the worker\'s own machine; '
        + 'if this really is your S3 endpoint, add "127.0.0.3:9000" to S3BRIDGE_ENDPOINT_ALLOW on the worker';
      expect([answer.status, answer.message]).toEqual([403, reason]);
      expect(session.failure()?.message).toBe(reason);
      const tunnel = await connect('169.254.169.254:443', auth(session.id));
      expect(tunnel.statusLine).toMatch(/^HTTP\/1\.1 403 s3bridge refused to connect to 169\.254\.169\.254:443: /);
      tunnel.socket.destroy();
    } finally {
      session.close();
    }
  });

  it('tunnels CONNECT to an allowed address', async () => {
    const session = gate.openSession();
    try {
      const tunnel = await connect(`127.0.0.1:${originPort}`, auth(session.id));
      expect(tunnel.statusLine).toBe('HTTP/1.1 200 Connection Established');
      const first = await new Promise<string>((resolve) => {
        tunnel.socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0]!));
        tunnel.socket.write(`GET /x HTTP/1.1\r\nHost: 127.0.0.1:${originPort}\r\nConnection: close\r\n\r\n`);
      });
      expect(first).toBe('HTTP/1.1 200 OK');
      tunnel.socket.destroy();
    } finally {
      session.close();
    }
  });

  it('relays several requests and their bodies on one kept-alive connection to its checked target, without the proxy\'s headers', async () => {
    const session = gate.openSession();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    received.length = 0;
    try {
      const sockets = new Set<unknown>();
      const requests: [method: string, path: string, body?: string][] = [['GET', '/a'], ['PUT', '/p', 'first body'], ['HEAD', '/b?x=1'], ['PUT', '/q', 'x'.repeat(100_000)], ['GET', '/c']];
      for (const [method, path, body] of requests) {
        const status = await new Promise<number>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port: proxy.port, path: `http://127.0.0.1:${originPort}${path}`, method, agent,
            headers: { 'proxy-authorization': auth(session.id), ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
            sockets.add(res.socket);
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          });
          req.on('error', reject);
          req.end(body);
        });
        expect(status).toBe(200);
      }
      expect(sockets.size).toBe(1);
      expect(received).toEqual(['GET /a', 'PUT /p "first body"', 'HEAD /b?x=1', `PUT /q "${'x'.repeat(100_000)}"`, 'GET /c']);
    } finally {
      agent.destroy();
      session.close();
    }
  });

  it('closes a connection that asks for another target than the one it was checked and connected for', async () => {
    const session = gate.openSession();
    const other = http.createServer((_req, res) => res.end('other'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    received.length = 0;
    try {
      const socket = net.connect(proxy.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const head = (port: number) => `HEAD http://127.0.0.1:${port}/x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nProxy-Authorization: ${auth(session.id)}\r\n\r\n`;
      const first = await new Promise<string>((resolve) => {
        socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0]!));
        socket.write(head(originPort));
      });
      expect(first).toBe('HTTP/1.1 200 OK');
      const closed = new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
        socket.on('close', () => resolve(text));
      });
      socket.write(head((other.address() as AddressInfo).port));
      expect(await closed).toBe('');
      expect(received).toEqual(['HEAD /x']);
    } finally {
      other.close();
      session.close();
    }
  });

  it('refuses a request body without a length (the proxy frames requests by Content-Length) with 501, and relays nothing', async () => {
    const session = gate.openSession();
    received.length = 0;
    try {
      const answer = await new Promise<{ status: number; message: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: proxy.port, path: `http://127.0.0.1:${originPort}/chunked`, method: 'PUT', agent: false,
          headers: { 'proxy-authorization': auth(session.id), 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, message: res.statusMessage! }));
        });
        req.on('error', reject);
        req.end('a body');
      });
      expect(answer).toEqual({ status: 501, message: 'request bodies without Content-Length are not relayed' });
      expect(received).toEqual([]);
    } finally {
      session.close();
    }
  });

  it('gives a budgeted session one answer per connection: the server is asked to close, a second request closes the connection', async () => {
    const session = gate.openSession();
    session.limitReads(1024 * 1024);
    received.length = 0;
    try {
      const socket = net.connect(proxy.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      let text = '';
      socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
      const closed = new Promise((resolve) => socket.on('close', resolve));
      const head = `HEAD http://127.0.0.1:${originPort}/x HTTP/1.1\r\nHost: 127.0.0.1:${originPort}\r\nConnection: keep-alive\r\n`
        + `Proxy-Authorization: ${auth(session.id)}\r\n\r\n`;
      socket.write(head);
      await new Promise((resolve) => setTimeout(resolve, 200));
      socket.write(head);
      await closed;
      // Node's server answers "Connection: close" to a request that asked for it.
      const lines = text.split('\r\n');
      expect([lines[0], lines.includes('Connection: close'), text.endsWith('\r\n\r\n'), text.split('HTTP/1.1').length - 1]).toEqual(['HTTP/1.1 200 OK', true, true, 1]);
      expect(received).toEqual(['HEAD /x']);
    } finally {
      session.close();
    }
  });

  it('cuts a session\'s transfer once it has read its budget, whatever the server sends', async () => {
    const session = gate.openSession();
    session.limitReads(1024 * 1024);
    try {
      const answer = await viaProxy(`http://127.0.0.1:${originPort}/big`, auth(session.id));
      // The answer declares 4 MB: cut before its body, as soon as its head is through.
      expect(answer.bytes).toBe(0);
      expect(session.failure()).toMatchObject({
        type: 'ReadLimitExceeded', nonRetryable: true,
        message: 'read more than 1048576 bytes from 127.0.0.1 for a sample: the server sent more than was asked for (does it ignore Range?), so the read was stopped',
      });
    } finally {
      session.close();
    }
  });
});
