import type { Logger } from '../core/main/logger.js';
import { IpcErrorCode } from '../protocol/errors.js';
import { BatchWriter } from './cluster-wire.js';
import type { RedisLink } from './redis-link.js';

/** Lost records are logged at most this often, with a count. */
const LOSS_LOG_INTERVAL_MS = 5_000;

/**
 * What a process publishes: one batch for the shared channel and one per process it addresses, each
 * published as one PUBLISH on the microtask after its first record, and the bytes that wait for Redis
 * (in batches, or published and not yet acknowledged), which bound what may be sent.
 */
export class Publisher {
  /** Membership records, for every process. */
  readonly shared: BatchWriter;
  readonly #direct = new Map<string, BatchWriter>();
  #queued = false;
  #inFlightBytes = 0;
  #pendingBytes = 0;
  #lost = 0;
  #lostLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly nodeId: string,
    private readonly link: RedisLink,
    private readonly sharedChannel: string,
    private readonly channelOf: (node: string) => string,
    private readonly logger: () => Logger,
  ) {
    this.shared = new BatchWriter(nodeId);
  }

  /** Bytes that wait for Redis. */
  get waitingBytes(): number {
    return this.#inFlightBytes + this.#pendingBytes;
  }

  /** The batch for process `node`. */
  to(node: string): BatchWriter {
    let batch = this.#direct.get(node);
    if (!batch) this.#direct.set(node, (batch = new BatchWriter(this.nodeId)));
    return batch;
  }

  /** Writes with `write` into the batch for `node`, counting its bytes, and queues the flush. */
  write(node: string, write: (batch: BatchWriter) => void): void {
    const batch = this.to(node);
    const before = batch.length;
    write(batch);
    this.#pendingBytes += batch.length - before;
    this.queue();
  }

  /** Publishes what was written, on a microtask (everything written in this task goes at once). */
  queue(): void {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      void this.flush();
    });
  }

  /** Publishes every batch: membership first, then each process's own. Never rejects. */
  flush(): Promise<unknown> {
    const published: Promise<void>[] = [];
    const shared = this.shared.count;
    const sharedBytes = this.shared.take();
    if (sharedBytes) published.push(this.#publish(this.sharedChannel, sharedBytes, shared));
    for (const [node, batch] of this.#direct) {
      const count = batch.count;
      const bytes = batch.take();
      if (bytes) published.push(this.#publish(this.channelOf(node), bytes, count));
      // A process addressed once does not keep a writer here.
      else this.#direct.delete(node);
    }
    this.#pendingBytes = 0;
    return Promise.all(published);
  }

  #publish(channel: string, bytes: Uint8Array, records: number): Promise<void> {
    const size = bytes.byteLength;
    this.#inFlightBytes += size;
    return this.link.publish(channel, bytes).then(
      (receivers) => {
        this.#inFlightBytes -= size;
        if (receivers === 0 && channel !== this.sharedChannel) {
          this.#reportLoss(
            records,
            'nobody is subscribed to its channel (that process is gone or reconnecting)',
          );
        }
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
    this.logger().warn(
      { code: IpcErrorCode.ClusterUnavailable, lost: this.#lost },
      `ipc-anywhere: ${this.#lost} cluster record(s) were lost on the way to other main processes: ${why}.`,
    );
    this.#lost = 0;
  }
}
