import { ByteWriter } from '../../protocol/codec/byte-writer.js';
import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import {
  encodeMessageFrame,
  messageBytesOf,
  prefixLength,
  writeMessage,
} from '../../protocol/message-codec.js';
import type { AnyMessage } from '../../protocol/messages.js';
import { ChunkStream } from './chunk-stream.js';

/**
 * A frame holding this much starts no more messages: the next one opens a new frame (sent in the same
 * flush, in order). Coalescing pays for small messages; past this size a frame's fixed cost is noise,
 * and one growing buffer would be copied at every doubling.
 */
const FULL_FRAME_BYTES = 256 * 1024;

/**
 * Bytes queued behind a paced chunk stream past which main flushes everything to the transport (see
 * the `judgedByTransport` option).
 */
const MAX_HELD_BEHIND = 4 * 1024 * 1024;

/**
 * How often a chunk stream waiting for acknowledgements looks again, in case none comes (it is woken
 * by {@link Outbox.acknowledged} otherwise). Polled every millisecond, a renderer disconnected with a
 * large message queued woke a thousand times a second for nothing.
 */
const ACK_WAIT_RECHECK_MS = 50;

/** What waits behind the first entry of `ready` (a chunk stream). */
function heldBehind(ready: readonly (Uint8Array | ChunkStream)[]): number {
  let bytes = 0;
  for (let i = 1; i < ready.length; i++) {
    const entry = ready[i]!;
    bytes += entry instanceof ChunkStream ? entry.message.byteLength : entry.byteLength;
  }
  return bytes;
}

/** Where frames go: the transport. */
export interface FrameSink {
  /** `transfer`: native ports that travel with this frame (see `TransferList` in transports/transport.ts). */
  send(frame: Uint8Array, transfer?: readonly unknown[]): void;
  /**
   * Optional: sends bytes that are valid only during the call (a sink that copies them anyway, like a
   * browser's `WebSocket.send`, and copies whatever it keeps). Spares the outbox a copy of the frame.
   */
  sendTransient?(frame: Uint8Array): void;
  /**
   * Optional: sends a frame that holds nothing later than message `lastSeq` (a chunk, sent while later
   * messages are numbered already), so a resumable link can let it go once that one is acknowledged.
   */
  sendSequenced?(frame: Uint8Array, lastSeq: number): void;
  /** Everything queued has been sent (an owner that keeps many idle outboxes may drop this one). */
  drained?(outbox: Outbox): void;
}

/**
 * Coalesces the messages queued in one task into one frame, flushed on a microtask: a lone message
 * leaves before any timer or I/O callback could run, and a burst costs one transport frame instead of
 * one per message. Frames never exceed `maxFrameBytes`, so the peer's frame limit holds.
 *
 * Messages are encoded straight into the frame being built (no buffer per message, no copy into the
 * frame): the frame's bytes are copied out once, when it is sent.
 */
export class Outbox {
  /** The frame being built (`null` while nothing is queued); it holds the codec's pooled buffer. */
  #writer: ByteWriter | null = null;
  #count = 0;
  /** Where the last message (its length prefix) starts, for {@link dropLast}. */
  #lastStart = 0;
  /** Spans of the last message (codec/binary-spans.ts), from its first byte; null when it has none. */
  #lastSpans: number[] | null = null;
  #encoding = false;
  /**
   * Whole frames waiting for a sink (no connection yet, or a frame was full), in order, and large
   * messages going out in chunks ({@link queueStream}): what comes after one waits for it.
   */
  #ready: (Uint8Array | ChunkStream)[] | undefined;
  /** Chunk streams in {@link #ready}. */
  #streams = 0;
  /** A later turn will pump the first chunk stream (see {@link #pace}). */
  #pacing = false;
  /** The timer of a stream waiting for acknowledgements, which {@link acknowledged} cuts short. */
  #ackWait: ReturnType<typeof setTimeout> | undefined;
  #scheduled = false;
  #sink: FrameSink | undefined;
  /** The native ports of ready frames that carry some (a message that transfers ports has its own frame). */
  #transfers: Map<Uint8Array, readonly unknown[]> | undefined;
  /** The last message added went in a frame of its own, with ports (see {@link dropLast}). */
  #lastAlone: Uint8Array | undefined;

