// A test's app on a real TCP port in this process (sockets, keep-alive, timeouts), with the same
// server options as server/main.ts. Cheaper than a server process when only HTTP behaviour counts.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { HTTP_TIMEOUTS, serverOptions, type HttpTimeouts } from '../http/timeouts';

export interface ServedApp { url: string; port: number; server: Server; close(): Promise<void> }

export function serveApp(app: { fetch: Parameters<typeof serve>[0]['fetch'] }, timeouts: HttpTimeouts = HTTP_TIMEOUTS): Promise<ServedApp> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', serverOptions: serverOptions(timeouts) }, (info: AddressInfo) => {
      Object.assign(server, timeouts);
      resolve({
        url: `http://127.0.0.1:${info.port}`, port: info.port, server: server as Server,
        close: () => new Promise<void>((done) => {
          (server as Server).closeAllConnections();
          server.close(() => done());
        }),
      });
    }) as Server;
  });
}
