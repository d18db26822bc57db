import { IpcError, IpcErrorCode } from '../errors.js';
import { DEFAULT_LIMITS, type DecodeLimits } from '../limits.js';
import { StringKind } from './tags.js';

/** Strings of at most this many bytes are decoded by JS loops; longer UTF-8 goes to TextDecoder. */
const SHORT_UTF8 = 48;
/** Longest run decoded through a pre-sized code array (>= SHORT_UTF8). */
const SHORT_CODES = 64;
const UNITS: number[] = new Array<number>(SHORT_CODES).fill(0);
/** Longest Latin-1 string (bytes) kept in the string cache. */
const CACHE_MAX_LEN = 16;
const CACHE_SIZE = 4096;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const fromCharCode = String.fromCharCode;

/*
 * Key cache: object keys repeat a lot. A Latin-1 string
 * of up to 16 bytes is packed into four int32 words; a hit returns the same string instance (no
 * allocation; for keys V8 has it internalized already, which makes property stores cheap).
 */
const cacheLen = new Int32Array(CACHE_SIZE).fill(-1);
const cacheW0 = new Int32Array(CACHE_SIZE);
const cacheW1 = new Int32Array(CACHE_SIZE);
const cacheW2 = new Int32Array(CACHE_SIZE);
const cacheW3 = new Int32Array(CACHE_SIZE);
const cacheStr: string[] = new Array<string>(CACHE_SIZE).fill('');

/** Up to 4 bytes b[q..e) as a little-endian int32. */
function word(b: Uint8Array, q: number, e: number): number {
  let w = b[q]!;
  if (q + 1 < e) w |= b[q + 1]! << 8;
  if (q + 2 < e) w |= b[q + 2]! << 16;
  if (q + 3 < e) w |= b[q + 3]! << 24;
  return w;
}

/** `n` (1..16) Latin-1 bytes at `p` as a string, through the cache. */
function cachedLatin1(b: Uint8Array, p: number, n: number): string {
  if (n === 0) return '';
  const e = p + n;
  const w0 = word(b, p, e);
  const w1 = n > 4 ? word(b, p + 4, e) : 0;
  const w2 = n > 8 ? word(b, p + 8, e) : 0;
  const w3 = n > 12 ? word(b, p + 12, e) : 0;
  let h = Math.imul(w0 ^ n, 0x9e3779b1);
  h = Math.imul(h ^ w1, 0x85ebca6b);
  h = Math.imul(h ^ w2, 0xc2b2ae35);
  h = Math.imul(h ^ w3, 0x27d4eb2f);
  h = (h ^ (h >>> 15)) & (CACHE_SIZE - 1);
  if (cacheLen[h] === n && cacheW0[h] === w0 && cacheW1[h] === w1 && cacheW2[h] === w2 && cacheW3[h] === w3) {
    return cacheStr[h]!;
  }
  const s = latin1(b, p, n);
  cacheLen[h] = n;
  cacheW0[h] = w0;
  cacheW1[h] = w1;
  cacheW2[h] = w2;
  cacheW3[h] = w3;
  cacheStr[h] = s;
  return s;
}

/** @internal A key list defined by Tag.ShapeDef. */
export interface DecodedShape {
  readonly keys: string[];
  /** One of the keys is `__proto__` (needs defineProperty, never compiled). */
  readonly hasProto: boolean;
  /** ShapeRef uses so far in this message. */
  uses: number;
  /** Compiled factory, once there is one; undefined when compilation is impossible. */
  factory: ((r: ByteReader) => object) | null | undefined;
}

/** Placeholder for per-call arrays until readValue installs real ones. */
const NONE: unknown[] = [];

/** A Decode error mentioning the byte offset. */
export function decodeError(message: string, offset: number): IpcError {
  return new IpcError(IpcErrorCode.Decode, `Malformed input at byte ${offset}: ${message}`);
}

function truncated(offset: number, need: number, have: number): IpcError {
  return decodeError(`truncated input (need ${need} more bytes, ${have} left)`, offset);
}

