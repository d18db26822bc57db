// The Node-client scenarios, shared by the three variants (ipc-anywhere, raw ws, socket.io). Each
// variant file is both the server (main; the process the suite starts) and, with role `client`, the
// Node client process the server starts. The client measures and reports; the server relays it.
import { largePayload } from '../codec-payloads.mjs';
import { medianOfPasses, oneWay, roundTrips, SMALL_TEXT, smallObject } from '../suite/drive.mjs';
import { report, runNode } from '../suite/proc.mjs';
import { sizes } from '../suite/sizes.mjs';

export const quick = process.argv.includes('--quick');
const [, , roleArg, scenarioArg, urlArg] = process.argv;
export const role = roleArg;
export const scenario = scenarioArg;
export const clientUrl = urlArg;

const yieldTask = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Server side: starts this file as the client against `url`, relays its result and exits. For the
 * memory scenario, `onReady(child)` measures once every client is connected and then lets it go.
 */
export async function serveOneClient(file, url, { onWarm, onReady } = {}) {
  const args = ['client', scenario, url];
  if (quick) args.push('--quick');
  const result = await runNode(file, args, {
    timeoutMs: quick ? 30_000 : 120_000,
    onLine: (line, child) => {
      if (line === '@@warm' && onWarm) {
        onWarm();
        child.stdin.write('go\n');
      }
      if (line === '@@ready' && onReady)
        onReady().then((measured) => {
          memoryResult = measured;
          child.stdin.write('done\n');
        });
    },
  });
  report(memoryResult ?? result);
}
let memoryResult;

/**
 * Client side. `api`: `connect()`, `send(i)`, `sendObject(value)`, `sendBinary(bytes)`, `begin()`, `finish(n)`,
 * `roundTrip(i)`, `invokeBig(value)`, `connectIdle()` (one more connection, resolved once it made one
 * round trip) and `close()`.
 */
export async function runClient(api) {
  const size = sizes(quick);
  let result;
  if (scenario === 'memory') {
    const clients = [];
    const connect = async (count) => {
      for (let i = 0; i < count; i += 50) {
        const batch = [];
        for (let j = i; j < Math.min(count, i + 50); j++) batch.push(api.connectIdle());
        clients.push(...(await Promise.all(batch)));
      }
    };
    const nextLine = () => new Promise((resolve) => process.stdin.once('data', resolve));
    // Warm-up connections first, so that what the server compiles or caches once is not counted.
    await connect(size.memory.warmup);
    process.stdout.write('@@warm\n');
    await nextLine();
    await connect(size.memory.clients);
    process.stdout.write('@@ready\n');
    await nextLine();
    for (const client of clients) client.close();
    report({ clients: clients.length });
    process.exit(0);
  }
  await api.connect();
  switch (scenario) {
    case 'send':
    case 'sendObject': {
      const { burst, maxCount, maxMs, passes } = size.oneWay;
      const send = scenario === 'send' ? api.send : (i) => api.sendObject(smallObject(i));
      result = await medianOfPasses(
        passes,
        (warm) =>
          oneWay({
            send,
            begin: api.begin,
            finish: api.finish,
            yieldTask,
            burst,
            maxCount: warm ? maxCount / 4 : maxCount,
            maxMs: warm ? maxMs / 2 : maxMs,
          }),
        'perSecond',
      );
      break;
    }
    case 'binary': {
      const { burst, maxCount, maxMs, passes, bytes } = size.binary;
      const payload = new Uint8Array(bytes);
      for (let i = 0; i < bytes; i++) payload[i] = (i * 31) & 255;
      const pass = await medianOfPasses(
        passes,
        (warm) =>
          oneWay({
            send: () => api.sendBinary(payload),
            begin: api.begin,
            finish: api.finish,
            yieldTask,
            burst,
            maxCount: warm ? maxCount / 4 : maxCount,
            maxMs: warm ? maxMs / 2 : maxMs,
          }),
        'perSecond',
      );
      result = { ...pass, mbPerSecond: (pass.perSecond * bytes) / 1e6 };
      break;
    }
    case 'invoke':
      result = await roundTrips((i) => api.roundTrip(i, SMALL_TEXT), size.roundTrip);
      break;
    case 'object': {
      const value = largePayload();
      const bytes = JSON.stringify(value).length;
      const rt = await roundTrips(() => api.invokeBig(value), size.bigObject);
      result = { ...rt, jsonBytes: bytes, p50Ms: rt.p50 / 1000 };
      break;
    }
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
  await api.close();
  report(result);
  process.exit(0);
}

/** Server-side memory of idle connections: call before and after they connect. */
export function memorySnapshot() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.external, rss: usage.rss };
}

/**
 * Waits `ms`, then measures; per-client bytes of heap + external memory (and RSS, for information)
 * since `before` (taken once the warm-up clients were connected).
 */
export async function idleMemory(before, clients, ms = quick ? 100 : 1_000) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = memorySnapshot();
  const heapAndExternal = after.heap + after.external - (before.heap + before.external);
  return {
    clients,
    bytesPerClient: heapAndExternal / clients,
    heapPerClient: (after.heap - before.heap) / clients,
    externalPerClient: (after.external - before.external) / clients,
    rssPerClient: (after.rss - before.rss) / clients,
  };
}
