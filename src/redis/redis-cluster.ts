import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Cluster, ClusterMember, ClusterRenderer } from '../core/main/cluster-link.js';
import type { Logger } from '../core/main/logger.js';
import { IpcError, IpcErrorCode, isIpcError } from '../protocol/errors.js';
import { DEFAULT_LIMITS } from '../protocol/limits.js';
import { BatchWriter, readBatch } from './cluster-wire.js';
import { FALLBACK_IDS, IdBlocks } from './id-blocks.js';
import { Inbox } from './inbox.js';
import { Membership } from './membership.js';
import { type RedisClusterOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { RedisLink } from './redis-link.js';

/** Drops and lost batches are logged at most this often, with counts. */
const LOSS_LOG_INTERVAL_MS = 5_000;

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
  readonly #shared: BatchWriter;
  readonly #direct = new Map<string, BatchWriter>();
  readonly #sharedChannel: string;
  #member: ClusterMember | undefined;
  #membership: Membership | undefined;
  #inbox: Inbox | undefined;
  #logger: Logger;
  /** This process's membership changes so far (see cluster-wire.ts). */
  #seq = 0;
  #flushQueued = false;
  /** Bytes handed to Redis and not yet acknowledged, plus those in batches not yet published. */
  #inFlightBytes = 0;
  #pendingBytes = 0;
  #downSince: number | undefined = Date.now();
  #everUp = false;
  #closed = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lost = 0;
  #lostLoggedAt = Number.NEGATIVE_INFINITY;
  #fallbackWarned = false;
  /** The highest WebContents id of another process heard of (see {@link RedisLink.reserve}). */
  #highestId = 0;
  readonly #idsKey: string;
  /** `executeJavaScript` calls waiting for another process's answer, by call number. */
  readonly #calls = new Map<number, PendingCall>();
  #nextCall = 1;

  constructor(options: RedisClusterOptions = {}) {
    super();
    this.#options = resolveOptions(options);
    this.#logger = this.#options.logger ?? consoleFallback;
    const prefix = this.#options.prefix;
    this.#sharedChannel = `${prefix}:all`;
    this.#idsKey = `${prefix}:ids`;
    this.#shared = new BatchWriter(this.nodeId);
    this.#link = new RedisLink(
      {
        url: this.#options.url,
        channels: [this.#sharedChannel, this.#channelOf(this.nodeId)],
        pingInterval: this.#options.heartbeatInterval,
      },
      {
        message: (bytes) => this.#received(bytes),
        up: () => this.#linkUp(),
        down: (cause) => this.#linkDown(cause),
      },
    );
    this.#ids = new IdBlocks(
      this.#options.idBlockSize,
      (size) => this.#link.reserve(this.#idsKey, size, this.#idFloor()),
      (error) => this.#logger.warn('ipc-anywhere: could not reserve WebContents ids in Redis:', error),
    );
    this.ready = this.#start();
    // Whoever awaits `ready` sees its failure; nobody else should get an unhandled rejection.
    this.ready.catch((error) =>
      this.#logger.error('ipc-anywhere: the Redis cluster could not start:', error),
    );
  }

  async #start(): Promise<void> {
    await this.#link.start();
    // The first block of ids; Redis may drop between the subscription and the INCRBY.
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
      (node) => {
        this.#directTo(node).sync();
        this.#queueFlush();
      },
      this.#options.heartbeatInterval,
    );
    this.#inbox = new Inbox(member, this.#membership, {
      snapshotWanted: () => this.#publishSnapshot(),
      nodeLeft: (node) => {
        this.#endCalls(node, closed(node));
        this.emit('node-gone', node, 'bye');
      },
      answer: (node, call, ok, value) => this.#answer(node, call, ok, value),
      settle: (node, call, ok, value, errorCode) => this.#settle(node, call, ok, value, errorCode),
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
        'ipc-anywhere: a renderer connected before the Redis cluster had ids to give (await cluster.ready before listening); it got a random id.',
      );
    }
    return FALLBACK_IDS + Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - FALLBACK_IDS));
  }

  announceJoin(renderer: ClusterRenderer): void {
    this.#seq++;
    if (!this.#link.isUp) return;
    this.#shared.join(this.#seq, renderer);
    this.#queueFlush();
  }

  announceLeave(id: number): void {
    this.#seq++;
    if (!this.#link.isUp) return;
    this.#shared.leave(this.#seq, id);
    this.#queueFlush();
  }

  send(node: string, targetId: number, channel: string, args: unknown[], senderId: number): void {
    this.#checkCanSend();
    const batch = this.#directTo(node);
    const before = batch.length;
    batch.send(targetId, senderId, channel, args);
    this.#pendingBytes += batch.length - before;
    this.#queueFlush();
  }

  closeRenderer(node: string, id: number): void {
    this.#checkCanSend();
    this.#directTo(node).close(id);
    this.#queueFlush();
  }

  executeJavaScript(node: string, id: number, code: string, userGesture: boolean): Promise<unknown> {
    try {
      this.#checkCanSend();
    } catch (error) {
      return Promise.reject(error);
    }
    const call = this.#nextCall++;
    this.#directTo(node).call(call, id, code, userGesture);
    this.#queueFlush();
    return new Promise((resolve, reject) => this.#calls.set(call, { node, resolve, reject }));
  }

  #answer(node: string, call: number, ok: boolean, value: unknown): void {
    if (!this.#link.isUp) return; // the caller hears of the outage and gives up on its own
    const batch = this.#directTo(node);
    const errorCode = ok ? '' : isIpcError(value) ? value.code : '';
    try {
      batch.result(call, ok, value, errorCode);
    } catch (error) {
      // A result that cannot be cloned rejects the call with that error, as it would locally.
      batch.result(call, false, error, isIpcError(error) ? error.code : '');
    }
    this.#queueFlush();
  }

  #settle(node: string, call: number, ok: boolean, value: unknown, errorCode: string): void {
    const pending = this.#calls.get(call);
    if (!pending || pending.node !== node) return;
    this.#calls.delete(call);
    if (ok) pending.resolve(value);
    else pending.reject(errorOf(value, errorCode));
  }

  /** Rejects the calls waiting for `node` (every call when `node` is undefined). */
  #endCalls(node: string | undefined, error: IpcError): void {
    for (const [call, pending] of this.#calls) {
      if (node !== undefined && pending.node !== node) continue;
      this.#calls.delete(call);
      pending.reject(error);
    }
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
      this.#shared.bye();
      await this.#flush().catch(() => {});
    }
    for (const node of this.#membership?.nodes ?? []) this.#membership?.gone(node);
    this.#endCalls(undefined, unavailable('The Redis cluster was closed.'));
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
    if (this.#inFlightBytes + this.#pendingBytes > this.#options.maxBufferedBytes) {
      throw unavailable(
        `More than maxBufferedBytes (${this.#options.maxBufferedBytes}) wait to be published to Redis.`,
      );
    }
  }

  #directTo(node: string): BatchWriter {
    let batch = this.#direct.get(node);
    if (!batch) this.#direct.set(node, (batch = new BatchWriter(this.nodeId)));
    return batch;
  }

  #channelOf(node: string): string {
    return `${this.#options.prefix}:node:${node}`;
  }

  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      this.#flush().catch(() => {});
    });
  }

  /** Publishes every batch built since the last flush: membership first, then each process's own. */
  #flush(): Promise<unknown> {
    const published: Promise<unknown>[] = [];
    const shared = this.#shared.count;
    const sharedBytes = this.#shared.take();
    if (sharedBytes) published.push(this.#publish(this.#sharedChannel, sharedBytes, shared));
    for (const [node, batch] of this.#direct) {
      const count = batch.count;
      const bytes = batch.take();
      if (bytes) published.push(this.#publish(this.#channelOf(node), bytes, count));
      // A process that got nothing in a whole heartbeat interval does not keep a writer here.
      else this.#direct.delete(node);
    }
    this.#pendingBytes = 0;
    return Promise.all(published);
  }

  #publish(channel: string, bytes: Uint8Array, records: number): Promise<void> {
    const size = bytes.byteLength;
    this.#inFlightBytes += size;
    return this.#link.publish(channel, bytes).then(
      (receivers) => {
        this.#inFlightBytes -= size;
        if (receivers === 0 && channel !== this.#sharedChannel)
          this.#reportLoss(
            records,
            'nobody is subscribed to its channel (that process is gone or reconnecting)',
          );
      },
      (error: unknown) => {
        this.#inFlightBytes -= size;
        this.#reportLoss(records, `Redis refused it (${String(error)})`);
      },
    );
  }

  #reportLoss(records: number, why: string): void {
    this.#lost += records;
    const now = Date.now();
    if (now - this.#lostLoggedAt < LOSS_LOG_INTERVAL_MS) return;
    this.#lostLoggedAt = now;
    this.#logger.warn(
      `ipc-anywhere: ${this.#lost} cluster record(s) were lost on the way to other main processes: ${why}.`,
    );
    this.#lost = 0;
  }

  #received(bytes: Uint8Array): void {
    const inbox = this.#inbox;
    if (!inbox || this.#closed) return;
    inbox.now = Date.now();
    try {
      readBatch(bytes, (from) => (from === this.nodeId ? undefined : inbox.from(from)), DEFAULT_LIMITS);
    } catch (error) {
      this.#logger.error('ipc-anywhere: dropped a malformed message from the Redis cluster:', error);
    }
  }

  #hello(): void {
    const member = this.#member;
    if (!member) return;
    this.#shared.hello(this.#seq, member.localRenderers());
    this.#queueFlush();
  }

  #publishSnapshot(): void {
    const member = this.#member;
    if (!member || !this.#link.isUp) return;
    this.#shared.snapshot(this.#seq, member.localRenderers());
    this.#queueFlush();
  }

  #tick(): void {
    const membership = this.#membership;
    if (!membership || !this.#link.isUp) return;
    this.#shared.heartbeat(this.#seq);
    this.#queueFlush();
    for (const node of membership.expire(Date.now(), this.#options.heartbeatTimeout)) {
      this.#logger.warn(
        `ipc-anywhere: main process ${node} sent no heartbeat for ${this.#options.heartbeatTimeout} ms; its renderers are gone.`,
      );
      this.#endCalls(node, closed(node));
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
      this.#logger.warn(`ipc-anywhere: reconnected to Redis after ${downtimeMs} ms.`);
      // Redis may have come back without the id counter: put it back above every id in use.
      this.#link
        .reserve(this.#idsKey, 0, this.#idFloor())
        .catch((error) =>
          this.#logger.warn('ipc-anywhere: could not restore the WebContents id counter:', error),
        );
    }
    this.#hello();
    void this.#ids.refill();
    this.emit('up', { downtimeMs });
  }

  #linkDown(cause: Error): void {
    this.#downSince = Date.now();
    const error = unavailable(`This process lost its connection to Redis: ${cause.message}`, cause);
    this.#logger.warn(
      `ipc-anywhere: [${error.code}] ${error.message} Messages for other main processes are dropped until it is back.`,
    );
    // Their answers may be lost with the connection: nobody should wait for them.
    this.#endCalls(undefined, error);
    this.emit('down', error);
  }
}

/** Logs to `console` until the cluster is attached to a main (whose logger it then uses). */
const consoleFallback: Logger = {
  warn: (...args) => console.warn(...args),
  error: (...args) => console.error(...args),
};

interface PendingCall {
  readonly node: string;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

function closed(node: string): IpcError {
  return new IpcError(IpcErrorCode.Closed, `Main process ${node} left the cluster before it answered.`);
}

/** The error an answer carries: ours keep their code (structured clone keeps only name, message, stack). */
function errorOf(value: unknown, errorCode: string): unknown {
  if (errorCode === '' || !(value instanceof Error)) return value;
  const error = new IpcError(errorCode as IpcErrorCode, value.message);
  if (value.stack !== undefined) error.stack = value.stack;
  return error;
}

function unavailable(message: string, cause?: unknown): IpcError {
  return new IpcError(IpcErrorCode.ClusterUnavailable, message, cause === undefined ? undefined : { cause });
}
