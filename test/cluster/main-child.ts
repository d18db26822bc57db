/*
 * One main process of the cluster tests, run as a child process (bundled from src/ by the test, see
 * cluster-harness.ts): a WebSocket server whose main joins the Redis cluster. argv[2] is JSON
 * `{ url, prefix, label, heartbeatInterval?, heartbeatTimeout? }`. It says `{ type: 'ready', url, nodeId }`
 * over the fork channel once Redis has given it ids, then answers `{ id, cmd, ...args }` requests.
 */
import { createMain, createServer, type WebContents } from '../../src/main.js';
import { redisCluster } from '../../src/redis.js';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  prefix: string;
  label: string;
  heartbeatInterval?: number;
  heartbeatTimeout?: number;
  idBlockSize?: number;
  /** For pages: the fixtures directory and the classic script built from the current sources. */
  static?: string;
  clientScript?: string;
};

const logLines: string[] = [];
const record = (level: string, args: unknown[]) => {
  if (logLines.length > 500) logLines.shift();
  logLines.push(
    `${level}: ${args.map((a) => (a instanceof Error ? `${(a as { code?: string }).code ?? a.name}: ${a.message}` : String(a))).join(' ')}`,
  );
};
/** A structured log call as the words it would print: the message, then the error. */
const line = (fields: { err?: unknown }, message: string) =>
  fields.err === undefined ? [message] : [message, fields.err];
const logger = {
  warn: (fields: { err?: unknown }, message: string) => record('warn', line(fields, message)),
  error: (fields: { err?: unknown }, message: string) => record('error', line(fields, message)),
};

const cluster = redisCluster({
  url: options.url,
  prefix: options.prefix,
  ...(options.heartbeatInterval !== undefined && { heartbeatInterval: options.heartbeatInterval }),
  ...(options.heartbeatTimeout !== undefined && { heartbeatTimeout: options.heartbeatTimeout }),
  ...(options.idBlockSize !== undefined && { idBlockSize: options.idBlockSize }),
});
const main = createMain({ logger, cluster });
const events: { type: string; at: number; code?: string; node?: string }[] = [];
cluster.on('down', (error: { code: string }) =>
  events.push({ type: 'down', at: Date.now(), code: error.code }),
);
cluster.on('up', () => events.push({ type: 'up', at: Date.now() }));
cluster.on('node-gone', (node: string, reason: string) =>
  events.push({ type: `node-gone:${reason}`, at: Date.now(), node }),
);

/** Proxies (or local WebContents) the test asked to watch, with what happened to them. */
const watched = new Map<number, { contents: WebContents; destroyedAt?: number; dropped: string[] }>();

const commands: Record<string, (args: Record<string, unknown>) => unknown> = {
  list: () =>
    main.webContents.getAllWebContents().map((contents) => ({
      id: contents.id,
      url: contents.getURL(),
      type: contents.getType(),
      destroyed: contents.isDestroyed(),
    })),
  nodes: () => cluster.nodes,
  send: ({ target, channel, args }) => {
    const contents = main.webContents.fromId(target as number);
    if (!contents) return { found: false };
    contents.send(channel as string, ...(args as unknown[]));
    return { found: true };
  },
  /** Values JSON cannot carry, to show that remote sends clone as local ones do. */
  sendRich: ({ target, channel }) => {
    const contents = main.webContents.fromId(target as number);
    if (!contents) return { found: false };
    const shared = { n: 1 };
    contents.send(
      channel as string,
      new Map<unknown, unknown>([
        [1, new Date(86_400_000)],
        ['k', new Set([1n, -0])],
      ]),
      new Uint8Array([1, 2, 3]),
      [shared, shared],
      new RangeError('boom'),
    );
    return { found: true };
  },
  broadcast: ({ channel, count }) => {
    const all = main.webContents.getAllWebContents();
    for (let i = 0; i < (count as number); i++) {
      for (const contents of all) contents.send(channel as string, options.label, i);
    }
    return { targets: all.length };
  },
  broadcastApi: ({ channel, count }) => {
    let targets = 0;
    for (let i = 0; i < (count as number); i++) targets = main.broadcast(channel as string, options.label, i);
    return { targets };
  },
  watch: ({ target }) => {
    const contents = main.webContents.fromId(target as number);
    if (!contents) return { found: false };
    const entry: { contents: WebContents; destroyedAt?: number; dropped: string[] } = {
      contents,
      dropped: [],
    };
    contents.once('destroyed', () => (entry.destroyedAt = Date.now()));
    contents.on('ipc-message-dropped', (error: { code: string }) => entry.dropped.push(error.code));
    watched.set(target as number, entry);
    return { found: true };
  },
  watched: ({ target }) => {
    const entry = watched.get(target as number);
    if (!entry) return { found: false };
    return {
      found: true,
      destroyed: entry.contents.isDestroyed(),
      destroyedAt: entry.destroyedAt,
      dropped: entry.dropped,
    };
  },
  /** Sends through a watched WebContents (still held after it left the lists). */
  sendWatched: ({ target, channel, args }) => {
    const entry = watched.get(target as number);
    if (!entry) return { found: false };
    entry.contents.send(channel as string, ...(args as unknown[]));
    return { found: true, dropped: entry.dropped };
  },
  execWatched: async ({ target }) => {
    const entry = watched.get(target as number);
    if (!entry) return { found: false };
    try {
      await entry.contents.executeJavaScript('1');
      return { found: true, ok: true };
    } catch (error) {
      return { found: true, ok: false, code: (error as { code?: string }).code };
    }
  },
  /** `executeJavaScript` on any renderer of the cluster, and how it settled. */
  exec: async ({ target, code }) => {
    const contents = main.webContents.fromId(target as number);
    if (!contents) return { found: false };
    try {
      return { found: true, ok: true, value: await contents.executeJavaScript(code as string) };
    } catch (error) {
      return { found: true, ok: false, code: (error as { code?: string }).code, message: String(error) };
    }
  },
  events: () => events,
  log: () => logLines,
  isUp: () => cluster.isUp,
  /** Leaves the cluster cleanly (its renderers stay connected here). */
  leave: () => cluster.close(),
};

main.ipcMain.handle('whoami', (event) => ({ id: event.sender.id, label: options.label }));
main.ipcMain.on('label', (event) => {
  event.returnValue = options.label;
});

const server = await createServer({
  main,
  ...(options.static !== undefined && { static: options.static }),
  ...(options.clientScript !== undefined && { clientScript: options.clientScript }),
});
await cluster.ready;
process.on('message', async (message: { id: number; cmd: string } & Record<string, unknown>) => {
  try {
    const result = await commands[message.cmd]!(message);
    process.send!({ id: message.id, ok: true, result });
  } catch (error) {
    process.send!({ id: message.id, ok: false, error: String(error) });
  }
});
process.send!({ type: 'ready', url: server.url, nodeId: cluster.nodeId });
