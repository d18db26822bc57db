import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * A real Redis for the cluster tests: Debian's `redis-server` on a free loopback port, nothing saved to
 * disk, in a temporary directory; stopped (and restarted, for outage tests) by the test. A machine
 * without redis-server fails the tests that need it, with what to install: `.ci/run` installs it.
 */

const READY_TIMEOUT_MS = 10_000;

/** The redis-server binary on PATH; throws, saying what to install, when there is none. */
export function redisServerBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'redis-server is missing: the cluster tests need a real Redis (apt-get install -y redis-server; .ci/run installs it).',
    );
  }
}

/** A free TCP port on 127.0.0.1 (free when asked; the server takes it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves once something on `port` answers PING with PONG; rejects after `timeoutMs`. */
async function waitForPong(port: number, timeoutMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`redis-server on port ${port} exited while starting`);
    const answered = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      let text = '';
      const done = (ok: boolean) => {
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
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

export class RedisServer {
  #child: ChildProcess | undefined;
  #exited = true;
  #output = '';
  readonly dir = mkdtempSync(join(tmpdir(), 'ipc-anywhere-redis-'));

  private constructor(
    readonly binary: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on a free loopback port. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(redisServerBinary(), await freePort());
    await server.restart();
    return server;
  }

  /** What redis-server printed (for failure messages). */
  output(): string {
    return this.#output.slice(-2000);
  }

  /** Starts it again on the same port (after {@link stop} or {@link kill}). */
  async restart(): Promise<void> {
    if (!this.#exited) throw new Error('redis-server is still running');
    const child = spawn(
      this.binary,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    this.#exited = false;
    child.once('exit', () => {
      if (this.#child === child) this.#exited = true;
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.#output = (this.#output + chunk).slice(-8000);
      });
    }
    try {
      await waitForPong(this.port, READY_TIMEOUT_MS, () => this.#exited);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n${this.output()}`);
    }
  }

  /** Ends it abruptly (as a crash would) and waits until it is gone. */
  kill(): Promise<void> {
    return this.#end('SIGKILL');
  }

  /** Stops it and removes its directory. */
  async stop(): Promise<void> {
    await this.#end('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }

  #end(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || this.#exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      child.once('exit', () => {
        clearTimeout(timer);
        this.#exited = true;
        resolve();
      });
      child.kill(signal);
    });
  }
}
