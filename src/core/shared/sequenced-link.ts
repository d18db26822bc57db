import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { DEFAULT_LIMITS, type DecodeLimits } from '../../protocol/limits.js';
import {
  decodeFrame,
  decodeWhole,
  encodeMessageFrame,
  messageBytesOf,
  type Receiver,
} from '../../protocol/message-codec.js';
import {
  type AnyMessage,
  type MainToRendererChunk,
  type MainToRendererMessage,
  MessageKind,
  type RendererToMainMessage,
} from '../../protocol/messages.js';
import { AckClock, type AckWaiter } from './ack-clock.js';
import { ChunkReassembly } from './chunk-reassembly.js';
import { CHUNK_BYTES, CHUNK_SLACK, ChunkStream } from './chunk-stream.js';
import { type FrameSink, Outbox } from './outbox.js';
import { ReplayBuffer } from './replay-buffer.js';
import { notifyProgress, type ProgressListener } from './transfer-progress.js';

/** Bytes received since the last acknowledgement that make the next one go at once. */
const ACK_BYTES = 256 * 1024;
/**
 * Otherwise the first unacknowledged frame is acknowledged within this time: half of it into the wait,
 * the acknowledgement rides in the next frame this end sends, if one goes before the other half is over
 * (see {@link SequencedLink.enqueue}); then it goes alone.
 */
const ACK_DELAY_MS = 200;
/** Every link of the realm waits for its acknowledgements on one timer: see {@link AckClock}. */
const ACK_CLOCK = new AckClock(ACK_DELAY_MS / 2);

/** Frames reach the peer now (a resumable link that lost its connection only records them). */
const LINK_UP = 1;
/** The acknowledgement wait's first half is over: the next frame sent carries the acknowledgement. */
const ACK_DUE = 2;
/** The replay buffer overflowed; the session learns it on the next microtask. */
const OVERFLOWED = 4;

/**
 * The most a chunk stream leaves unacknowledged (see {@link SequencedLink.awaitingAcks}): more than the
 * bandwidth-delay product of the links we serve (1 Gbit/s over 60 ms), so acks, sent every
 * {@link ACK_BYTES}, come back before it is reached.
 */
const MAX_UNACKNOWLEDGED = 8 * 1024 * 1024;

/** Frames up to this size are kept for replay as copies (see {@link SequencedLink.recordFrame}). */
const COPIED_FRAME_BYTES = 4 * 1024;

/** Messages above this size go in chunks over transports that stream bytes (see {@link SequencedLink}). */
const CHUNKED_ABOVE = CHUNK_BYTES + CHUNK_SLACK;

/** What large messages are paced against: a transport; `backlog` is what waits in its socket. */
export interface PacedTransport {
  readonly capabilities: { readonly transfer: boolean };
  readonly backlog?: number;
}

/**
 * The upload progress listener of the message being queued (see {@link withUploadProgress}): one
 * module variable rather than a parameter, so the hot path and the subclasses' overrides of `enqueue`
 * stay as they are. Tagged with its link: a getter that sends on another connection while the message
 * is encoded does not take it.
 */
let pendingProgress: { readonly link: object; readonly listener: ProgressListener } | undefined;

/**
 * Runs `send` (which queues one message on `link`) with `listener` told how the message's bytes go
 * out: per chunk for a chunked message, otherwise once, with its whole size, after it was handed over.
 */
export function withUploadProgress<T>(
  link: object,
  listener: ProgressListener | undefined,
  send: () => T,
): T {
  if (listener === undefined) return send();
  pendingProgress = { link, listener };
  try {
    return send();
  } finally {
    pendingProgress = undefined;
  }
}

/** What {@link SequencedLink.receive} answers for a message the peer sent again after a resume. */
export const DUPLICATE = 'duplicate';

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
 * A resumable link (see {@link enableResume}) also keeps what it sent in a {@link ReplayBuffer} until
 * the peer acknowledges it, acknowledges what it receives, and after a reconnection sends again what
 * the peer missed and skips what it already had: docs/protocol.md, "Resume". Transfer lists belong
 * here too: this is the one place that numbers, sends and receives.
 */