/**
 * `String.fromCharCode.apply` over a packed array of exactly the right length is the fastest way to
 * build a short string in V8 (no intermediate cons-strings, no typed-array views); one array per length.
 */
const CODES: number[][] = [];
for (let i = 0; i <= SHORT_CODES; i++) CODES.push(new Array<number>(i).fill(0));

/** `n` bytes, each one code unit (Latin-1 / ASCII). */
function latin1(b: Uint8Array, p: number, n: number): string {
  if (n <= SHORT_CODES) {
    const codes = CODES[n]!;
    for (let i = 0; i < n; i++) codes[i] = b[p + i]!;
    return fromCharCode.apply(null, codes);
  }
  let s = '';
  for (let i = 0; i < n; i += 4096) {
    s += fromCharCode.apply(null, b.subarray(p + i, p + Math.min(n, i + 4096)) as unknown as number[]);
  }
  return s;
}

function utf16(b: Uint8Array, p: number, units: number): string {
  const chunk: number[] = [];
  let s = '';
  for (let i = 0; i < units; i++) {
    chunk.push(b[p + 2 * i]! | (b[p + 2 * i + 1]! << 8));
    if (chunk.length === 4096) {
      s += fromCharCode.apply(null, chunk);
      chunk.length = 0;
    }
  }
  return chunk.length === 0 ? s : s + fromCharCode.apply(null, chunk);
}

/** Strict UTF-8 decoding of short byte runs (same acceptance as a fatal TextDecoder). */
function utf8Short(b: Uint8Array, p: number, n: number, at: number): string {
  const end = p + n;
  const units = UNITS;
  let k = 0;
  while (p < end) {
    const c = b[p++]!;
    if (c < 0x80) {
      units[k++] = c;
      continue;
    }
    let cp: number;
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      cp = c & 0x1f;
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      cp = c & 0x0f;
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      cp = c & 0x07;
      need = 3;
      min = 0x10000;
    } else {
      throw decodeError('invalid UTF-8', at);
    }
    if (p + need > end) throw decodeError('invalid UTF-8', at);
    for (let k = 0; k < need; k++) {
      const cc = b[p++]!;
      if ((cc & 0xc0) !== 0x80) throw decodeError('invalid UTF-8', at);
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw decodeError('invalid UTF-8', at);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units[k++] = 0xd800 | (cp >> 10);
      units[k++] = 0xdc00 | (cp & 0x3ff);
    } else {
      units[k++] = cp;
    }
  }
  const codes = CODES[k]!;
  for (let i = 0; i < k; i++) codes[i] = units[i]!;
  return fromCharCode.apply(null, codes);
}

/**
 * Bounds-checked reader over untrusted bytes. Every method throws `IpcError` with code
 * `ERR_IPC_DECODE` (message includes the byte offset) on truncated or malformed input, and checks length
 * prefixes against the remaining input before allocating anything.
 */
export class ByteReader {
  /** @internal The input. */
  readonly src: Uint8Array;
  /** @internal Read position (absolute index into `src`). */
  pos: number;
  /** @internal End of input (exclusive). */
  readonly end: number;
  readonly limits: DecodeLimits;
  /** @internal Objects decoded so far by the current readValue call, indexed by id. */
  refs: unknown[] = NONE;
  /** @internal Object shapes (key lists) defined so far by the current readValue call. */
  shapes: DecodedShape[] = NONE as DecodedShape[];
  /** @internal Holes read by compiled shape factories and not yet removed (see shape-compiler.ts). */
  holes = 0;
  /** @internal Shape compilations triggered by the current readValue call. */
  compiles = 0;
  /** @internal Current nesting depth of the current readValue call. */
  depth = 0;
  /** @internal Sum of maxByteLength of resizable ArrayBuffers created by the current readValue call. */
  reserved = 0;
  private dv: DataView | null = null;

