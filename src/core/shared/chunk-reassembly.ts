import { IpcError, IpcErrorCode } from '../../protocol/errors.js';

/**
 * A chunked message being received (docs/protocol.md, "Large messages"): its bytes go into buffers
 * whose sizes its first chunk announced, which the receiver's `maxPayload` bounds, as it bounds a
 * message sent whole. The stream is ordered, so a connection has at most one open.
 *
 * The bytes of the message's spans (its large ArrayBuffers, codec/binary-spans.ts) go straight into
 * ArrayBuffers of their own, which the decoder then takes as they are: each byte is copied once, chunk
 * by chunk, and nothing is left to copy in one go when the last chunk is in. `bytes` holds only the
 * rest, the spans cut out. It once held the whole message with the span ranges left unwritten: those
 * cost no memory, but V8 counts an ArrayBuffer's full length as external memory, and an upload of
 * 100 MB then forced collections that held main's event loop for 20-25 ms.
 */
export class ChunkReassembly {
  /** The message without its spans' bytes (the decoder's input, with {@link filledSpans}). */
  readonly bytes: Uint8Array;
  /** The message's length, spans included. */
  readonly total: number;
  /** Bytes received, spans included. */
  filled = 0;
  /** Bytes written to `bytes`. */
  #outside = 0;
  /** `[offset, length, ...]` of the spans (see the class comment). */
  readonly #spans: readonly number[];
  /** One buffer per span, in order. */
  readonly #spanBuffers: Uint8Array[];
  /** The first span not yet complete. */
  #nextSpan = 0;

  constructor(
    total: number,
    /** The first chunk's sequence number: the message's own. */
    readonly seq: number,
    spans: readonly number[] = [],
  ) {
    this.total = total;
    this.#spans = spans;
    this.#spanBuffers = [];
    let outside = total;
    for (let i = 1; i < spans.length; i += 2) {
      this.#spanBuffers.push(new Uint8Array(spans[i]!));
      outside -= spans[i]!;
    }
    this.bytes = new Uint8Array(outside);
  }

  /**
   * Starts a reassembly with a first chunk (`total` > 0), checked against `maxPayload`; `spans` were
   * checked against `total` by the decoder.
   * @returns the error to close the connection with when `total` is 0 (a chunk without a start) or
   *   larger than the receiver accepts.
   */
  static start(
    total: number,
    seq: number,
    maxPayload: number,
    spans?: readonly number[],
  ): ChunkReassembly | IpcError {
    if (total === 0) return protocolError('A chunk arrived without a first chunk (its total is 0).');
    if (total > maxPayload) {
      return new IpcError(
        IpcErrorCode.LimitExceeded,
        `A chunked message announces ${total} bytes; the limit is ${maxPayload} bytes (maxPayload).`,
      );
    }
    return new ChunkReassembly(total, seq, spans);
  }

  /** Appends a chunk's data; an error when it runs past the announced total. */
  add(data: Uint8Array): IpcError | undefined {
    const filled = this.filled;
    if (data.byteLength > this.total - filled) {
      return protocolError(
        `A chunk of ${data.byteLength} bytes overflows its message: ${filled} of ${this.total} bytes were received.`,
      );
    }
    if (this.#nextSpan * 2 === this.#spans.length) this.#addOutside(data);
    else this.#addAcrossSpans(data);
    this.filled = filled + data.byteLength;
    return undefined;
  }

  #addOutside(data: Uint8Array): void {
    this.bytes.set(data, this.#outside);
    this.#outside += data.byteLength;
  }

  /** Copies `data` (which starts at `filled`) into `bytes` and the span buffers it overlaps. */
  #addAcrossSpans(data: Uint8Array): void {
    const spans = this.#spans;
    let at = this.filled;
    let from = 0;
    while (from < data.byteLength) {
      const span = this.#nextSpan;
      if (span * 2 === spans.length) {
        this.#addOutside(data.subarray(from));
        return;
      }
      const start = spans[span * 2]!;
      const end = start + spans[span * 2 + 1]!;
      const upTo = Math.min(at < start ? start : end, at + data.byteLength - from);
      const piece = data.subarray(from, from + (upTo - at));
      if (at < start) this.#addOutside(piece);
      else this.#spanBuffers[span]!.set(piece, at - start);
      from += upTo - at;
      at = upTo;
      if (at === end) this.#nextSpan = span + 1;
    }
  }

  get complete(): boolean {
    return this.filled === this.total;
  }

  /**
   * The span buffers by where each span was cut out of `bytes`, for the decoder (codec
   * ByteReader.filledSpans); undefined when none. Spans never touch (binary-spans.ts), so no two share
   * a position.
   */
  filledSpans(): Map<number, ArrayBuffer> | undefined {
    const spans = this.#spans;
    if (spans.length === 0) return undefined;
    const filled = new Map<number, ArrayBuffer>();
    let cut = 0;
    for (let i = 0; i < spans.length; i += 2) {
      filled.set(spans[i]! - cut, this.#spanBuffers[i / 2]!.buffer as ArrayBuffer);
      cut += spans[i + 1]!;
    }
    return filled;
  }

  /** Why a message of `kind` may not come now: this message is not complete. */
  interrupted(kind: number, isChunkStart: boolean): IpcError {
    return protocolError(
      `${isChunkStart ? 'A new chunked message started' : `A message of kind ${kind} arrived`} inside a chunked message (${this.filled} of ${this.total} bytes received).`,
    );
  }
}

function protocolError(message: string): IpcError {
  return new IpcError(IpcErrorCode.Protocol, message);
}
