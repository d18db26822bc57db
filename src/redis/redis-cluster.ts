import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Cluster, ClusterMember, ClusterRenderer } from '../core/main/cluster-link.js';
import { codeOf, type Logger, resolveLogger } from '../core/main/logger.js';
import { IpcError, IpcErrorCode } from '../protocol/errors.js';
import { DEFAULT_LIMITS } from '../protocol/limits.js';
import { readBatch } from './cluster-wire.js';
import { FALLBACK_IDS, IdBlocks } from './id-blocks.js';
import { Inbox } from './inbox.js';
import { Membership } from './membership.js';
import { type RedisClusterOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { Publisher } from './publisher.js';
import { RedisLink } from './redis-link.js';
import { nodeLeft, RemoteCalls, writeAnswer } from './remote-calls.js';

/** While Redis cannot be reached, the failure is logged at most this often. */
const FAILING_LOG_INTERVAL_MS = 10_000;

/**
 * The main processes that share one Redis (and one `prefix`) form a cluster: renderers connected to any
 * of them are listed, found and reached from every one (docs/scale-out.md). Give it to
 * `createMain({ cluster })`. Emits `'down'` `(error: IpcError)` when this process loses Redis (messages
 * for other processes' renderers are dropped meanwhile, with `ERR_IPC_CLUSTER_UNAVAILABLE`), `'up'`
 * `({ downtimeMs })` when it is connected (again), and `'node-gone'` `(nodeId, reason)` when another
 * process left (`'bye'`) or stopped answering (`'expired'`).
 */
export class RedisCluster extends EventEmitter implements Cluster {
  /** This process's name in the cluster (in logs and Redis channel names). */
  readonly nodeId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  /**
   * Resolves once this process is connected to Redis, subscribed, and holds cluster-unique ids: wait
   * for it before accepting renderers. Node-redis keeps retrying while Redis cannot be reached.
   */
  readonly ready: Promise<void>;
  readonly #options: ResolvedOptions;
  readonly #link: RedisLink;
  readonly #ids: IdBlocks;
  readonly #out: Publisher;
  readonly #calls = new RemoteCalls();
  #member: ClusterMember | undefined;
  #membership: Membership | undefined;
  #inbox: Inbox | undefined;
  #logger: Logger;
  /** This process's membership changes so far (see cluster-wire.ts). */
  #seq = 0;
  #downSince: number | undefined = Date.now();
  #everUp = false;
  #closed = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #fallbackWarned = false;
  #failingLoggedAt = Number.NEGATIVE_INFINITY;
  /** The highest WebContents id of another process heard of (see {@link RedisLink.reserve}). */
  #highestId = 0;
  readonly #idsKey: string;

  constructor(options: RedisClusterOptions = {}) {
    super();
    this.#options = resolveOptions(options);
    // `console` until the cluster is attached to a main, whose logger it then uses unless given one.
    this.#logger = resolveLogger(this.#options.logger);
    const prefix = this.#options.prefix;
    const sharedChannel = `${prefix}:all`;
    const channelOf = (node: string) => `${prefix}:node:${node}`;
    this.#idsKey = `${prefix}:ids`;
    this.#link = new RedisLink(
      {
        url: this.#options.url,
        channels: [sharedChannel, channelOf(this.nodeId)],
        pingInterval: this.#options.heartbeatInterval,
      },
      {
        message: (bytes) => this.#received(bytes),
        up: () => this.#linkUp(),
        down: (cause) => this.#linkDown(cause),
        failing: (cause) => this.#failing(cause),
      },
    );
    this.#out = new Publisher(this.nodeId, this.#link, sharedChannel, channelOf, () => this.#logger);
    this.#ids = new IdBlocks(
      this.#options.idBlockSize,
      (size) => this.#link.reserve(this.#idsKey, size, this.#idFloor()),
      (error) =>
        this.#logger.warn(
          { err: error, code: codeOf(error) ?? IpcErrorCode.ClusterUnavailable },
          'ipc-anywhere: could not reserve WebContents ids in Redis',
        ),
    );
    this.ready = this.#start();
    // Whoever awaits `ready` sees its failure; nobody else should get an unhandled rejection.
    this.ready.catch((error) =>
      this.#logger.error(
        { err: error, code: codeOf(error) ?? IpcErrorCode.ClusterUnavailable },
        'ipc-anywhere: the Redis cluster could not start',
      ),
    );
  }

  async #start(): Promise<void> {
    try {
      await this.#link.start();
    } catch (error) {
      if (this.#closed)
        throw unavailable('The Redis cluster was closed before it connected to Redis.', error);
      throw error;
    }
    // The first block of ids; Redis may drop between the subscription and the reservation.
    while (this.#ids.available === 0 && !this.#closed) {
      await this.#ids.refill();
      if (this.#ids.available === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Whether this process is connected to Redis now. */
  get isUp(): boolean {
    return this.#link.isUp;
  }

  /** The other processes heard from and not gone. */
  get nodes(): string[] {
    return this.#membership?.nodes ?? [];
  }

  attach(member: ClusterMember): void {
    if (this.#member) {
      throw new IpcError(
        IpcErrorCode.InvalidArgument,
        'This cluster already serves a main: call redisCluster() once per createMain().',
      );
    }
    this.#member = member;
    if (!this.#options.logger) this.#logger = member.logger;
    this.#membership = new Membership(
      member,
      (node) => this.#out.write(node, (batch) => batch.sync()),
      this.#options.heartbeatInterval,
    );
    this.#inbox = new Inbox(member, this.#membership, {
      snapshotWanted: () => this.#publishSnapshot(),
      nodeLeft: (node) => {
        this.#calls.end(node, nodeLeft(node));
        this.emit('node-gone', node, 'bye');
      },
      answer: (node, call, ok, value) => {
        // Without Redis the answer cannot go; the caller gives up when it hears of the outage.
        if (this.#link.isUp) this.#out.write(node, (batch) => writeAnswer(batch, call, ok, value));
      },
      settle: (node, call, ok, value, errorCode) => this.#calls.settle(node, call, ok, value, errorCode),
      sawId: (id) => {
        if (id > this.#highestId && id < FALLBACK_IDS) this.#highestId = id;
      },
    });
    this.#timer = setInterval(() => this.#tick(), this.#options.heartbeatInterval);
    this.#timer.unref?.();
    if (this.#link.isUp) this.#hello();
  }

  allocateId(): number {
    const id = this.#ids.take();
    if (id !== undefined) return id;
    // Only before `ready`, or after a long outage used up every reserved id: a random id far above the
    // counter's range, unique with overwhelming probability.
    if (!this.#fallbackWarned) {
      this.#fallbackWarned = true;
      this.#logger.warn(
        {},
        'ipc-anywhere: a renderer connected before the Redis cluster had ids to give (await cluster.ready before listening); it got a random id.',
      );
    }
    return FALLBACK_IDS + Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - FALLBACK_IDS));
  }

  announceJoin(renderer: ClusterRenderer): void {
    this.#seq++;
    if (!this.#link.isUp) return;
    this.#out.shared.join(this.#seq, renderer);
    this.#out.queue();
  }

  announceLeave(id: number): void {
    this.#seq++;
    if (!this.#link.isUp) return;
    this.#out.shared.leave(this.#seq, id);
    this.#out.queue();
  }

  send(node: string, targetId: number, channel: string, args: unknown[], senderId: number): void {
    this.#checkCanSend();
    this.#out.write(node, (batch) => batch.send(targetId, senderId, channel, args));
  }

  closeRenderer(node: string, id: number): void {
    this.#checkCanSend();
    this.#out.write(node, (batch) => batch.close(id));
  }

  executeJavaScript(node: string, id: number, code: string, userGesture: boolean): Promise<unknown> {
    try {
      this.#checkCanSend();
    } catch (error) {
      return Promise.reject(error);
    }
    const answer = this.#calls.start(this.#out.to(node), node, id, code, userGesture);
    this.#out.queue();
    return answer;
  }

  /**
   * Leaves the cluster: tells the other processes (their proxies of this one's renderers are destroyed
   * at once), forgets theirs here, and closes the Redis connections. Renderers connected here stay
   * connected; close them first (`main.closeAllRenderers()`) when the process is going away.
   */
  close(): Promise<void> {
    return this.#shutdown();
  }

  async #shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    if (this.#link.isUp) {
      this.#out.shared.bye();
      await this.#out.flush();
    }
    for (const node of this.#membership?.nodes ?? []) this.#membership?.gone(node);
    this.#calls.end(undefined, unavailable('The Redis cluster was closed.'));
    await this.#link.close();
  }

  /** No id in use is at or above it: ids reserved here, or seen on other processes. */
  #idFloor(): number {
    return Math.max(this.#highestId, this.#ids.highestReserved);
  }

  #checkCanSend(): void {
    if (this.#closed) throw unavailable('The Redis cluster was closed.');
    if (!this.#link.isUp) {
      const since = this.#downSince === undefined ? 0 : Date.now() - this.#downSince;
      throw unavailable(
        this.#everUp
          ? `This process lost its connection to Redis ${since} ms ago; messages for other main processes are dropped until it is back.`
          : 'This process is not connected to Redis yet (await cluster.ready).',
      );
    }
    if (this.#out.waitingBytes > this.#options.maxBufferedBytes) {
      throw unavailable(
        `More than maxBufferedBytes (${this.#options.maxBufferedBytes}) wait to be published to Redis.`,
      );
    }
  }

  #received(bytes: Uint8Array): void {
    const inbox = this.#inbox;
    if (!inbox || this.#closed) return;
    inbox.now = Date.now();
    try {
      readBatch(bytes, (from) => (from === this.nodeId ? undefined : inbox.from(from)), DEFAULT_LIMITS);
    } catch (error) {
      this.#logger.error(
        { err: error, code: codeOf(error) ?? IpcErrorCode.Decode },
        'ipc-anywhere: dropped a malformed message from the Redis cluster',
      );
    }
  }

  #hello(): void {
    const member = this.#member;
    if (!member) return;
    this.#out.shared.hello(this.#seq, member.localRenderers());
    this.#out.queue();
  }

  #publishSnapshot(): void {
    const member = this.#member;
    if (!member || !this.#link.isUp) return;
    this.#out.shared.snapshot(this.#seq, member.localRenderers());
    this.#out.queue();
  }

  #tick(): void {
    const membership = this.#membership;
    if (!membership || !this.#link.isUp) return;
    this.#out.shared.heartbeat(this.#seq);
    this.#out.queue();
    for (const node of membership.expire(Date.now(), this.#options.heartbeatTimeout)) {
      this.#logger.warn(
        { code: IpcErrorCode.ClusterUnavailable, node },
        `ipc-anywhere: main process ${node} sent no heartbeat for ${this.#options.heartbeatTimeout} ms; its renderers are gone.`,
      );
      this.#calls.end(node, nodeLeft(node));
      this.emit('node-gone', node, 'expired');
    }
  }

  #linkUp(): void {
    const downtimeMs = this.#downSince === undefined ? 0 : Date.now() - this.#downSince;
    const again = this.#everUp;
    this.#everUp = true;
    this.#downSince = undefined;
    // Nobody could be heard while this process was cut off: that silence is not theirs.
    this.#membership?.forgive(Date.now());
    if (again) {
      this.#logger.warn({ downtimeMs }, `ipc-anywhere: reconnected to Redis after ${downtimeMs} ms.`);
      // Redis may have come back without the id counter: put it back above every id in use.
      this.#link
        .reserve(this.#idsKey, 0, this.#idFloor())
        .catch((error) =>
          this.#logger.warn(
            { err: error, code: codeOf(error) ?? IpcErrorCode.ClusterUnavailable },
            'ipc-anywhere: could not restore the WebContents id counter',
          ),
        );
    }
    this.#hello();
    void this.#ids.refill();
    this.emit('up', { downtimeMs });
  }

  /** Attempts to reach Redis fail: said once per interval, so a wrong URL or a dead Redis shows. */
  #failing(cause: Error): void {
    const now = Date.now();
    if (now - this.#failingLoggedAt < FAILING_LOG_INTERVAL_MS) return;
    this.#failingLoggedAt = now;
    this.#logger.warn(
      { code: IpcErrorCode.ClusterUnavailable },
      `ipc-anywhere: cannot reach Redis (${cause.message}); node-redis keeps trying. Messages for other main processes are dropped meanwhile.`,
    );
  }

  #linkDown(cause: Error): void {
    this.#downSince = Date.now();
    const error = unavailable(`This process lost its connection to Redis: ${cause.message}`, cause);
    this.#logger.warn(
      { code: error.code },
      `ipc-anywhere: [${error.code}] ${error.message} Messages for other main processes are dropped until it is back.`,
    );
    // Their answers may be lost with the connection: nobody should wait for them.
    this.#calls.end(undefined, error);
    this.emit('down', error);
  }
}

function unavailable(message: string, cause?: unknown): IpcError {
  return new IpcError(IpcErrorCode.ClusterUnavailable, message, cause === undefined ? undefined : { cause });
}
