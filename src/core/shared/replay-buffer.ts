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

  /**
   * Keeps a copy of `frame`, whose bytes are valid only during the call, and returns it. The copy's
   * memory comes from frames acknowledged earlier when it can: a stream of frames then reuses a few
   * buffers instead of touching fresh memory for each (slow on the machines this was measured on).
   */
  addCopy(frame: Uint8Array, lastSeq: number): Uint8Array {
    // Small copies are cheap to allocate; pooling pays for large frames only.
    if (frame.byteLength < MIN_POOLED_FRAME) {
      const copy = frame.slice();
      this.add(copy, lastSeq);
      return copy;
    }
    const copy = takeBuffer(frame.byteLength);
    copy.set(frame);
    this.add(copy, lastSeq);
    this.#owned[this.#frames.length - 1] = true;
    return copy;
  }

  /** Which held frames are copies from the pool (by index, like the frames): their memory goes back. */
  #owned: boolean[] = [];

  /** The peer has every message up to `received`: frames that hold nothing later are dropped. */
  ack(received: number): void {
    if (received <= this.#acked) return;
    this.#acked = received;
    const frames = this.#frames;
    const lastSeqs = this.#lastSeqs;
    let head = this.#head;
    const owned = this.#owned;
    while (head < frames.length && lastSeqs[head]! <= received) {
      const frame = frames[head]!;
      this.#bytes -= frame.byteLength;
      if (owned[head] === true) {
        giveBack(frame);
        owned[head] = false;
      }
      frames[head] = EMPTY;
      head++;
    }
    if (head === frames.length) {
      this.#frames = [];
      this.#lastSeqs = [];
      this.#owned = [];
      head = 0;
    } else if (head >= 1024 && head * 2 >= frames.length) {
      frames.splice(0, head);
      lastSeqs.splice(0, head);
      owned.splice(0, head);
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
    this.#owned = [];
    this.#frames = [];
    this.#lastSeqs = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#acked = 0;
  }
}

const EMPTY = new Uint8Array(0);

/** Copies at least this large come from the pool. */
const MIN_POOLED_FRAME = 64 * 1024;
/** Free buffers by capacity (powers of two), shared by every replay buffer of the process. */
const pool = new Map<number, ArrayBuffer[]>();
/** Pooled memory is bounded: a burst's worth of frames, not every frame ever sent. */
const MAX_POOLED_BYTES = 4 * 1024 * 1024;
let pooledBytes = 0;

function capacityFor(length: number): number {
  return 2 ** Math.ceil(Math.log2(length));
}

function takeBuffer(length: number): Uint8Array {
  const capacity = capacityFor(length);
  const free = pool.get(capacity)?.pop();
  if (free === undefined) return new Uint8Array(new ArrayBuffer(capacity), 0, length);
  pooledBytes -= capacity;
  return new Uint8Array(free, 0, length);
}

function giveBack(frame: Uint8Array): void {
  const buffer = frame.buffer as ArrayBuffer;
  const capacity = buffer.byteLength;
  if (pooledBytes + capacity > MAX_POOLED_BYTES) return;
  pooledBytes += capacity;
  let free = pool.get(capacity);
  if (free === undefined) pool.set(capacity, (free = []));
  free.push(buffer);
}
