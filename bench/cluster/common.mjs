// The cluster scenarios (issue 16), shared by ipc-anywhere/redis and socket.io + @socket.io/redis-adapter.
// The variant process is main process A (with its renderers' Node clients); it starts a redis-server on
// a free loopback port and main process B (the same file, role `peer`), joined to A through that Redis.
//
//   send    A sends to a renderer connected to B: `webContents.fromId(id).send('m', i, 'hello')` /
//           `io.to(socketId).emit('m', i, 'hello')`, bursts of 100 per task; messages/s until the
//           renderer has all of them (at most WINDOW in flight, for both variants)
//   sendTo  a renderer of A sends to a renderer of B, which answers the same way; round trip p50
//           (`ipcRenderer.sendTo` / a `relay` event the server forwards with `io.to(id).emit`)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { medianOfPasses, oneWay, roundTrips, SMALL_TEXT } from '../suite/drive.mjs';
import { report, spawnGroup } from '../suite/proc.mjs';
import { sizes } from '../suite/sizes.mjs';

export const quick = process.argv.includes('--quick');
export const [, , role, peerRedisUrl, peerPrefix] = process.argv;

/** Messages sent and not yet received, at most: the sender waits beyond it (both variants alike). */
const WINDOW = 20_000;

const yieldTask = () => new Promise((resolve) => setImmediate(resolve));

function redisBinary() {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('bench: the cluster scenarios need redis-server (apt-get install -y redis-server).');
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function pong(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let text = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n')) done(text.startsWith('+PONG'));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

/** Starts redis-server (its own process group, killed with the bench) on a free loopback port. */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'ipc-anywhere-bench-redis-'));
  const port = await freePort();
  const { kill } = spawnGroup(
    redisBinary(),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!(await pong(port))) {
    if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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
