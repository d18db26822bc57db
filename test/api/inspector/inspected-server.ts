import { createMain, createServer, type IpcServer, type Main } from '../../../src/main.js';
import { recordingLogger } from '../../conformance/harness.js';

export interface Inspected {
  readonly main: Main;
  readonly server: IpcServer;
  readonly url: string;
  readonly log: ReturnType<typeof recordingLogger>['log'];
  close(): Promise<void>;
}

/**
 * `createServer({ inspector: true })` for an isolated main on 127.0.0.1 (`static` and `clientScript`
 * as for createServer), with a logger the test can read.
 */
export async function startInspected(
  options: { static?: string; clientScript?: string } = {},
): Promise<Inspected> {
  const { logger, log } = recordingLogger();
  const main = createMain({ logger, syncReplyTimeout: 60_000 });
  const server = await createServer({ main, inspector: true, ...options });
  return { main, server, url: server.url, log, close: () => server.close() };
}
