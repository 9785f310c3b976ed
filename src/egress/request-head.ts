/** One request's head as a forward proxy receives it: what the gate's check needs, and the rest as sent. */
export interface RequestHead {
  method: string;
  /** The request target as sent: an absolute `http://` URI, or `host:port` for CONNECT. */
  target: string;
  version: string;
  /** Header lines in their order, names as sent. */
  headers: [name: string, value: string][];
  /** Bytes of the head, its blank line included. */
  size: number;
  /** Body bytes that follow (Content-Length; none without one). */
  bodyLength: number;
}

/** A head the proxy will not relay: the answer's status and reason. */
export class BadRequestHead extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const END = Buffer.from('\r\n\r\n');
const REQUEST_LINE = /^([A-Z]+) ([\x21-\x7e]+) (HTTP\/1\.[01])$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([\x20-\x7e\t\x80-\xff]*?)[ \t]*$/;
/** Heads larger than this are refused (DuckDB's are a few hundred bytes). */
export const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Parses a request head at the start of `buffer`; undefined until its blank line has arrived.
 * Strict where leniency would let the proxy and the server disagree on where a request ends:
 * CRLF only, no folded lines, one numeric Content-Length, no Transfer-Encoding (DuckDB sends
 * every body with a length).
 */
export function parseRequestHead(buffer: Buffer): RequestHead | undefined {
  const end = buffer.indexOf(END);
  if (end < 0) {
    if (buffer.length > MAX_HEAD_BYTES) throw new BadRequestHead(431, 'request head too large');
    return undefined;
  }
  if (end > MAX_HEAD_BYTES) throw new BadRequestHead(431, 'request head too large');
  const lines = buffer.toString('latin1', 0, end).split('\r\n');
  const request = REQUEST_LINE.exec(lines[0]!);
  if (!request) throw new BadRequestHead(400, 'malformed request line');
  const headers: [string, string][] = [];
  let bodyLength: number | undefined;
  for (const line of lines.slice(1)) {
    const header = HEADER_LINE.exec(line);
    if (!header || line.includes('\n')) throw new BadRequestHead(400, 'malformed header line');
    const [name, value] = [header[1]!, header[2]!];
    const lower = name.toLowerCase();
    if (lower === 'transfer-encoding') throw new BadRequestHead(501, 'request bodies without Content-Length are not relayed');
    if (lower === 'content-length') {
      if (!/^\d{1,15}$/.test(value) || (bodyLength !== undefined && bodyLength !== Number(value))) throw new BadRequestHead(400, 'bad Content-Length');
      bodyLength = Number(value);
    }
    headers.push([name, value]);
  }
  return { method: request[1]!, target: request[2]!, version: request[3]!, headers, size: end + END.length, bodyLength: bodyLength ?? 0 };
}

/** The first value of a header (names compare case-insensitively). */
export function headerValue(head: RequestHead, name: string): string | undefined {
  return head.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}


/**
 * The body length an answer declares (its Content-Length), from the bytes that begin it;
 * undefined while its head is incomplete, null when it declares none or has no body (an answer
 * to HEAD, 1xx, 204, 304) or its head is too large to be one.
 */
export function declaredBodyLength(buffer: Buffer, method: string): number | null | undefined {
  const end = buffer.indexOf(END);
  if (end < 0) return buffer.length > MAX_HEAD_BYTES ? null : undefined;
  const lines = buffer.toString('latin1', 0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)?.[1]);
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return null;
  const length = lines.slice(1).map((line) => /^content-length:[ \t]*(\d{1,15})[ \t]*$/i.exec(line)?.[1]).find((v) => v !== undefined);
  return length === undefined ? null : Number(length);
}
