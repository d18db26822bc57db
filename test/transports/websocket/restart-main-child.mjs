/*
 * A main process that the restart test kills and starts again, run as a child process (fork) from
 * dist/ so that SIGKILL ends it as a crash or a deploy would. argv[2] is JSON `{ port }`: every
 * incarnation listens on the same port, serving the fixtures next to this file.
 *
 * It talks to the test over the fork IPC channel (see test/hostile/forked.ts): first
 * `{ type: 'ready', url }`, then one reply per request `{ id, cmd }` (see `commands`).
 */
import { fileURLToPath } from 'node:url';
import { createMain, createServer } from '../../../dist/main.js';

const { port } = JSON.parse(process.argv[2] ?? '{}');

const main = createMain({ logger: { warn: () => {}, error: () => {} } });
const { ipcMain, webContents } = main;

/** Invokes of 'hang' that arrived: the test kills main only once the call it strands is here. */
let hanging = 0;

ipcMain.handle('whoami', (event) => event.sender.id);
ipcMain.handle('hang', () => {
  hanging += 1;
  return new Promise(() => {});
});

const server = await createServer({
  main,
  port,
  static: fileURLToPath(new URL('./fixtures/', import.meta.url)),
});

const commands = {
  stats: () => ({
    hanging,
    webContents: webContents.getAllWebContents().map((contents) => ({
      id: contents.id,
      url: contents.getURL(),
    })),
  }),
  /** A graceful shutdown: the pages see close code 1001. */
  close: async () => {
    const startedAt = Date.now();
    await server.close();
    return { startedAt, closedAt: Date.now() };
  },
};

process.on('message', async (request) => {
  const command = commands[request.cmd];
  const reply = command ? await command(request) : { error: `unknown command ${request.cmd}` };
  process.send?.({ id: request.id, ...reply });
});
process.send?.({ type: 'ready', url: server.url });
