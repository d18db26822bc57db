/**
 * The frames one end of a resumable link has sent and the peer has not acknowledged yet, in order,
 * each with the sequence number of its last message (or a number above it: see
 * {@link SequencedLink}). After a reconnection the frames the peer did not receive are sent again;
 * the peer skips the messages of a frame it already had.
 *
 * A held frame is an entry in two arrays, not an object: a stream of small frames then leaves
 * nothing per frame for the garbage collector to trace until it is acknowledged (views kept per frame
 * survived young collections and made them slower). The arrays are not garbage either: they are
 * reused in place, and a buffer that holds nothing gives them back to a pool shared by the process
 * (a link answering calls is emptied by almost every acknowledgement: with fresh arrays each time,
 * a thousand links' worth survived every young collection of main in bench/many).
 */
export class ReplayBuffer {
  /**
   * The frame itself, or the slab its copy was packed into. The shared empty {@link NONE} while nothing
   * is held: an idle link (most of them) keeps no arrays of its own.
   */
  #held: (Uint8Array | Slab)[] = NONE;
  /**
   * Three numbers a held frame: where a packed copy starts in its slab ({@link REFERENCED} or
   * {@link POOLED} otherwise), its length, and the sequence number of its last message.
   */
  #meta: number[] = NONE_META;
  /** Index of the oldest frame still held. Every slot outside `[#head, #tail)` holds {@link EMPTY}. */
  #head = 0;
  /** Index after the newest frame held (the arrays are reused, so they may be longer). */
  #tail = 0;
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
    return this.#tail - this.#head;
  }

  add(frame: Uint8Array, lastSeq: number): void {
    this.#push(frame, REFERENCED, frame.byteLength, lastSeq);
  }

  /**
   * Keeps a copy of `frame`, whose bytes are valid only during the call, and returns it. The copy's
   * memory comes from frames acknowledged earlier when it can: a stream of frames then reuses a few
   * buffers instead of touching fresh memory for each (slow on the machines this was measured on).
   */
  addCopy(frame: Uint8Array, lastSeq: number): Uint8Array {
    const length = frame.byteLength;
    if (length <= SLAB_BYTES / 2) {
      const slab = this.#copyToSlab(frame, lastSeq);
      return slab.bytes.subarray(slab.used - length, slab.used);
    }
    const copy = takeBuffer(length);
    copy.set(frame);
    this.#push(copy, POOLED, length, lastSeq);
    return copy;
  }

  /**
   * {@link addCopy} for a caller that needs no view of the copy (one whose frame is its own): a small
   * frame then leaves no object behind at all, only its bytes in a slab.
   */
  keepCopy(frame: Uint8Array, lastSeq: number): void {
    if (frame.byteLength <= SLAB_BYTES / 2) this.#copyToSlab(frame, lastSeq);
    else this.addCopy(frame, lastSeq);
  }

  /**
   * Keeps a copy of a small frame in the current slab (a fresh one when it does not fit): small frames
   * share slabs, as one ArrayBuffer per frame cost more than encoding the frame. Returns the slab.
   */
  #copyToSlab(frame: Uint8Array, lastSeq: number): Slab {
    const length = frame.byteLength;
    const slab = slabWithRoom(length);
    const start = slab.used;
    slab.bytes.set(frame, start);
    slab.used = start + length;
    slab.live++;
    this.#push(slab, start, length, lastSeq);
    return slab;
  }

  #push(held: Uint8Array | Slab, start: number, length: number, lastSeq: number): void {
    if (this.#held === NONE) {
      this.#held = freeHeld.pop() ?? [];
      this.#meta = freeMeta.pop() ?? [];
    } else if (this.#tail === this.#held.length && this.#head >= this.#tail / 2) this.#compact();
    const tail = this.#tail++;
    this.#held[tail] = held;
    const meta = this.#meta;
    meta[3 * tail] = start;
    meta[3 * tail + 1] = length;
    meta[3 * tail + 2] = lastSeq;
    this.#bytes += length;
  }

  /** Moves the frames held to the front of the arrays, which are at least half acknowledged slots. */
  #compact(): void {
    const head = this.#head;
    const tail = this.#tail;
    this.#held.copyWithin(0, head, tail).fill(EMPTY, tail - head, tail);
    this.#meta.copyWithin(0, 3 * head, 3 * tail);
    this.#head = 0;
    this.#tail = tail - head;
  }

  /** Nothing is held: the arrays go back to the pool (emptied), or to the garbage collector. */
  #dropArrays(): void {
    const held = this.#held;
    if (held.length <= MAX_POOLED_FRAMES && freeHeld.length < MAX_FREE_ARRAYS) {
      freeHeld.push(held);
      freeMeta.push(this.#meta);
    }
    this.#held = NONE;
    this.#meta = NONE_META;
    this.#head = 0;
    this.#tail = 0;
  }

  #frameAt(index: number): Uint8Array {
    const held = this.#held[index]!;
    if (held instanceof Uint8Array) return held;
    const start = this.#meta[3 * index]!;
    return held.bytes.subarray(start, start + this.#meta[3 * index + 1]!);
  }

  #release(index: number): void {
    const held = this.#held[index]!;
    const start = this.#meta[3 * index]!;
    if (start === REFERENCED) return;
    if (start === POOLED) {
      giveBack(held as Uint8Array);
      return;
    }
    const slab = held as Slab;
    slab.live--;
    if (slab.live > 0) return;
    if (slab === currentSlab)
      slab.used = 0; // empty: filled again from the start
    else giveBackSlab(slab);
  }

  /** The peer has every message up to `received`: frames that hold nothing later are dropped. */
  ack(received: number): void {
    if (received <= this.#acked) return;
    this.#acked = received;
    const held = this.#held;
    const meta = this.#meta;
    const tail = this.#tail;
    let head = this.#head;
    while (head < tail && meta[3 * head + 2]! <= received) {
      this.#bytes -= meta[3 * head + 1]!;
      this.#release(head);
      held[head] = EMPTY;
      head++;
    }
    this.#head = head;
    if (head === tail && held !== NONE) this.#dropArrays();
  }

  /** The frames holding a message after `received`, oldest first. */
  framesAfter(received: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = this.#head; i < this.#tail; i++) {
      if (this.#meta[3 * i + 2]! > received) out.push(this.#frameAt(i));
    }
    return out;
  }

  clear(): void {
    // Slabs are shared with the other buffers of the process: this buffer's copies leave them. Its own
    // pooled buffers are simply left to the garbage collector.
    const held = this.#held;
    for (let i = this.#head; i < this.#tail; i++) {
      if (this.#meta[3 * i]! >= 0) this.#release(i);
      held[i] = EMPTY;
    }
    if (held !== NONE) this.#dropArrays();
    this.#bytes = 0;
    this.#acked = 0;
  }
}

const EMPTY = new Uint8Array(0);
/** What a buffer holding nothing points at; never written to (see `#push`). */
const NONE: (Uint8Array | Slab)[] = [];
const NONE_META: number[] = [];
/** Emptied arrays for the next buffer that holds something, process-wide (in pairs: same index). */
const freeHeld: (Uint8Array | Slab)[][] = [];
const freeMeta: number[][] = [];
/**
 * Few are needed: a link answering calls gives its arrays back and takes them again within the same
 * task. Kept small so that connections going idle together leave little behind.
 */
const MAX_FREE_ARRAYS = 16;
/** Arrays that grew past this many frames (a burst) are left to the garbage collector. */
const MAX_POOLED_FRAMES = 32;
/** A held frame that is the sender's own (not copied). */
const REFERENCED = -1;
/** A held copy with a pooled buffer of its own. */
const POOLED = -2;

/**
 * Small copies are packed into slabs of this size; larger ones get a pooled buffer of their own. Every
 * replay buffer of the process packs into the same current slab: a process with a thousand connections
 * (a test harness, a gateway) then holds a few slabs instead of one per connection.
 */
const SLAB_BYTES = 64 * 1024;
/** Slabs kept for reuse, process-wide. */
const MAX_FREE_SLABS = 64;

interface Slab {
  readonly bytes: Uint8Array;
  /** Bytes handed out from the start. */
  used: number;
  /** Copies in it not acknowledged yet. */
  live: number;
}

const freeSlabs: Slab[] = [];
/** The slab small copies go to now, shared by every replay buffer. */
let currentSlab: Slab | undefined;

function takeSlab(): Slab {
  const slab = freeSlabs.pop();
  if (slab === undefined) return { bytes: new Uint8Array(SLAB_BYTES), used: 0, live: 0 };
  slab.used = 0;
  slab.live = 0;
  return slab;
}

/** The current slab, or a fresh one when `length` more bytes do not fit in it. */
function slabWithRoom(length: number): Slab {
  const slab = currentSlab;
  if (slab !== undefined && slab.used + length <= SLAB_BYTES) return slab;
  return (currentSlab = takeSlab());
}

function giveBackSlab(slab: Slab): void {
  if (freeSlabs.length < MAX_FREE_SLABS) freeSlabs.push(slab);
}
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
