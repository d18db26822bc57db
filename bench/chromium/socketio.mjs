#!/usr/bin/env node
// Baseline in a headless Chromium page: socket.io-client against a socket.io server.
// `node bench/chromium/socketio.mjs <scenario> [--quick]`.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { socketIoHandlers } from '../suite/baseline-handlers.mjs';
import { isolate, pageUrl, resultSink, runPage, serveBenchFile } from '../suite/chromium.mjs';
import { report } from '../suite/proc.mjs';

const [scenario] = process.argv.slice(2);
const quick = process.argv.includes('--quick');
const sink = resultSink();
const httpServer = createServer((req, res) => {
  if (!sink.handle(req, res) && !serveBenchFile(req, res)) res.writeHead(404).end();
});
const io = new Server(httpServer); // serves /socket.io/socket.io.min.js
io.on('connection', socketIoHandlers);
httpServer.prependListener('request', (_req, res) => isolate(res));
await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${httpServer.address().port}`;
const result = await runPage(pageUrl(origin, 'socketio', scenario, quick), sink, quick ? 30_000 : 90_000);
report(result);
io.close();
httpServer.closeAllConnections();
process.exit(0);
