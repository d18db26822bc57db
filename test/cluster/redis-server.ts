import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, redisServerArgs, redisServerBinary, waitForRedis } from '../../scripts/redis-server.mjs';

/*
 * A real Redis for the cluster tests: Debian's `redis-server` on a free loopback port, nothing saved to
 * disk, in a temporary directory; stopped (and restarted, for outage tests) by the test. A machine
 * without redis-server fails the tests that need it, with what to install: `.ci/run` installs it.
 */

const READY_TIMEOUT_MS = 10_000;

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
    const child = spawn(this.binary, redisServerArgs(this.port, this.dir), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
      await waitForRedis(this.port, READY_TIMEOUT_MS, () => this.#exited);
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
