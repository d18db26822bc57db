import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { DEFAULT_LIMITS, type DecodeLimits } from '../../protocol/limits.js';
import {
  decodeFrame,
  encodeMessageFrame,
  messageBytesOf,
  type Receiver,
} from '../../protocol/message-codec.js';
import type { AnyMessage, MainToRendererMessage, RendererToMainMessage } from '../../protocol/messages.js';
import { type FrameSink, Outbox } from './outbox.js';

/** What the end running as `R` receives. */
export type IncomingAt<R extends Receiver> = R extends 'main' ? RendererToMainMessage : MainToRendererMessage;
/** What the end running as `R` sends. */
export type OutgoingAt<R extends Receiver> = R extends 'main' ? MainToRendererMessage : RendererToMainMessage;

/** A message before this link numbers it: callers may leave `seq` out (or pass 0). */
export type Unnumbered<M extends AnyMessage> = M extends AnyMessage
  ? Omit<M, 'seq'> & { seq?: number }
  : never;

/**
 * One end of a connection's message stream, as the two sessions share it: every message sent gets
 * the next sequence number and must fit in what the peer accepts (its `maxPayload`); every message
 * received must carry the next number expected from the peer; a frame that cannot be decoded ends
 * the connection with `ERR_IPC_DECODE`. Sending goes through a coalescing {@link Outbox}.
 *
 * `MainSession` and `RendererSession` extend it (a base class rather than a member: servers hold
 * thousands of idle connections, and a second object per connection would cost memory for nothing).
 * Resume (acks, a replay buffer of unacknowledged messages) and transfer lists belong here: this is
 * the one place that numbers, sends and receives.
 */
export abstract class SequencedLink<R extends Receiver> {
  /** The number of the last message sent (committed only once it was encoded and accepted). */
  #sentSeq = 0;
  /** The number the peer's next message must carry. Read-only outside this class: {@link receive} counts. */
  protected expectedSeq = 1;
  /** The largest message the peer accepts (its `maxPayload`). Read-only outside: see {@link setPeerMaxPayload}. */
  protected peerMaxPayload = DEFAULT_LIMITS.maxPayload;
  /** Created by the first send; a subclass may drop it once drained (see {@link FrameSink.drained}). */
  protected outbox: Outbox | undefined;
  #sink: FrameSink | undefined;

  /** Which end this is: selects the messages the decoder accepts. */
  readonly #receiver: R;

  constructor(
    receiver: R,
    /** Hostile-input limits for what the peer sends. */
    protected readonly limits: DecodeLimits,
  ) {
    this.#receiver = receiver;
  }

  /** Who is at the other end, for error texts: `'main'`, `'WebContents #3'`. */
  protected abstract get peerName(): string;

  /** The peer announced what it accepts (the hello, a limits message); frames are cut to fit it too. */
  protected setPeerMaxPayload(bytes: number): void {
    this.peerMaxPayload = bytes;
    this.outbox?.setMaxFrameBytes(bytes);
  }

  /** Where frames go; until one is set, queued messages wait in order. */
  protected setSink(sink: FrameSink | undefined): void {
    this.#sink = sink;
    this.outbox?.setSink(sink);
  }

  /**
   * Numbers `message` and queues it for the next frame; returns its encoded size. Throws what the
   * encoder throws (`ERR_IPC_NOT_CLONEABLE`, ...) and `ERR_IPC_PAYLOAD_TOO_LARGE` when the peer would
   * refuse it; then nothing is queued and the number is not used.
   */
  protected enqueue(message: Unnumbered<OutgoingAt<R>>): number {
    const seq = this.#sentSeq + 1;
    // Callers pass a fresh literal, so numbering it in place is safe and far cheaper than
    // `{ ...message, seq }`, which costs more than encoding the message itself.
    (message as { seq: number }).seq = seq;
    let outbox = this.outbox;
    if (outbox === undefined) {
      outbox = this.outbox = new Outbox(this.peerMaxPayload);
      outbox.setSink(this.#sink);
    }
    const bytes = outbox.add(message as OutgoingAt<R>);
    if (bytes > this.peerMaxPayload) {
      outbox.dropLast();
      throw this.tooLarge(message, bytes);
    }
    this.#sentSeq = seq;
    return bytes;
  }

  /**
   * Encodes `message` as a frame of its own, for the sync path: numbered when it belongs to the
   * stream (a sync request), not when it answers one (a sync reply, which carries the request's id).
   * Throws like {@link enqueue}.
   */
  protected encodeAlone(message: Unnumbered<OutgoingAt<R>>, numbered: boolean): Uint8Array {
    const seq = this.#sentSeq + 1;
    (message as { seq: number }).seq = numbered ? seq : 0;
    const frame = encodeMessageFrame(message as OutgoingAt<R>);
    const bytes = messageBytesOf(frame);
    if (bytes > this.peerMaxPayload) throw this.tooLarge(message, bytes);
    if (numbered) this.#sentSeq = seq;
    return frame;
  }

  /** Sends what is queued now (the sync path flushes first, so its request goes after earlier sends). */
  protected flush(): void {
    this.outbox?.flush();
  }

  /** Drops what is still queued: the connection is gone. */
  protected clearOutgoing(): void {
    this.outbox?.clear();
    this.outbox = undefined;
  }

  /**
   * Decodes a frame from the peer. `sizes`, when given, receives each message's encoded length.
   * @throws IpcError the decoder's own (`ERR_IPC_LIMIT_EXCEEDED`, ...), or `ERR_IPC_DECODE` for
   * anything else it threw.
   */
  protected decode(frame: Uint8Array, sizes?: number[]): IncomingAt<R>[] {
    try {
      return decodeFrame(frame, this.#receiver, this.limits, sizes) as IncomingAt<R>[];
    } catch (error) {
      if (error instanceof IpcError) throw error;
      throw new IpcError(IpcErrorCode.Decode, `Undecodable frame: ${String(error)}`, { cause: error });
    }
  }

  /**
   * Counts `seq` as received when it is the one expected; otherwise returns the `ERR_IPC_PROTOCOL`
   * error to close the connection with (a gap or a repeat: something was lost or replayed).
   */
  protected receive(seq: number): IpcError | undefined {
    if (seq === this.expectedSeq) {
      this.expectedSeq = seq + 1;
      return undefined;
    }
    return new IpcError(
      IpcErrorCode.Protocol,
      `Expected message ${this.expectedSeq} from ${this.peerName}, received ${seq}.`,
    );
  }

  /** Why `message` (of `bytes`) is not sent: the peer would close the connection for it. */
  protected tooLarge(message: Unnumbered<OutgoingAt<R>>, bytes: number): IpcError {
    // Without a channel: main's replies (a renderer's channel-less messages are a few bytes).
    const what = 'channel' in message ? `Message on '${message.channel}'` : 'A reply';
    return new IpcError(
      IpcErrorCode.PayloadTooLarge,
      `${what} is ${bytes} bytes; ${this.peerName} accepts at most ${this.peerMaxPayload} (its maxPayload).`,
    );
  }
}
