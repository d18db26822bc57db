import { encodeFrame } from '../protocol/message-codec.js';

/**
 * Coalesces the messages queued in one task into one frame, flushed on a microtask: a lone message
 * leaves before any timer or I/O callback could run, and a burst costs one transport frame instead of
 * one per message. Frames never exceed `maxFrameBytes`, so the peer's frame limit holds.
 */
export class Outbox {
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private scheduled = false;
  private sink: ((frame: Uint8Array) => void) | undefined;
  private readonly flushTask = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(private maxFrameBytes: number) {}

  /** Until a sink is set (connection not configured yet), frames wait here in order. */
  setSink(sink: ((frame: Uint8Array) => void) | undefined): void {
    this.sink = sink;
    if (sink) this.schedule();
  }

  setMaxFrameBytes(bytes: number): void {
    this.maxFrameBytes = bytes;
  }

  push(message: Uint8Array): void {
    if (this.queue.length > 0 && this.queuedBytes + message.byteLength + 10 > this.maxFrameBytes)
      this.flush();
    this.queue.push(message);
    this.queuedBytes += message.byteLength + 10;
    this.schedule();
  }

  /** Sends everything queued now (sendSync calls this so its request goes after earlier sends). */
  flush(): void {
    if (this.queue.length === 0 || !this.sink) return;
    const messages = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    this.sink(encodeFrame(messages));
  }

  /** Drops what is queued (the connection closed for good). */
  clear(): void {
    this.queue = [];
    this.queuedBytes = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || !this.sink) return;
    this.scheduled = true;
    queueMicrotask(this.flushTask);
  }
}
