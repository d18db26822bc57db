/**
 * The frames one end of a resumable link has sent and the peer has not acknowledged yet, in order,
 * each with the sequence number of its last message (or a number above it: see
 * {@link SequencedLink}). After a reconnection the frames the peer did not receive are sent again;
 * the peer skips the messages of a frame it already had.
 */
export class ReplayBuffer {
  #frames: Uint8Array[] = [];
  #lastSeqs: number[] = [];
  /** Index of the oldest frame still held (acknowledged ones before it are dropped in batches). */
  #head = 0;
  #bytes = 0;
  /** The highest sequence number the peer acknowledged. */
  #acked = 0;

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  get acked(): number {
    return this.#acked;
  }

  /** Frames held (for tests and diagnostics). */
  get frameCount(): number {
    return this.#frames.length - this.#head;
  }

  add(frame: Uint8Array, lastSeq: number): void {
    this.#frames.push(frame);
    this.#lastSeqs.push(lastSeq);
    this.#bytes += frame.byteLength;
  }

  /** The peer has every message up to `received`: frames that hold nothing later are dropped. */
  ack(received: number): void {
    if (received <= this.#acked) return;
    this.#acked = received;
    const frames = this.#frames;
    const lastSeqs = this.#lastSeqs;
    let head = this.#head;
    while (head < frames.length && lastSeqs[head]! <= received) {
      this.#bytes -= frames[head]!.byteLength;
      frames[head] = EMPTY;
      head++;
    }
    if (head === frames.length) {
      this.#frames = [];
      this.#lastSeqs = [];
      head = 0;
    } else if (head >= 1024 && head * 2 >= frames.length) {
      frames.splice(0, head);
      lastSeqs.splice(0, head);
      head = 0;
    }
    this.#head = head;
  }

  /** The frames holding a message after `received`, oldest first. */
  framesAfter(received: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = this.#head; i < this.#frames.length; i++) {
      if (this.#lastSeqs[i]! > received) out.push(this.#frames[i]!);
    }
    return out;
  }

  clear(): void {
    this.#frames = [];
    this.#lastSeqs = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#acked = 0;
  }
}

const EMPTY = new Uint8Array(0);
