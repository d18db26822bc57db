import type { RedisClientType } from 'redis';
import { IpcError, IpcErrorCode } from '../protocol/errors.js';

/** What the link reports to the cluster. */
export interface RedisLinkEvents {
  /** A batch published on one of the subscribed channels. */
  message(bytes: Uint8Array): void;
  /** Both connections are ready and subscribed (again). */
  up(): void;
  /** A connection was lost; node-redis is reconnecting. */
  down(cause: Error): void;
  /** Redis cannot be reached while the link is down (node-redis keeps trying). */
  failing(cause: Error): void;
}

export interface RedisLinkOptions {
  readonly url: string | undefined;
  readonly channels: readonly string[];
  /** How often an idle connection is checked with PING (ms): a dead link is noticed within it. */
  readonly pingInterval: number;
}

/** `reserve`: max(counter, floor) + size, stored and returned. */
const RESERVE_SCRIPT = `local value = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[2])) + tonumber(ARGV[1])
redis.call('SET', KEYS[1], value)
return value`;

/** The longest wait between two reconnection attempts (ms). */
const MAX_RECONNECT_DELAY_MS = 1_000;

/**
 * The two Redis connections a process needs (pub/sub takes a connection over): one publishes and runs
 * commands, one is subscribed. Commands are refused at once while the link is down (no offline queue:
 * the cluster reports the outage instead of piling messages up).
 */
export class RedisLink {
  #pub: RedisClientType | undefined;
  #sub: RedisClientType | undefined;
  #up = false;
  #closed = false;

  constructor(
    private readonly options: RedisLinkOptions,
    private readonly events: RedisLinkEvents,
  ) {}

  get isUp(): boolean {
    return this.#up;
  }

  /** Connects and subscribes; resolves once the link is first up (node-redis retries until it is). */
  async start(): Promise<void> {
    let redis: typeof import('redis');
    try {
      redis = await import('redis');
    } catch (cause) {
      throw new IpcError(
        IpcErrorCode.InvalidArgument,
        "ipc-anywhere/redis needs the 'redis' package (node-redis 5 or 6): npm install redis",
        { cause },
      );
    }
    const pub = redis.createClient({
      ...(this.options.url !== undefined && { url: this.options.url }),
      disableOfflineQueue: true,
      pingInterval: this.options.pingInterval,
      socket: {
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
        connectTimeout: 5_000,
      },
    }) as unknown as RedisClientType;
    const sub = pub.duplicate();
    this.#pub = pub;
    this.#sub = sub;
    for (const client of [pub, sub]) {
      client.on('error', (error: Error) => this.#lost(error));
      client.on('end', () => this.#lost(new Error('The Redis connection closed.')));
      client.on('reconnecting', () => this.#lost(new Error('The Redis connection dropped; reconnecting.')));
      client.on('ready', () => this.#maybeUp());
    }
    await Promise.all([pub.connect(), sub.connect()]);
    await sub.subscribe(
      [...this.options.channels],
      (message: Buffer) => {
        this.events.message(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
      },
      true,
    );
    this.#subscribed = true;
    this.#maybeUp();
  }

  /** Subscriptions are made once; node-redis makes them again on each reconnection, before 'ready'. */
  #subscribed = false;

  /** Publishes; resolves with how many processes received it. Rejects at once while the link is down. */
  publish(channel: string, bytes: Uint8Array): Promise<number> {
    const pub = this.#pub;
    if (!pub || !this.#up) return Promise.reject(new Error('Redis is not connected.'));
    return pub.publish(
      channel,
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    ) as Promise<number>;
  }

  /**
   * Adds `size` to the counter at `key`, first raising it to `floor` when it is lower, and resolves with
   * its new value (atomically: one script). A Redis that restarted without persistence, or a replica
   * that took over, may have lost or rewound the counter; the floor (the highest id this process knows
   * of) keeps new ids above every id in use.
   */
  reserve(key: string, size: number, floor: number): Promise<number> {
    const pub = this.#pub;
    if (!pub || !this.#up) return Promise.reject(new Error('Redis is not connected.'));
    return pub
      .sendCommand(['EVAL', RESERVE_SCRIPT, '1', key, String(size), String(floor)])
      .then((reply) => Number(reply));
  }

  /** Closes both connections (what was published before is sent first). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#up = false;
    const clients = [this.#pub, this.#sub].filter((client) => client !== undefined);
    await Promise.all(
      clients.map((client) =>
        client.isOpen ? client.close().catch(() => client.destroy()) : Promise.resolve(client.destroy()),
      ),
    );
  }

  #maybeUp(): void {
    if (this.#closed || this.#up || !this.#subscribed) return;
    if (!this.#pub?.isReady || !this.#sub?.isReady) return;
    this.#up = true;
    this.events.up();
  }

  #lost(cause: Error): void {
    if (this.#closed) return;
    if (!this.#up) {
      this.events.failing(cause);
      return;
    }
    this.#up = false;
    this.events.down(cause);
  }
}
