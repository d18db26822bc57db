/*
 * The main process the hostile suite attacks, run as a child process (fork) from dist/ so that what
 * an attack does to it (an exit, an out-of-memory abort, a blocked loop) cannot take the test runner
 * with it. argv[2] is JSON: `{ server?: ServerOptions }` (the static dir defaults to ./fixtures).
 *
 * It talks to the test over the fork IPC channel: first `{ type: 'ready', url }`, then one reply per
 * request `{ id, cmd, ... }` (see `commands` below). Memory is read by the test from /proc, not from
 * here: a child whose loop is blocked cannot answer, and that is exactly when memory matters.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createMain, createServer } from '../../dist/main.js';

const MAX_LOG_LINES = 2000;
const options = JSON.parse(process.argv[2] ?? '{}');

/** What main logged, as text: the tests look for coded reasons in it. */
const logLines = [];
function record(level, args) {
  if (logLines.length >= MAX_LOG_LINES) logLines.shift();
  logLines.push(`${level}: ${args.map(describe).join(' ')}`);
}
function describe(value) {
  if (value instanceof Error) return `${value.code ?? value.name}: ${value.message}`;
  return typeof value === 'string' ? value : String(value);
}

/** A structured log call as the words it would print: the message, then the error. */
const line = (fields, message) => (fields.err === undefined ? [message] : [message, fields.err]);

const main = createMain({
  logger: {
    warn: (fields, message) => record('warn', line(fields, message)),
    error: (fields, message) => record('error', line(fields, message)),
  },
  ...options.main,
});
const { ipcMain, webContents } = main;

const counters = { syncHold: 0, sink: 0 };
/** How long main's own loop was held up (a diagnostic next to the renderer's round trips). */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
/** `'ipc-message-dropped'` events, by WebContents id. */
const dropped = [];

ipcMain.handle('echo', (_event, value) => value);
ipcMain.handle('whoami', (event) => event.sender.id);
ipcMain.handle('reply-of-size', (_event, bytes) => 'x'.repeat(bytes));
ipcMain.on('sink', () => {
  counters.sink++;
});
// A sync request main takes and never answers: the request stays in flight until its deadline.
ipcMain.on('sync-hold', () => {
  counters.syncHold++;
});
ipcMain.on('startup-sync', (event, value) => {
  event.returnValue = `startup ${value}`;
});

const server = await createServer({
  main,
  static: fileURLToPath(new URL('./fixtures/', import.meta.url)),
  ...options.server,
});
server.on('web-contents-created', (contents) => {
  contents.on('ipc-message-dropped', (...args) =>
    dropped.push({ id: contents.id, args: args.map(describe) }),
  );
});

/** A broadcast as an application writes it: a plain loop, no try/catch around each send. */
function broadcastOnce(channel, payload) {
  const sentTo = [];
  for (const contents of webContents.getAllWebContents()) {
    contents.send(channel, payload);
    sentTo.push(contents.id);
  }
  return sentTo;
}

const commands = {
  stats: () => ({ ...counters, webContents: webContents.getAllWebContents().map((c) => c.id) }),
  logs: () => ({ lines: logLines }),
  dropped: () => ({ dropped }),
  /** A full GC, then what main still holds (heap and buffers) next to its resident set. */
  gc: () => {
    globalThis.gc?.();
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    return { rss, heapUsed, external, arrayBuffers };
  },
  rss: () => ({ rss: process.memoryUsage().rss }),
  /** The longest loop delay (ms) since the last call. */
  loopDelay: () => {
    const maxMs = Math.round(loopDelay.max / 1e6);
    loopDelay.reset();
    return { maxMs };
  },
  /** One plain broadcast loop; reports where it got to, and what it threw if it stopped. */
  broadcastOnce: ({ bytes }) => {
    const sentTo = [];
    try {
      for (const contents of webContents.getAllWebContents()) {
        contents.send('news', new Uint8Array(bytes));
        sentTo.push(contents.id);
      }
      return { sentTo, threw: null };
    } catch (error) {
      return { sentTo, threw: describe(error) };
    }
  },
  /** `count` broadcasts of `bytes` each, one every `intervalMs`; answers when the last is sent. */
  broadcast: ({ bytes, count, intervalMs }) =>
    new Promise((resolve) => {
      let sent = 0;
      const payload = new Uint8Array(bytes);
      const timer = setInterval(() => {
        broadcastOnce('news', payload);
        if (++sent === count) {
          clearInterval(timer);
          resolve({ sent });
        }
      }, intervalMs);
    }),
};

process.on('message', async (request) => {
  const command = commands[request.cmd];
  const reply = command ? await command(request) : { error: `unknown command ${request.cmd}` };
  process.send?.({ id: request.id, ...reply });
});
process.send?.({ type: 'ready', url: server.url });