  #maxFrameBytes: number;
  readonly #judgedByTransport: boolean;

  /**
   * @param judgedByTransport main's side: past {@link MAX_HELD_BEHIND} bytes queued behind a paced
   *   stream, everything goes to the transport, whose slow-consumer rules judge a renderer that stopped
   *   reading. A renderer's own messages stay queued here instead, in order, however many the app
   *   sends: handed to the socket they would only count against its replay limit, which is for what
   *   main has not acknowledged, and end the session.
   */
  constructor(maxFrameBytes: number, judgedByTransport: boolean) {
    this.#maxFrameBytes = maxFrameBytes;
    this.#judgedByTransport = judgedByTransport;
  }

  /** Until a sink is set (connection not configured yet), frames wait here in order. */
  setSink(sink: FrameSink | undefined): void {
    this.#sink = sink;
    if (sink) this.#schedule();
  }

  /** A large message is going out in chunks: what is added now waits for its last chunk. */
  get streaming(): boolean {
    return this.#streams > 0;
  }

  setMaxFrameBytes(bytes: number): void {
    this.#maxFrameBytes = bytes;
  }

  /**
   * Encodes `message` into the frame being built and returns its encoded size (without the length
   * prefix). Throws what the encoder throws (`ERR_IPC_NOT_CLONEABLE`, ...) with nothing queued.
   */
  add(message: AnyMessage): number {
    if (this.#encoding) {
      // A getter of the value being encoded sends on the same connection: the frame is mid-message.
      throw new IpcError(
        IpcErrorCode.InvalidArgument,
        'Cannot send on this connection while one of its messages is being serialized.',
      );
    }
    let writer = this.#writer;
    if (writer !== null && writer.pos >= FULL_FRAME_BYTES) {
      // Large frames gain nothing from coalescing; growing one buffer for them only costs copies.
      (this.#ready ??= []).push(writer.finish());
      this.#count = 0;
      writer = null;
    }
    if (writer === null) writer = this.#writer = new ByteWriter();
    const start = writer.pos;
    let length: number;
    this.#encoding = true;
    try {
      writer.u8(0);
      writer.spans = null;
      writeMessage(writer, message);
      length = writer.pos - start - 1;
      this.#lastSpans = spansFrom(writer, start + 1);
      prefixLength(writer, start);
    } catch (error) {
      this.#truncate(start);
      throw error;
    } finally {
      this.#encoding = false;
    }
    this.#count += 1;
    this.#lastStart = start;
    this.#lastAlone = undefined;
    if (this.#count > 1 && writer.pos > this.#maxFrameBytes) this.#splitBefore(start);
    this.#schedule();
    return length;
  }

  /**
   * Queues `message` in a frame of its own that carries `transfer` (native ports): the transport moves
   * the ports with that frame, and the receiver finds them in the order the frame references them.
   * Returns its encoded size; throws like {@link add}, with nothing queued.
   */
  addTransferring(message: AnyMessage, transfer: readonly unknown[]): number {
    if (this.#encoding) return this.add(message);
    let frame: Uint8Array;
    this.#encoding = true;
    try {
      frame = encodeMessageFrame(message);
    } finally {
      this.#encoding = false;
    }
    const writer = this.#writer;
    if (writer !== null) {
      this.#writer = null;
      if (this.#count > 0) (this.#ready ??= []).push(writer.finish());
      else writer.release();
      this.#count = 0;
    }
    (this.#ready ??= []).push(frame);
    (this.#transfers ??= new Map()).set(frame, transfer);
    this.#lastAlone = frame;
    this.#schedule();
    return messageBytesOf(frame);
  }

  /** Takes back the message {@link add} just queued (the caller refused it, e.g. too large). */
  dropLast(): void {
    const alone = this.#lastAlone;
    if (alone !== undefined) {
      this.#lastAlone = undefined;
      this.#ready?.pop();
      this.#transfers?.delete(alone);
      return;
    }
    if (this.#writer === null || this.#count === 0) return;
    this.#count -= 1;
    this.#truncate(this.#lastStart);
  }

  /**
   * Takes the message {@link add} just queued (its encoded `bytes`, without the length prefix) out of
   * the frame being built, which is sent as it was before; returns the message's bytes, now the
   * caller's (for a large message, the writer's own buffer: no copy).
   */
  takeLast(bytes: number): { message: Uint8Array; spans: readonly number[] } {
    const writer = this.#writer!;
    const begin = writer.pos - bytes;
    if (this.#count > 1) (this.#ready ??= []).push(writer.buf.slice(0, this.#lastStart));
    this.#writer = null;
    this.#count = 0;
    return { message: writer.finish().subarray(begin), spans: this.#lastSpans ?? [] };
  }

  /** Queues a large message as chunks (see {@link ChunkStream}): what is queued after it waits for it. */
  queueStream(stream: ChunkStream): void {
    (this.#ready ??= []).push(stream);
    this.#streams++;
    this.#schedule();
  }

  /**
   * Sends everything queued now, chunk streams to their end (sendSync calls this so its request goes
   * after earlier sends, and a blocked page could not pump them later).
   */
  flush(): void {
    this.#flush(true);
  }

  /** `all`: streams to their end; otherwise a turn's worth of chunks, and the rest in later turns. */
  #flush(all: boolean): void {
    const sink = this.#sink;
    let writer = this.#writer;
    /** The frame being built, finished, when nothing waits before it: sent without a list around it. */
    let alone: Uint8Array | undefined;
    if (writer !== null && this.#count > 0) {
      this.#writer = null;
      this.#count = 0;
      if (sink?.sendTransient === undefined || this.#streams > 0) {
        const frame = writer.finish();
        writer = null;
        // The usual flush (main's reply to one call) then allocates no array for its one frame.
        if (sink !== undefined && this.#ready === undefined) alone = frame;
        else (this.#ready ??= []).push(frame);
      }
    } else writer = null;
    const frames = this.#ready;
    if (!sink || (frames === undefined && writer === null && alone === undefined)) return;
    this.#ready = undefined;
    this.#lastAlone = undefined;
    if (frames !== undefined) {
      const transfers = this.#transfers;
      this.#transfers = undefined;
      let stream = nextStream(frames, 0);
      for (let i = 0; i < frames.length; i++) {
        const frame = frames[i]!;
        if (frame instanceof ChunkStream) {
          stream = nextStream(frames, i + 1);
          if ((all || !this.#pacing) && frame.pump(sink, all)) {
            this.#streams--;
            continue;
          }
          // The stream goes on in a later turn; what was queued meanwhile stays after it.
          const rest = frames.slice(i);
          this.#ready = this.#ready === undefined ? rest : rest.concat(this.#ready);
          this.#transfers = transfers;
          // A renderer that stops reading must not make main's messages pile up here, out of the
          // transport's slow-consumer rules: past a bound, everything goes to the transport, which judges.
          if (this.#judgedByTransport && heldBehind(this.#ready) > MAX_HELD_BEHIND) this.#flush(true);
          else this.#pace(frame);
          return;
        }
        const transfer = transfers?.get(frame);
        if (transfer !== undefined) sink.send(frame, transfer);
        // A frame ahead of a chunk stream holds nothing numbered after it. Taken as holding everything
        // numbered so far (the stream's chunks included), a resumable link would keep it, and every
        // chunk behind it, until the whole stream was acknowledged, while the stream waits for
        // acknowledgements to go on: a message sent just before a large one stopped both for good.
        else if (stream !== undefined && sink.sendSequenced) sink.sendSequenced(frame, stream.nextSeq - 1);
        else sink.send(frame);
      }
    }
    if (alone !== undefined) sink.send(alone);
    if (writer !== null) {
      // The last frame straight from the codec's buffer, which goes back to the codec afterwards.
      try {
        sink.sendTransient!(writer.buf.subarray(0, writer.pos));
      } finally {
        writer.release();
      }
    }
    if (this.#count === 0 && this.#ready === undefined) sink.drained?.(this);
  }

  /** The peer acknowledged something: a chunk stream waiting for that goes on in the next turn. */
  acknowledged(): void {
    const wait = this.#ackWait;
    if (wait === undefined) return;
    clearTimeout(wait);
    this.#ackWait = undefined;
    this.#pacing = false;
    this.#pace(undefined);
  }

  /** Drops what is queued (the connection closed for good). */
  clear(): void {
    if (this.#ackWait !== undefined) clearTimeout(this.#ackWait);
    this.#ackWait = undefined;
    this.#pacing = false;
    this.#writer?.release();
    this.#writer = null;
    this.#count = 0;
    this.#ready = undefined;
    this.#streams = 0;
    this.#transfers = undefined;
    this.#lastAlone = undefined;
  }

  /** The message at `start` does not fit in the frame: the frame before it becomes a ready frame. */
  #splitBefore(start: number): void {
    const writer = this.#writer!;
    (this.#ready ??= []).push(writer.buf.slice(0, start));
    writer.buf.copyWithin(0, start, writer.pos);
    writer.pos -= start;
    this.#lastStart = 0;
    this.#count = 1;
  }

  #truncate(start: number): void {
    const writer = this.#writer!;
    writer.pos = start;
    if (this.#count === 0) {
      writer.release();
      this.#writer = null;
    }
  }

  /**
   * Pumps the first chunk stream again in a later macrotask, so other connections' I/O and timers run
   * between turns: soon; after a millisecond while the transport's backlog is full; when the peer
   * acknowledges more (or {@link ACK_WAIT_RECHECK_MS} at the latest) while `stream` waits for that.
   */
  #pace(stream: ChunkStream | undefined): void {
    if (this.#pacing) return;
    this.#pacing = true;
    const next = (): void => {
      this.#pacing = false;
      this.#ackWait = undefined;
      this.#flush(false);
    };
    if (stream?.waitsForAcks) {
      this.#ackWait = setTimeout(next, ACK_WAIT_RECHECK_MS);
      return;
    }
    const backlogFull = stream?.blocked === true;
    if (backlogFull || typeof setImmediate !== 'function') setTimeout(next, backlogFull ? 1 : 0);
    else setImmediate(next);
  }

  #schedule(): void {
    if (this.#scheduled || !this.#sink || (this.#count === 0 && this.#ready === undefined)) return;
    this.#scheduled = true;
    // A closure per flush rather than one kept per outbox: idle connections hold nothing. A reaction on
    // a settled promise, not queueMicrotask: the same microtask queue, in the same order, but Node's
    // queueMicrotask makes an AsyncResource and a bound function per call (~0.5 KB of garbage per
    // invoke on each side, bench/node/gc-tail.mjs). A throw is reported as queueMicrotask would.
    SETTLED.then(() => {
      this.#scheduled = false;
      try {
        this.#flush(false);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    });
  }
}

/** The first chunk stream in `frames` from index `from` on. */
function nextStream(frames: readonly (Uint8Array | ChunkStream)[], from: number): ChunkStream | undefined {
  for (let i = from; i < frames.length; i++) {
    const frame = frames[i]!;
    if (frame instanceof ChunkStream) return frame;
  }
  return undefined;
}

/** Where {@link Outbox} schedules its flushes (see `#schedule`). */
const SETTLED = Promise.resolve();

/** The spans `writer` noted since its message began at `messageStart`, as offsets into that message. */
function spansFrom(writer: ByteWriter, messageStart: number): number[] | null {
  const spans = writer.spans;
  if (spans === null) return null;
  writer.spans = null;
  for (let i = 0; i < spans.length; i += 2) spans[i] = spans[i]! - messageStart;
  return spans;
}