export abstract class SequencedLink<R extends Receiver> implements AckWaiter {
  /** The number of the last message sent (committed only once it was encoded and accepted). */
  #sentSeq = 0;
  /** The number the peer's next message must carry. Read-only outside this class: {@link receive} counts. */
  protected expectedSeq = 1;
  /** The largest message the peer accepts (its `maxPayload`). Read-only outside: see {@link setPeerMaxPayload}. */
  protected peerMaxPayload = DEFAULT_LIMITS.maxPayload;
  /** Created by the first send; a subclass may drop it once drained (see {@link FrameSink.drained}). */
  protected outbox: Outbox | undefined;
  #sink: FrameSink | undefined;
  /** Resumable links only: what was sent and not acknowledged, and where frames go through it. */
  #replay: ReplayBuffer | undefined;
  #replaySink: FrameSink | undefined;
  /** The sink {@link #replaySink} was made for. */
  #replaySinkOf: FrameSink | undefined;
  #maxReplayBytes = 0;
  /** {@link LINK_UP}, {@link ACK_DUE}, {@link OVERFLOWED}: one field, not three (idle sessions are many). */
  #flags = LINK_UP;
  /** Bytes received since the last acknowledgement, and the wait on {@link ACK_CLOCK} that sends one (0: none). */
  #unackedBytes = 0;
  #ackTicket = 0;
  /** The last message number this end acknowledged. */
  #ackedThrough = 0;
  /** Messages up to this number may arrive again after a resume: they are skipped, not refused. */
  #duplicatesThrough = 0;
  /** The encoded size of the last message {@link unchunk} put together from chunks. */
  protected unchunkedBytes = 0;
  /** The chunked message being received, if any (see {@link unchunk}). */
  #reassembly: ChunkReassembly | undefined;

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

  /**
   * The transport, for large messages: over one whose `capabilities.transfer` is false (a byte stream:
   * WebSocket) they go in chunks paced against its `backlog`; over the others (worker, memory: one
   * structured clone per frame) whole. `undefined` (no transport yet): whole.
   */
  protected get pacedTransport(): PacedTransport | undefined {
    return undefined;
  }

  /** @internal For {@link ChunkStream}: bytes waiting in the transport (0 while the link is down). */
  get sendBacklog(): number {
    return this.#has(LINK_UP) ? (this.pacedTransport?.backlog ?? 0) : 0;
  }

