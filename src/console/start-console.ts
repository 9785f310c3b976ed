import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createConsoleApp, type ConsoleDeps } from './console-app';

/** A running console: its address, and how to stop it. */
export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

/** Serves the console on its host and port (port 0: any free port) until closed. */
export async function startConsole(deps: ConsoleDeps): Promise<RunningConsole> {
  const app = createConsoleApp(deps);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: deps.console.host, port: deps.console.port }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${info.port}`,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
      });
    });
    server.once('error', reject);
  });
}
