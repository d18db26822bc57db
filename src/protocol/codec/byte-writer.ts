import { IpcError, IpcErrorCode } from '../errors.js';
import { SPAN_MIN_BYTES } from './binary-spans.js';
import { StringKind } from './tags.js';

/** Capacity of a fresh buffer. */
const INITIAL_CAPACITY = 4096;
/** Buffers up to this size go back to the pool on finish(); larger ones are dropped (memory). */
const MAX_POOLED = 4 * 1024 * 1024;
/**
 * finish() hands over (without copying) the buffer of outputs at least this large that fill at least
 * half of it; the next fresh buffer (one) starts at that capacity so it does not regrow step by step.
 */
const HANDOFF_MIN = 256 * 1024;
/** Strings shorter than this are encoded by a JS loop; longer ones with TextEncoder.encodeInto. */
const SHORT_STRING = 64;
/** Strings longer than this are encoded to an exact-size array first (no 3x reservation). */
const HUGE_STRING = 1 << 20;

const textEncoder = new TextEncoder();
const hasIsWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';

/**
 * One scratch buffer shared by all writers: a writer takes it on construction (when nobody else holds it)
 * and gives it back in finish(). A writer that never finishes (an exception while encoding) simply keeps
 * it; the next writer allocates a fresh one, which then becomes the pooled one. Re-entrant encoding (a
 * getter that itself encodes while we encode) therefore never shares a buffer.
 */
let pooled: Uint8Array | null = null;
let pooledView: DataView | null = null;
/**
 * Capacity of the next fresh buffer: after a hand-off, the size of the buffer given away, for one
 * writer only (the next large value then does not regrow step by step; everyone else starts small).
 */
let freshCapacity = INITIAL_CAPACITY;