  /**
   * @internal For {@link ChunkStream}: whether the peer has yet to acknowledge as much as a chunk
   * stream may have outstanding: half the replay limit, at most {@link MAX_UNACKNOWLEDGED}. Chunks then
   * wait (in order, in the outbox) instead of filling the replay buffer past its limit, which ended the
   * session of a renderer that merely sent faster than main read; and while the link is down they wait
   * for it to come back.
   */
  get awaitingAcks(): boolean {
    const replay = this.#replay;
    return replay !== undefined && replay.bytes > Math.min(MAX_UNACKNOWLEDGED, this.#replayLimit() / 2);
  }

  /** The most the replay buffer may hold: `maxReplayBytes`, and at least twice the largest message. */
  #replayLimit(): number {
    return Math.max(this.#maxReplayBytes, 2 * this.peerMaxPayload + ACK_BYTES);
  }

  /** The peer announced what it accepts (the hello, a limits message); frames are cut to fit it too. */
  protected setPeerMaxPayload(bytes: number): void {
    this.peerMaxPayload = bytes;
    this.outbox?.setMaxFrameBytes(bytes);
  }

  /** Where frames go; until one is set, queued messages wait in order. */
  protected setSink(sink: FrameSink | undefined): void {
    this.#sink = sink;
    this.outbox?.setSink(this.#outboxSink());
  }

  #outboxSink(): FrameSink | undefined {
    const sink = this.#sink;
    if (this.#replay === undefined || sink === undefined) return sink;
    if (this.#replaySink === undefined || this.#replaySinkOf !== sink) {
      this.#replaySinkOf = sink;
      this.#replaySink = sink.sendTransient ? new TransientReplaySink(this) : new ReplaySink(this);
    }
    return this.#replaySink;
  }

  /**
   * Makes this link resumable: every frame sent is kept until the peer acknowledges it (at most
   * `maxReplayBytes`; more ends the link through {@link replayOverflow}), and what arrives is
   * acknowledged. Call before anything is sent.
   */
  protected enableResume(maxReplayBytes: number): void {
    this.#replay = new ReplayBuffer();
    this.#maxReplayBytes = maxReplayBytes;
    this.outbox?.setSink(this.#outboxSink());
  }

  protected get resumable(): boolean {
    return this.#replay !== undefined;
  }

  /** The number of the last message sent. */
  protected get sentSeq(): number {
    return this.#sentSeq;
  }

  /** What the replay buffer holds (0 for a link that cannot resume). */
  get replayBytes(): number {
    return this.#replay?.bytes ?? 0;
  }

  /**
   * @internal For {@link ReplaySink}: `frame` leaves through the replay buffer. `lastSeq`: the last
   * message it holds, when the sender knows it better than "everything numbered so far" (a chunk).
   */
  recordFrame(frame: Uint8Array, transient: boolean, lastSeq = this.#sentSeq): void {
    if (this.#has(OVERFLOWED)) return;
    const replay = this.#replay!;
    const sink = this.#sink;
    // Every message queued so far is in this flush: the frame holds nothing later than this number.
    if (transient) {
      const kept = replay.addCopy(frame, lastSeq);
      // The copy's memory is reused once acknowledged: only a sink that copies may get it.
      if (this.#has(LINK_UP)) sink?.sendTransient?.(kept);
    } else {
      // A small frame is kept as a copy packed in a shared slab, and the frame sent dies young: held
      // for up to ACK_DELAY_MS, an ArrayBuffer per frame (thousands at a few µs a call) survived every
      // young collection and doubled its pause on main (bench/node/gc-tail.mjs, docs/performance.md).
      if (frame.byteLength <= COPIED_FRAME_BYTES) replay.keepCopy(frame, lastSeq);
      else replay.add(frame, lastSeq);
      if (this.#has(LINK_UP)) sink?.send(frame);
    }
    const limit = this.#replayLimit();
    if (replay.bytes <= limit) return;
    const error = new IpcError(
      IpcErrorCode.ReplayOverflow,
      `${replay.bytes} bytes sent to ${this.peerName} are not acknowledged yet (limit ${limit}, maxReplayBytes); the session ends rather than buffer more.`,
    );
    // Not from inside the outbox's flush, which this was called by: frames until then are dropped.
    this.#flags |= OVERFLOWED;
    replay.clear();
    queueMicrotask(() => {
      this.#flags &= ~OVERFLOWED;
      this.replayOverflow(error);
    });
  }

  /** The replay buffer outgrew its limit: the session ends with `error` (or starts afresh). */
  protected replayOverflow(_error: IpcError): void {}

  /**
   * The connection is gone but the session may resume: frames are only recorded from now on, and
   * nothing is acknowledged.
   */
  protected linkDown(): void {
    this.#flags &= ~LINK_UP;
    this.#unackedBytes = 0;
    this.#cancelAckWait();
  }

  get isLinkUp(): boolean {
    return this.#has(LINK_UP);
  }

  #has(flag: number): boolean {
    return (this.#flags & flag) !== 0;
  }

  /**
   * Checks what the peer says it received from us when it resumes (it must lie between what it
   * acknowledged and what we sent); `undefined` when it may resume.
   */
  protected checkPeerReceived(received: number): IpcError | undefined {
    const acked = this.#replay?.acked ?? 0;
    if (received >= acked && received <= this.#sentSeq) return undefined;
    return new IpcError(
      IpcErrorCode.Protocol,
      `${this.peerName} says it received up to message ${received}; it acknowledged ${acked} and was sent ${this.#sentSeq}.`,
    );
  }

  /**
   * The connection is back: `prefix` (a resume notice) goes first, then every frame the peer has not
   * received (it said up to `peerReceived`, checked with {@link checkPeerReceived}), and the link
   * sends normally again. What the peer sends again up to what we received is skipped.
   * Returns how many frames were sent again.
   */
  protected linkUp(peerReceived: number, prefix?: Uint8Array): number {
    const replay = this.#replay!;
    replay.ack(peerReceived);
    this.expectRepeats();
    const sink = this.#sink;
    const frames = replay.framesAfter(peerReceived);
    this.#flags |= LINK_UP;
    if (prefix) sink?.send(prefix);
    // Kept copies are reused once acknowledged: a sink that copies what it sends gets them that way.
    for (const frame of frames) {
      if (sink?.sendTransient) sink.sendTransient(frame);
      else sink?.send(frame);
    }
    return frames.length;
  }

  /**
   * Forgets the session: numbering restarts at 1 both ways, and what was not acknowledged is dropped.
   * Returns how many messages were sent but never acknowledged (they may or may not have arrived).
   */
  protected resetSession(): number {
    const unconfirmed = this.#sentSeq - (this.#replay?.acked ?? this.#sentSeq);
    this.#sentSeq = 0;
    this.expectedSeq = 1;
    this.#ackedThrough = 0;
    this.#duplicatesThrough = 0;
    this.#reassembly = undefined;
    this.#unackedBytes = 0;
    this.#cancelAckWait();
    this.#replay?.clear();
    this.outbox?.clear();
    this.outbox = undefined;
    return unconfirmed;
  }

  /**
   * What the peer has not acknowledged, oldest first (everything it may not have received), or
   * `undefined` when the link cannot resume or that is more than `maxBytes`.
   */
  protected unacknowledgedFrames(maxBytes: number): Uint8Array[] | undefined {
    const replay = this.#replay;
    if (replay === undefined || replay.bytes > maxBytes) return undefined;
    return replay.framesAfter(replay.acked);
  }

  /**
   * Frames arriving now may repeat messages already received (a sync request sent while the
   * connection is down carries what the peer sent since its last acknowledgement): those are skipped.
   */
  protected expectRepeats(): void {
    this.#duplicatesThrough = this.expectedSeq - 1;
  }

  /** An acknowledgement from the peer. */
  protected acknowledged(received: number): IpcError | undefined {
    if (received > this.#sentSeq) {
      return new IpcError(
        IpcErrorCode.Protocol,
        `${this.peerName} acknowledged message ${received}; only ${this.#sentSeq} were sent.`,
      );
    }
    this.#replay?.ack(received);
    this.outbox?.acknowledged();
    return undefined;
  }

  /** A frame of `bytes` was received and handled: acknowledges it soon (resumable links). */
  protected countReceived(bytes: number): void {
    if (this.#replay === undefined || !this.#has(LINK_UP)) return;
    // A frame that brought no numbered message (the peer's acknowledgement) needs none: answering it
    // would keep two idle ends trading acknowledgements forever.
    if (this.expectedSeq - 1 === this.#ackedThrough) return;
    this.#unackedBytes += bytes;
    if (this.#unackedBytes >= ACK_BYTES) this.sendAck();
    else if (this.#ackTicket === 0) this.#ackTicket = ACK_CLOCK.wait(this);
  }

  /**
   * @internal Half the acknowledgement delay is over: the acknowledgement is due, and waits the other
   * half for a frame to ride in. Alone, acknowledgements cost a connection answering calls a few
   * times a second a write and a wake-up on both ends five times a second (1,000 clients in
   * bench/many, when main still wrote through `ws`: 1.32 write system calls per call against raw `ws`'s
   * 1.02; riding along, 1.09).
   */
  ackWaitOver(ticket: number): void {
    if (ticket !== this.#ackTicket) return;
    this.#ackTicket = 0;
    if (this.#has(ACK_DUE)) this.sendAck();
    else if (this.expectedSeq - 1 !== this.#ackedThrough) {
      this.#flags |= ACK_DUE;
      this.#ackTicket = ACK_CLOCK.wait(this);
    }
  }

  /** @internal For {@link ReplaySink}: the outbox sent everything it had. */
  replaySinkDrained(outbox: Outbox): void {
    this.#sink?.drained?.(outbox);
  }

  /** @internal Acknowledges everything received so far. */
  sendAck(): void {
    this.#cancelAckWait();
    this.#unackedBytes = 0;
    if (!this.#has(LINK_UP) || this.#sink === undefined) return;
    this.#sink.send(encodeMessageFrame(this.#ackMessage()));
    this.#ackedThrough = this.expectedSeq - 1;
  }

  /** An acknowledgement of everything received so far. */
  #ackMessage(): AnyMessage {
    const kind = this.#receiver === 'main' ? MessageKind.MainAck : MessageKind.RendererAck;
    return { kind, seq: 0, received: this.expectedSeq - 1 } as AnyMessage;
  }

  #cancelAckWait(): void {
    this.#flags &= ~ACK_DUE;
    this.#ackTicket = 0;
  }

  /** Cancels the acknowledgement wait and drops the replay buffer: the session is over. */
  protected endResume(): void {
    this.#cancelAckWait();
    this.#replay?.clear();
  }

  /** Keeps a frame sent outside the outbox (a sync request) for replay, as if the outbox had sent it. */
  protected recordForReplay(frame: Uint8Array): void {
    this.#replay?.add(frame, this.#sentSeq);
  }

  /**
   * Numbers `message` and queues it for the next frame; returns its encoded size. Throws what the
   * encoder throws (`ERR_IPC_NOT_CLONEABLE`, ...) and `ERR_IPC_PAYLOAD_TOO_LARGE` when the peer would
   * refuse it; then nothing is queued and the number is not used. `transfer`: native ports its frame
   * carries (referenced by the message as `NATIVE_PORT`); such a message gets a frame of its own.
   */
  protected enqueue(message: Unnumbered<OutgoingAt<R>>, transfer?: readonly unknown[]): number {
    const seq = this.#sentSeq + 1;
    // Callers pass a fresh literal, so numbering it in place is safe and far cheaper than
    // `{ ...message, seq }`, which costs more than encoding the message itself.
    (message as { seq: number }).seq = seq;
    let outbox = this.outbox;
    if (outbox === undefined) {
      outbox = this.outbox = new Outbox(this.peerMaxPayload, this.#receiver === 'main');
      outbox.setSink(this.#outboxSink());
    }
    // A due acknowledgement rides in this frame, ahead of the message (which dropLast may take back).
    // Not behind a chunk stream: the peer's own stream may be waiting for it (awaitingAcks).
    if (this.#has(ACK_DUE) && !outbox.streaming) {
      outbox.add(this.#ackMessage()); // throws only where the message would (mid-encoding): then due still
      this.#ackedThrough = this.expectedSeq - 1;
      this.#cancelAckWait();
      this.#unackedBytes = 0;
    }
    const bytes =
      transfer === undefined
        ? outbox.add(message as OutgoingAt<R>)
        : outbox.addTransferring(message as OutgoingAt<R>, transfer);
    if (bytes > this.peerMaxPayload) {
      outbox.dropLast();
      throw this.tooLarge(message, bytes);
    }
    if (bytes > CHUNKED_ABOVE || pendingProgress !== undefined) {
      this.#sentSeq = this.#large(outbox, seq, bytes, transfer === undefined);
      return bytes;
    }
    this.#sentSeq = seq;
    return bytes;
  }

  /**
   * A message of `bytes` numbered `seq` was queued: over a byte stream a large one becomes a chunk
   * stream, taking one number per chunk; a progress listener is told. Returns the last number used.
   */
  #large(outbox: Outbox, seq: number, bytes: number, chunkable: boolean): number {
    let listener: ProgressListener | undefined;
    if (pendingProgress?.link === this) {
      listener = pendingProgress.listener;
      pendingProgress = undefined;
    }
    const transport = this.pacedTransport;
    if (bytes > CHUNKED_ABOVE && chunkable && transport !== undefined && !transport.capabilities.transfer) {
      const kind = this.#receiver === 'main' ? MessageKind.MainChunk : MessageKind.RendererChunk;
      const { message, spans } = outbox.takeLast(bytes);
      outbox.queueStream(new ChunkStream(message, spans, seq, kind, this, listener));
      return seq + ChunkStream.countFor(bytes) - 1;
    }
    // Whole: handed over on the outbox's flush, which was scheduled before this.
    if (listener) queueMicrotask(() => notifyProgress(listener, 'upload', bytes, bytes));
    return seq;
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
   * A message that passed {@link receive}: what to dispatch for it. Most messages are themselves; a
   * chunk goes into the reassembly and gives `undefined`, or the whole message once it is complete
   * (decoded and checked like any). An {@link IpcError} to close the connection with for a chunk out of
   * place: without a first chunk, a second first chunk, more bytes than announced, a total over
   * `maxPayload`, another message inside a chunked one (docs/protocol.md, "Large messages").
   */
  protected unchunk(message: IncomingAt<R>): IncomingAt<R> | IpcError | undefined {
    const open = this.#reassembly;
    const kind = message.kind;
    if (kind !== MessageKind.RendererChunk && kind !== MessageKind.MainChunk) {
      return open === undefined ? message : this.#dropReassembly(open.interrupted(kind, false));
    }
    const { total, data, seq, spans } = message as MainToRendererChunk;
    let reassembly = open;
    if (open === undefined || total !== 0) {
      if (open !== undefined) return this.#dropReassembly(open.interrupted(kind, true));
      const started = ChunkReassembly.start(total, seq, this.limits.maxPayload, spans);
      if (started instanceof IpcError) return started;
      reassembly = this.#reassembly = started;
    }
    const overflow = reassembly!.add(data);
    if (overflow) return this.#dropReassembly(overflow);
    this.chunkReceived(reassembly!);
    if (!reassembly!.complete) return undefined;
    this.#reassembly = undefined;
    this.unchunkedBytes = reassembly!.total;
    let whole: AnyMessage;
    try {
      whole = decodeWhole(reassembly!.bytes, this.#receiver, this.limits, reassembly!.filledSpans());
    } catch (error) {
      return error instanceof IpcError
        ? error
        : new IpcError(IpcErrorCode.Decode, `Undecodable chunked message: ${String(error)}`, {
            cause: error,
          });
    }
    if (whole.seq !== reassembly!.seq || whole.kind === kind) {
      return new IpcError(
        IpcErrorCode.Protocol,
        `A chunked message starting at message ${reassembly!.seq} holds a message of kind ${whole.kind} numbered ${whole.seq}.`,
      );
    }
    return whole as IncomingAt<R>;
  }

  /** A chunk was added to `reassembly` (for download progress). */
  protected chunkReceived(_reassembly: ChunkReassembly): void {}

  #dropReassembly(error: IpcError): IpcError {
    this.#reassembly = undefined;
    return error;
  }

  /**
   * Counts `seq` as received when it is the one expected; {@link DUPLICATE} for a message the peer sent
   * again after a resume (skip it); otherwise returns the `ERR_IPC_PROTOCOL` error to close the
   * connection with (a gap or a repeat: something was lost or replayed).
   */
  protected receive(seq: number): IpcError | undefined | typeof DUPLICATE {
    if (seq === this.expectedSeq) {
      this.expectedSeq = seq + 1;
      return undefined;
    }
    if (seq !== 0 && seq <= this.#duplicatesThrough) return DUPLICATE;
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

/**
 * Where a resumable link's outbox sends: frames go through the replay buffer first. Frames the outbox
 * hands over are kept as they are; a sink that copies what it sends (a client socket) gets transient
 * ones, which the buffer copies. A class rather than closures: every idle session keeps one.
 */
class ReplaySink implements FrameSink {
  constructor(protected readonly link: SequencedLink<Receiver>) {}

  send(frame: Uint8Array): void {
    this.link.recordFrame(frame, false);
  }

  /** A chunk is acknowledged on its own: a transfer larger than the replay limit streams through it. */
  sendSequenced(frame: Uint8Array, lastSeq: number): void {
    this.link.recordFrame(frame, false, lastSeq);
  }

  drained(outbox: Outbox): void {
    this.link.replaySinkDrained(outbox);
  }
}

class TransientReplaySink extends ReplaySink {
  sendTransient(frame: Uint8Array): void {
    this.link.recordFrame(frame, true);
  }
}
