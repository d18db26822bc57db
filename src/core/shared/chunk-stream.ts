import { varuintSize } from '../../protocol/codec/byte-writer.js';
import { notifyProgress, type ProgressListener } from './transfer-progress.js';

/**
 * Data bytes per chunk, and the size from which a message is sent in chunks (plus {@link CHUNK_SLACK}).
 * 512 KiB: receiving one costs the peer's event loop about half a millisecond (docs/performance.md,
 * "Large payloads"), while per-chunk overhead stays under 0.1 % of the bytes.
 */
export const CHUNK_BYTES = 512 * 1024;
/**
 * A message is chunked only when it is this much larger than a chunk: a chunk frame (data plus at most
 * 22 bytes of prefix, kind, seq and total, and in the first chunk at most 2 + 10 bytes per
 * `SPAN_MIN_BYTES` of the message for its spans) is then always smaller than the message, so it fits
 * in the peer's `maxPayload` whenever the message does.
 */
export const CHUNK_SLACK = 64;

/** Chunk bytes one paced turn sends at most before yielding to other work. */
const TURN_BYTES = 2 * CHUNK_BYTES;
/** A transport backlog (bytes not yet taken by the network) above which the stream waits. */
const MAX_BACKLOG = 2 * CHUNK_BYTES;

/** What a stream sends through: a sink that may tag a frame with the last sequence number it holds. */
export interface ChunkSink {
  send(frame: Uint8Array): void;
  sendSequenced?(frame: Uint8Array, lastSeq: number): void;
}

/** What the stream paces against. */
export interface ChunkPacer {
  /** The transport's backlog: bytes waiting to be sent. */
  readonly sendBacklog: number;
  /**
   * Whether as much as may be is sent and not yet acknowledged by the peer (a resumable link keeps it
   * for replay, within a limit). The socket's backlog alone does not bound that: the kernel buffers of
   * both ends hold tens of MiB on a fast link (loopback here: up to 32 MiB received and not yet read).
   */
  readonly awaitingAcks: boolean;
}

/**
 * One large message on its way out as chunk messages (docs/protocol.md, "Large messages"): chunk `i`
 * has sequence number `seq + i` and carries the next {@link CHUNK_BYTES} of the encoded message. A
 * paced {@link pump} sends a few chunks and yields, so a 100 MB message never holds the event loop, or
 * fills the socket, in one go.
 */
export class ChunkStream {
  #offset = 0;
  #seq: number;

  constructor(
    /** The encoded message (kind, seq, fields), owned by the stream. */
    readonly message: Uint8Array,
    /** Where its large ArrayBuffers lie (codec/binary-spans.ts), told in the first chunk. */
    private readonly spans: readonly number[],
    /** The message's own sequence number, which its first chunk carries. */
    seq: number,
    /** `RendererChunk` or `MainChunk`. */
    private readonly kind: number,
    private readonly pacer: ChunkPacer,
    private readonly onProgress: ProgressListener | undefined,
  ) {
    this.#seq = seq;
  }

  /** The number of the next chunk to go (the message's own before the first has gone). */
  get nextSeq(): number {
    return this.#seq;
  }

  /** How many sequence numbers a message of `bytes` takes as chunks. */
  static countFor(bytes: number): number {
    return Math.ceil(bytes / CHUNK_BYTES);
  }

  get done(): boolean {
    return this.#offset >= this.message.byteLength;
  }

  /** Whether the transport is too far behind to take more now, or the peer to acknowledge it. */
  get blocked(): boolean {
    return this.pacer.sendBacklog > MAX_BACKLOG || this.pacer.awaitingAcks;
  }

  /** Blocked only until the peer acknowledges more: an acknowledgement, not time, unblocks it. */
  get waitsForAcks(): boolean {
    return this.pacer.sendBacklog <= MAX_BACKLOG && this.pacer.awaitingAcks;
  }

  /**
   * Sends chunks: all that are left when `all`, otherwise up to a turn's worth while the transport
   * keeps up. Returns whether the stream is done.
   */
  pump(sink: ChunkSink, all: boolean): boolean {
    const message = this.message;
    const total = message.byteLength;
    let sent = 0;
    while (this.#offset < total) {
      if (!all && (sent >= TURN_BYTES || this.blocked)) return false;
      const start = this.#offset;
      const end = Math.min(total, start + CHUNK_BYTES);
      const seq = this.#seq++;
      const frame = chunkFrame(this.kind, seq, start === 0 ? total : 0, this.spans, message, start, end);
      this.#offset = end;
      sent += end - start;
      if (sink.sendSequenced) sink.sendSequenced(frame, seq);
      else sink.send(frame);
      if (this.onProgress) notifyProgress(this.onProgress, 'upload', end, total);
    }
    return true;
  }
}

/**
 * A frame holding one chunk message: length prefix, kind, seq, total (the first chunk: then its span
 * list, count first), then `message[start, end)`.
 */
export function chunkFrame(
  kind: number,
  seq: number,
  total: number,
  spans: readonly number[],
  message: Uint8Array,
  start: number,
  end: number,
): Uint8Array {
  let header = 1 + varuintSize(seq) + varuintSize(total);
  if (total > 0) {
    header += varuintSize(spans.length / 2);
    for (const n of spans) header += varuintSize(n);
  }
  const length = header + (end - start);
  const frame = new Uint8Array(varuintSize(length) + length);
  let pos = putVaruint(frame, 0, length);
  frame[pos++] = kind;
  pos = putVaruint(frame, pos, seq);
  pos = putVaruint(frame, pos, total);
  if (total > 0) {
    pos = putVaruint(frame, pos, spans.length / 2);
    for (const n of spans) pos = putVaruint(frame, pos, n);
  }
  frame.set(message.subarray(start, end), pos);
  return frame;
}

function putVaruint(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}
