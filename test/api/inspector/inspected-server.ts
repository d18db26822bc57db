import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inspector } from '../../../src/api/inspector/inspector.js';
import { attach, createMain, type IpcServer, type Main } from '../../../src/main.js';
import { HostCheck } from '../../../src/transports/websocket/host-check.js';
import { recordingLogger } from '../../conformance/harness.js';

export interface Inspected {
  readonly main: Main;
  readonly server: IpcServer;
  readonly url: string;
  readonly log: ReturnType<typeof recordingLogger>['log'];
  close(): Promise<void>;
}

/**
 * A server for pages with the inspector at /ipc-anywhere/inspect, on 127.0.0.1. `static` and
 * `clientScript` as for createServer.
 */
export async function startInspected(
  options: { static?: string; clientScript?: string } = {},
): Promise<Inspected> {
  const { logger, log } = recordingLogger();
  const main = createMain({ logger, syncReplyTimeout: 60_000 });
  let inspector: Inspector | undefined;
  const http = createHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!inspector?.handle(path, req, res)) res.writeHead(404).end();
  });
  const server = attach(http, { main, ...options });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  inspector = new Inspector({
    main,
    origins: server.transport.origins,
    hosts: new HostCheck(undefined, () => http.address(), logger),
    logger,
  });
  server.on('web-contents-created', (contents) => inspector?.track(contents));
  const port = (http.address() as AddressInfo).port;
  return {
    main,
    server,
    url: `http://127.0.0.1:${port}`,
    log,
    async close() {
      inspector?.close();
      await server.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
