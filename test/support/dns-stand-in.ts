import dgram from 'node:dgram';

/**
 * A DNS server on 127.0.0.1 that answers A queries as `answer(name, nth)` says (nth: how many A
 * queries for that name came before), NODATA for other types and NXDOMAIN for names it does not
 * know; TTL 0, so nothing caches an answer. Point the worker at it with settings.dnsServers.
 */
export interface DnsStandIn {
  server: string;
  /** A queries received, by name. */
  queries: Map<string, number>;
  close(): Promise<void>;
}

function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  while (message[at]! > 0) {
    const length = message[at]!;
    labels.push(message.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += length + 1;
  }
  return { name: labels.join('.').toLowerCase(), end: at + 1 };
}

export async function startDnsStandIn(answer: (name: string, nth: number) => string | undefined): Promise<DnsStandIn> {
  const queries = new Map<string, number>();
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message, from) => {
    const { name, end } = readName(message, 12);
    const type = message.readUInt16BE(end);
    const question = message.subarray(12, end + 4);
    let address: string | undefined;
    let known = true;
    if (type === 1) {
      const nth = queries.get(name) ?? 0;
      queries.set(name, nth + 1);
      address = answer(name, nth);
      known = address !== undefined;
    } else {
      known = answer(name, -1) !== undefined;
    }
    const header = Buffer.alloc(12);
    message.copy(header, 0, 0, 2);
    header.writeUInt16BE(known ? 0x8180 : 0x8183, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(address ? 1 : 0, 6);
    const record = address
      ? Buffer.concat([Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4]), Buffer.from(address.split('.').map(Number))])
      : Buffer.alloc(0);
    socket.send(Buffer.concat([header, question, record]), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return { server: `127.0.0.1:${port}`, queries, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}
