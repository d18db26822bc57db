import { IpcError, IpcErrorCode } from '../../protocol/errors.js';

/**
 * A chunked message being received (docs/protocol.md, "Large messages"): its bytes go into one buffer
 * of the size its first chunk announced, which the receiver's `maxPayload` bounds, as it bounds a
 * message sent whole. The stream is ordered, so a connection has at most one open.
 */
export class ChunkReassembly {
  readonly bytes: Uint8Array;
  filled = 0;

  constructor(
    total: number,
    /** The first chunk's sequence number: the message's own. */
    readonly seq: number,
  ) {
    this.bytes = new Uint8Array(total);
  }

  get total(): number {
    return this.bytes.byteLength;
  }

  /**
   * Starts a reassembly with a first chunk (`total` > 0), checked against `maxPayload`.
   * @returns the error to close the connection with when `total` is 0 (a chunk without a start) or
   *   larger than the receiver accepts.
   */
  static start(total: number, seq: number, maxPayload: number): ChunkReassembly | IpcError {
    if (total === 0) return protocolError('A chunk arrived without a first chunk (its total is 0).');
    if (total > maxPayload) {
      return new IpcError(
        IpcErrorCode.LimitExceeded,
        `A chunked message announces ${total} bytes; the limit is ${maxPayload} bytes (maxPayload).`,
      );
    }
    return new ChunkReassembly(total, seq);
  }

  /** Appends a chunk's data; an error when it runs past the announced total. */
  add(data: Uint8Array): IpcError | undefined {
    const filled = this.filled;
    if (data.byteLength > this.total - filled) {
      return protocolError(
        `A chunk of ${data.byteLength} bytes overflows its message: ${filled} of ${this.total} bytes were received.`,
      );
    }
    this.bytes.set(data, filled);
    this.filled = filled + data.byteLength;
    return undefined;
  }

  get complete(): boolean {
    return this.filled === this.total;
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
