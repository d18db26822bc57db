#!/usr/bin/env node
// ipc-anywhere in a headless Chromium page: `node bench/chromium/ours.mjs <scenario> [--quick]`.
// Main is this process (attach() on a plain http server that also serves the bench pages).
import { createServer } from 'node:http';
import { attach, createMain } from 'ipc-anywhere/main';
import { ipcAnywhereHandlers } from '../suite/baseline-handlers.mjs';
import { BENCH_DIR, isolate, pageUrl, resultSink, runPage } from '../suite/chromium.mjs';
import { report } from '../suite/proc.mjs';

const [scenario] = process.argv.slice(2);
const quick = process.argv.includes('--quick');
const main = createMain({ logger: { warn() {}, error: console.error } });
ipcAnywhereHandlers(main.ipcMain);
const sink = resultSink();
const httpServer = createServer((req, res) => {
  if (req.url.startsWith('/echo')) { const c=[]; req.on('data',(d)=>c.push(d)); req.on('end',()=>{ const b=Buffer.concat(c); res.writeHead(200,{'content-type': req.url.includes('bin')?'application/octet-stream':'application/json','content-length':b.length}); res.end(b);}); return; }
  if (!sink.handle(req, res)) res.writeHead(404).end();
});
const server = attach(httpServer, { main, static: BENCH_DIR });
httpServer.prependListener('request', (_req, res) => isolate(res));
await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${httpServer.address().port}`;
const result = await runPage((scenario === 'probe' ? `${origin}/chromium/pages/probe.html` : pageUrl(origin, 'ours', scenario, quick)), sink, quick ? 30_000 : 90_000);
report({ ...result, server: (() => { const a = (globalThis.__ts ?? []).sort((x, y) => x - y); return a[a.length >> 1] * 1000; })() });
await server.close();
httpServer.closeAllConnections();
httpServer.close();
process.exit(0);
