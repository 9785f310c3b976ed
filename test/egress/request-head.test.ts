import { describe, expect, it } from 'vitest';
import { BadRequestHead, declaredBodyLength, MAX_HEAD_BYTES, parseRequestHead } from '../../src/egress/request-head';

const head = (text: string) => parseRequestHead(Buffer.from(text, 'latin1'));
const refusal = (text: string) => {
  try {
    head(text);
  } catch (error) {
    return error instanceof BadRequestHead ? `${error.status} ${error.message}` : String(error);
  }
  return 'parsed';
};

describe('the proxy\'s request head parser', () => {
  it('reads the method, target, headers in order, the head\'s size and the body length; nothing until the blank line', () => {
    const text = 'PUT http://127.0.0.1:9000/b/k?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nContent-Length: 5\r\nX-Amz-Date:  20261206T000000Z \r\n\r\nhello';
    expect(head(text)).toEqual({
      method: 'PUT', target: 'http://127.0.0.1:9000/b/k?x=1', version: 'HTTP/1.1',
      headers: [['Host', '127.0.0.1:9000'], ['Content-Length', '5'], ['X-Amz-Date', '20261206T000000Z']],
      size: text.length - 5, bodyLength: 5,
    });
    expect(head('GET http://h/ HTTP/1.1\r\nHost: h\r\n')).toBeUndefined();
    expect(head('GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n')?.bodyLength).toBe(0);
  });

  it('refuses what would let the proxy and the server disagree on where a request ends', () => {
    expect(refusal('POST http://h/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n')).toBe('501 request bodies without Content-Length are not relayed');
    expect(refusal('POST http://h/ HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n')).toBe('400 bad Content-Length');
    expect(refusal('POST http://h/ HTTP/1.1\r\nContent-Length: -1\r\n\r\n')).toBe('400 bad Content-Length');
    expect(refusal('POST http://h/ HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n')).toBe('400 bad Content-Length');
    expect(refusal('GET http://h/ HTTP/1.1\r\nHost: h\nX: y\r\n\r\n')).toBe('400 malformed header line');
    expect(refusal('GET http://h/ HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n')).toBe('400 malformed header line');
    expect(refusal('GET http://h/ HTTP/1.1\r\nHost : h\r\n\r\n')).toBe('400 malformed header line');
    expect(refusal('GET http://h/\rX HTTP/1.1\r\n\r\n')).toBe('400 malformed request line');
    expect(refusal('GET http://h/ HTTP/2\r\n\r\n')).toBe('400 malformed request line');
    expect(refusal(`GET http://h/ HTTP/1.1\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}`)).toBe('431 request head too large');
  });

  it('reads the body length an answer declares, once its head is whole; none for HEAD, 1xx, 204 and 304', () => {
    const answer = (text: string, method = 'GET') => declaredBodyLength(Buffer.from(text, 'latin1'), method);
    expect(answer('HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\nContent-Length:  1073741824\r\n\r\nabc')).toBe(1073741824);
    expect(answer('HTTP/1.1 206 Partial Content\r\nContent-Length: 10')).toBeUndefined();
    expect(answer('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', 'HEAD')).toBeNull();
    expect(answer('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n')).toBeNull();
    expect(answer('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')).toBeNull();
  });
});
