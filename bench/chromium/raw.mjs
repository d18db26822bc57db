#!/usr/bin/env node
// Baselines in a headless Chromium page: the page's WebSocket against raw `ws`, and a bare sync XHR
// echo against a Node http server. `node bench/chromium/raw.mjs <scenario> [--quick]`.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { rawReceiver } from '../suite/baseline-handlers.mjs';
import { isolate, pageUrl, resultSink, runPage, serveBenchFile } from '../suite/chromium.mjs';
import { report } from '../suite/proc.mjs';

const [scenario] = process.argv.slice(2);
const quick = process.argv.includes('--quick');
const sink = resultSink();
const httpServer = createServer((req, res) => {
  isolate(res);
  if (req.url === '/echo' && req.method === 'POST') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const [i, text] = JSON.parse(Buffer.concat(chunks).toString());
      const body = JSON.stringify([i, text]);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    return;
  }
  if (!sink.handle(req, res) && !serveBenchFile(req, res)) res.writeHead(404).end();
});
const wss = new WebSocketServer({ server: httpServer, path: '/ws', perMessageDeflate: false });
wss.on('connection', (socket) => {
  // invokeBinary: requests come as binary frames of UTF-8 JSON and are answered the same way.
  const reply =
    scenario === 'invokeBinary' ? (text) => socket.send(Buffer.from(text)) : (text) => socket.send(text);
  const receive = rawReceiver(reply);
  socket.on('message', (data, isBinary) =>
    scenario === 'invokeBinary' ? receive(data.toString(), false) : receive(data, isBinary),
  );
});
await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${httpServer.address().port}`;
const result = await runPage(pageUrl(origin, 'raw', scenario, quick), sink, quick ? 30_000 : 90_000);
report(result);
for (const socket of wss.clients) socket.terminate();
httpServer.closeAllConnections();
httpServer.close();
process.exit(0);
