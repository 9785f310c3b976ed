import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a hostile endpoint does with one request instead of passing it on; false passes it on. */
type FrontAnswer = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/**
 * A stand-in S3 endpoint on 127.0.0.1: it passes every request unchanged to the local MinIO
 * (headers, Host and signature included, so MinIO accepts it), except those `answer` takes over:
 * a redirect, a body that ignores Range, a listing that never ends.
 */
export interface S3Front {
  endpoint: string;
  answer: FrontAnswer;
  close(): Promise<void>;
}

export async function startS3Front(minio = process.env.S3BRIDGE_S3_ENDPOINT ?? 'http://127.0.0.1:9000'): Promise<S3Front> {
  const target = new URL(minio);
  const front: S3Front = { endpoint: '', answer: () => false, close: () => Promise.resolve() };
  const server = http.createServer((req, res) => {
    if (front.answer(req, res)) return;
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  front.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  front.close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return front;
}

/** Whether a request comes from DuckDB (httpfs) rather than the AWS SDK. */
export function fromDuckDB(req: http.IncomingMessage): boolean {
  return !String(req.headers['user-agent'] ?? '').includes('aws-sdk');
}