  /**
   * Reads `bytes` (a view is fine; offsets are relative to it). `limits` bound what readValue accepts;
   * checking the total size against `limits.maxPayload` is the caller's job (decode() does it).
   */
  constructor(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_LIMITS) {
    this.src = bytes;
    this.pos = 0;
    this.end = bytes.length;
    this.limits = limits;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes not yet consumed. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** True when every byte has been consumed. */
  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** @internal Throws unless `n` more bytes are available. */
  need(n: number): void {
    if (n > this.end - this.pos) throw truncated(this.pos, n, this.end - this.pos);
  }

  u8(): number {
    if (this.pos >= this.end) throw truncated(this.pos, 1, 0);
    return this.src[this.pos++]!;
  }

  /** Unsigned LEB128 up to 2^53-1 (at most 8 bytes; padded encodings are accepted). */
  varuint(): number {
    const src = this.src;
    const pos = this.pos;
    if (pos + 1 < this.end) {
      const b = src[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
      const b1 = src[pos + 1]!;
      if (b1 < 0x80) {
        this.pos = pos + 2;
        return (b & 0x7f) | (b1 << 7);
      }
    }
    return this.varuintSlow();
  }

  private varuintSlow(): number {
    const src = this.src;
    let pos = this.pos;
    const start = pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (pos >= this.end) throw truncated(pos, 1, 0);
      const b = src[pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) throw decodeError('varuint exceeds 2^53-1', start);
        this.pos = pos;
        return result;
      }
      scale *= 128;
    }
    throw decodeError('varuint longer than 8 bytes', start);
  }

  /** Float64, 8 bytes little-endian. */
  f64(): number {
    const pos = this.pos;
    if (pos + 8 > this.end) throw truncated(pos, 8, this.end - pos);
    let dv = this.dv;
    if (dv === null) dv = this.dv = new DataView(this.src.buffer, this.src.byteOffset, this.src.byteLength);
    this.pos = pos + 8;
    return dv.getFloat64(pos, true);
  }

  /** `n` raw bytes as a view into the input (no copy). */
  bytes(n: number): Uint8Array {
    const pos = this.pos;
    if (n > this.end - pos) throw truncated(pos, n, this.end - pos);
    this.pos = pos + n;
    return this.src.subarray(pos, pos + n);
  }

  /** A string written by `ByteWriter.string`. */
  string(): string {
    const at = this.pos;
    const header = this.varuint();
    const kind = header % 4;
    const n = (header - kind) / 4;
    const pos = this.pos;
    if (kind === StringKind.Latin1) {
      if (n > this.end - pos) throw truncated(pos, n, this.end - pos);
      this.pos = pos + n;
      return latin1(this.src, pos, n);
    }
    if (kind === StringKind.Utf8) {
      if (n > this.end - pos) throw truncated(pos, n, this.end - pos);
      this.pos = pos + n;
      if (n <= SHORT_UTF8) return utf8Short(this.src, pos, n, pos);
      try {
        return utf8Decoder.decode(this.src.subarray(pos, pos + n));
      } catch {
        throw decodeError('invalid UTF-8', pos);
      }
    }
    if (kind === StringKind.Utf16) {
      if (n > (this.end - pos) / 2) throw truncated(pos, 2 * n, this.end - pos);
      this.pos = pos + 2 * n;
      return utf16(this.src, pos, n);
    }
    throw decodeError(`unknown string kind ${kind}`, at);
  }

  /** @internal Like string(), through a cache for short Latin-1 strings; used for object keys. */
  key(): string {
    const src = this.src;
    const pos = this.pos;
    const header = src[pos]!;
    // One-byte header, Latin-1, 1..16 bytes.
    if (header < 0x80 && (header & 3) === 0 && header >>> 2 <= CACHE_MAX_LEN && pos < this.end) {
      const n = header >>> 2;
      const p = pos + 1;
      if (n > this.end - p) throw truncated(p, n, this.end - p);
      this.pos = p + n;
      return cachedLatin1(src, p, n);
    }
    return this.string();
  }
}
