#!/usr/bin/env node
// ipc-anywhere in a headless Chromium page: `node bench/chromium/ours.mjs <scenario> [--quick]`.
// Main is this process (attach() on a plain http server that also serves the bench pages).
import { createServer } from 'node:http';
import { attach, createMain, MessageChannelMain } from 'ipc-anywhere/main';
import { ipcAnywhereHandlers } from '../suite/baseline-handlers.mjs';
import { BENCH_DIR, isolate, pageUrl, resultSink, runPage } from '../suite/chromium.mjs';
import { report } from '../suite/proc.mjs';

const [scenario] = process.argv.slice(2);
const quick = process.argv.includes('--quick');
const main = createMain({ logLevel: 'error' });
ipcAnywhereHandlers(main.ipcMain, MessageChannelMain);
const sink = resultSink();
const httpServer = createServer((req, res) => {
  if (!sink.handle(req, res)) res.writeHead(404).end();
});
const server = attach(httpServer, { main, static: BENCH_DIR });
httpServer.prependListener('request', (_req, res) => isolate(res));
await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${httpServer.address().port}`;
const result = await runPage(pageUrl(origin, 'ours', scenario, quick), sink, quick ? 30_000 : 90_000);
report(result);
await server.close();
httpServer.closeAllConnections();
httpServer.close();
process.exit(0);