/** Number of bytes `varuint(n)` takes. */
export function varuintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes `n` as LEB128 at `pos` (capacity must be checked by the caller); returns the new position. */
function putVaruint(buf: Uint8Array, pos: number, n: number): number {
  if (n < 0x80000000) {
    while (n >= 0x80) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos++] = n;
    return pos;
  }
  while (n >= 0x80) {
    buf[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/**
 * Encodes `s` (a string of length < {@link SHORT_STRING} containing a code unit >= 0x100) as UTF-8 at
 * `pos`. Returns the new position, or -1 when `s` has a lone surrogate (UTF-8 cannot represent it).
 */
function putUtf8(buf: Uint8Array, pos: number, s: string): number {
  const len = s.length;
  for (let i = 0; i < len; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      if (c > 0xdbff || i + 1 === len) return -1;
      const lo = s.charCodeAt(i + 1);
      if (lo < 0xdc00 || lo > 0xdfff) return -1;
      i++;
      c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
      buf[pos++] = 0xf0 | (c >> 18);
      buf[pos++] = 0x80 | ((c >> 12) & 0x3f);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}

function isWellFormed(s: string): boolean {
  if (hasIsWellFormed) return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
  // Older engines (no String.prototype.isWellFormed): scan for unpaired surrogates.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const d = s.charCodeAt(i + 1); // NaN past the end
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/**
 * A growable little-endian byte buffer. The frame layer writes its envelope fields with it and then
 * calls `writeValue(writer, value)`; `finish()` returns the bytes.
 *
 * All numbers written by `varuint` must be integers in `0..Number.MAX_SAFE_INTEGER`.
 * Not thread-safe, not re-usable after `finish()`.
 */
export class ByteWriter {
  /** @internal Current buffer; bytes `0..pos` are written. */
  buf: Uint8Array;
  /** @internal Write position. */
  pos = 0;
  /** @internal DataView over `buf` (kept in sync on growth). */
  view: DataView;
  /**
   * Where ArrayBuffers of at least {@link SPAN_MIN_BYTES} were written: `[position, length, ...]`
   * in `buf`, or null. Whoever sends a chunked message turns them into its spans (binary-spans.ts).
   */
  spans: number[] | null = null;

  constructor() {
    const p = pooled;
    if (p !== null) {
      pooled = null;
      this.buf = p;
      this.view = pooledView!;
    } else {
      this.buf = new Uint8Array(freshCapacity);
      freshCapacity = INITIAL_CAPACITY;
      this.view = new DataView(this.buf.buffer);
    }
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** @internal Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    const needed = this.pos + n;
    let cap = this.buf.length * 2;
    // Room to spare after a large write (a big ArrayBuffer or string), so the few bytes after it (the
    // rest of the message, its length prefix) do not double the buffer and copy it all once more.
    if (cap < needed) cap = needed + Math.max(INITIAL_CAPACITY, needed >>> 6);
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Writes one byte (0..255). */
  u8(n: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = n;
  }

  /** Writes an unsigned LEB128 integer (0..2^53-1). */
  varuint(n: number): void {
    if ((n & 0x7f) === n) {
      this.u8(n);
      return;
    }
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new IpcError(IpcErrorCode.InvalidArgument, `varuint out of range: ${n}`);
    }
    this.ensure(8);
    this.pos = putVaruint(this.buf, this.pos, n);
  }

  /** @internal Overwrites a varuint previously written at `at` using exactly `size` bytes (padded LEB128). */
  patchVaruint(at: number, n: number, size: number): void {
    const buf = this.buf;
    for (let i = 0; i < size - 1; i++) {
      buf[at++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    buf[at] = n;
  }

  /** Writes a float64, 8 bytes little-endian. */
  f64(n: number): void {
    if (this.pos + 8 > this.buf.length) this.grow(8);
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
  }

  /** Writes raw bytes (no length prefix). */
  /** Writes the bytes of an ArrayBuffer's contents, noting where they go when it is large (see {@link spans}). */
  bufferBytes(u8: Uint8Array): void {
    if (u8.length >= SPAN_MIN_BYTES) (this.spans ??= []).push(this.pos, u8.length);
    this.bytes(u8);
  }

  bytes(u8: Uint8Array): void {
    const n = u8.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    this.buf.set(u8, this.pos);
    this.pos += n;
  }

  /**
   * Writes a length-prefixed string losslessly: header `varuint(n * 4 + kind)` (see `StringKind`), then
   * n Latin-1 bytes, n UTF-8 bytes, or n UTF-16LE code units (2n bytes; only for strings with lone
   * surrogates, which UTF-8 cannot carry but structuredClone preserves).
   */
  string(s: string): void {
    const len = s.length;
    if (len < SHORT_STRING) {
      // Header: 1 byte when the payload is < 32 bytes, otherwise 2 (payload <= 3 * 63 bytes).
      const hs = len < 32 ? 1 : 2;
      if (this.pos + 3 * len + 2 > this.buf.length) this.grow(3 * len + 2);
      const buf = this.buf;
      const start = this.pos;
      let p = start + hs;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c > 0xff) break;
        buf[p++] = c;
      }
      let header: number;
      if (i === len) {
        header = len << 2; // StringKind.Latin1
      } else {
        p = putUtf8(buf, start + hs, s);
        if (p < 0) {
          this.utf16(s);
          return;
        }
        header = ((p - start - hs) << 2) | StringKind.Utf8;
      }
      if (header < 0x80) {
        if (hs === 2) {
          buf.copyWithin(start + 1, start + 2, p);
          p--;
        }
        buf[start] = header;
      } else {
        if (hs === 1) {
          buf.copyWithin(start + 2, start + 1, p);
          p++;
        }
        buf[start] = (header & 0x7f) | 0x80;
        buf[start + 1] = header >>> 7;
      }
      this.pos = p;
      return;
    }
    if (!isWellFormed(s)) {
      this.utf16(s);
      return;
    }
    if (len > HUGE_STRING) {
      // Exact-size encoding instead of reserving 3 bytes per code unit.
      const bytes = textEncoder.encode(s);
      this.varuint(bytes.length * 4 + StringKind.Utf8);
      this.bytes(bytes);
      return;
    }
    const max = len * 3;
    const hs = varuintSize(max * 4 + 1);
    this.ensure(hs + max);
    const start = this.pos;
    const { written } = textEncoder.encodeInto(s, this.buf.subarray(start + hs, start + hs + max));
    const header = written * 4 + StringKind.Utf8;
    const actual = varuintSize(header);
    if (actual < hs) this.buf.copyWithin(start + actual, start + hs, start + hs + written);
    putVaruint(this.buf, start, header);
    this.pos = start + actual + written;
  }

  private utf16(s: string): void {
    const len = s.length;
    this.ensure(8 + 2 * len);
    const buf = this.buf;
    let p = putVaruint(buf, this.pos, len * 4 + StringKind.Utf16);
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      buf[p++] = c & 0xff;
      buf[p++] = c >>> 8;
    }
    this.pos = p;
  }

  /**
   * Returns the written bytes, which the caller owns, and releases the internal buffer: a copy, or for
   * large outputs the buffer itself (a view of its first `length` bytes). The writer must not be used
   * afterwards.
   */
  finish(): Uint8Array {
    const buf = this.buf;
    const pos = this.pos;
    if (pos >= HANDOFF_MIN && pos * 2 >= buf.length) {
      freshCapacity = Math.min(buf.length, MAX_POOLED);
      this.buf = EMPTY;
      this.view = EMPTY_VIEW;
      this.pos = 0;
      return buf.subarray(0, pos);
    }
    const out = buf.slice(0, pos);
    this.release();
    return out;
  }

  /** Releases the internal buffer without producing output (for error paths). Idempotent. */
  release(): void {
    const buf = this.buf;
    if (buf.length !== 0 && buf.length <= MAX_POOLED && (pooled === null || pooled.length < buf.length)) {
      pooled = buf;
      pooledView = this.view;
    }
    this.buf = EMPTY;
    this.view = EMPTY_VIEW;
    this.pos = 0;
  }
}

const EMPTY = new Uint8Array(0);
const EMPTY_VIEW = new DataView(EMPTY.buffer);
