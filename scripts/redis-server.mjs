// Debian's redis-server for the cluster tests and benchmarks (issue 16): on a free loopback port, with
// nothing saved to disk, in a directory of its own. The callers start and stop the process (the bench
// in a process group of its own); this module finds the binary and a port and says when it answers.
import { execFileSync } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** The redis-server on PATH; throws, saying what to install, when there is none. */
export function redisServerBinary() {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'redis-server is missing: the cluster tests and benchmarks need a real Redis (apt-get install -y redis-server; .ci/run installs it).',
    );
  }
}

/** The arguments of a throwaway redis-server on 127.0.0.1:`port` working in `dir`. */
export function redisServerArgs(port, dir) {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
}

/** A free TCP port on 127.0.0.1 (free when asked; the server takes it right after). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Whether something on 127.0.0.1:`port` answers PING with PONG within half a second. */
function answersPing(port) {
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

/**
 * Resolves once redis-server on `port` answers; rejects after `timeoutMs`, or as soon as `exited()`
 * says the process is gone.
 */
export async function waitForRedis(port, timeoutMs = 10_000, exited = () => false) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`redis-server on port ${port} exited while starting`);
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}
