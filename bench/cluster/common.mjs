// The cluster scenarios (issue 16), shared by ipc-anywhere/redis and socket.io + @socket.io/redis-adapter.
// The variant process is main process A (with its renderers' Node clients); it starts a redis-server on
// a free loopback port and main process B (the same file, role `peer`), joined to A through that Redis.
//
//   send    A sends to a renderer connected to B: `webContents.fromId(id).send('m', i, 'hello')` /
//           `io.to(socketId).emit('m', i, 'hello')`, bursts of 100 per task; messages/s until the
//           renderer has all of them (at most WINDOW in flight, for both variants)
//   sendTo  a renderer of A sends to a renderer of B, which answers the same way; round trip p50
//           (`ipcRenderer.sendTo` / a `relay` event the server forwards with `io.to(id).emit`)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, redisServerArgs, redisServerBinary, waitForRedis } from '../../scripts/redis-server.mjs';
import { medianOfPasses, oneWay, roundTrips, SMALL_TEXT } from '../suite/drive.mjs';
import { report, spawnGroup } from '../suite/proc.mjs';
import { sizes } from '../suite/sizes.mjs';

export const quick = process.argv.includes('--quick');
export const [, , role, peerRedisUrl, peerPrefix] = process.argv;

/** Messages sent and not yet received, at most: the sender waits beyond it (both variants alike). */
const WINDOW = 20_000;

const yieldTask = () => new Promise((resolve) => setImmediate(resolve));

/** Starts redis-server (its own process group, killed with the bench) on a free loopback port. */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'ipc-anywhere-bench-redis-'));
  const port = await freePort();
  const { kill } = spawnGroup(redisServerBinary(), redisServerArgs(port, dir), { stdio: 'ignore' });
  await waitForRedis(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    prefix: `bench-${randomBytes(4).toString('hex')}`,
    stop() {
      kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts main process B (`file peer <redisUrl> <prefix>`); resolves with the URL it listens on. */
export function startPeer(file, redis) {
  const { child } = spawnGroup(process.execPath, [file, 'peer', redis.url, redis.prefix], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = /@@listening (\S+)\n/.exec(buffered);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`the peer main process exited (${code}) before listening`)),
    );
  });
}

/** For the peer: says where it listens, and exits when its parent goes (stdin closes). */
export function peerListening(url) {
  process.stdout.write(`@@listening ${url}\n`);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

/** Counts arrivals on one receiver and lets the sender wait for a count. */
export function counter() {
  let received = 0;
  let waiter;
  return {
    hit() {
      received++;
      if (waiter && received >= waiter.count) {
        const { resolve } = waiter;
        waiter = undefined;
        resolve();
      }
    },
    get received() {
      return received;
    },
    reset() {
      received = 0;
    },
    until(count) {
      return received >= count ? Promise.resolve() : new Promise((resolve) => (waiter = { count, resolve }));
    },
  };
}

/**
 * Runs the scenario and reports. `send(i)`: A sends message i to the renderer of B, whose arrivals
 * `arrivals` counts; `roundTrip(i)`: one sendTo round trip between the renderers.
 */
export async function measure(scenario, { send, arrivals, roundTrip }) {
  const size = sizes(quick);
  let result;
  if (scenario === 'send') {
    const { burst, maxCount, maxMs, passes } = size.oneWay;
    let sent = 0;
    result = await medianOfPasses(
      passes,
      (warm) =>
        oneWay({
          send: (i) => {
            sent = i + 1;
            send(i);
          },
          begin: () => {
            sent = 0;
            arrivals.reset();
          },
          finish: (count) => arrivals.until(count),
          yieldTask,
          burst,
          backlogFull: () => sent - arrivals.received > WINDOW,
          maxCount: warm ? maxCount / 4 : maxCount,
          maxMs: warm ? maxMs / 2 : maxMs,
        }),
      'perSecond',
    );
  } else if (scenario === 'sendTo') {
    result = await roundTrips((i) => roundTrip(i), size.roundTrip);
  } else {
    throw new Error(`unknown cluster scenario ${scenario}`);
  }
  report(result);
}

export { SMALL_TEXT };
