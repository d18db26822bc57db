import { IpcError, IpcErrorCode } from '../errors.js';
import { DEFAULT_LIMITS, type DecodeLimits } from '../limits.js';
import { StringKind } from './tags.js';

/** Strings of at most this many bytes are decoded by JS loops; longer UTF-8 goes to TextDecoder. */
const SHORT_UTF8 = 48;
/** Longest Latin-1 key (bytes) kept in the key cache. */
const KEY_CACHE_MAX = 16;
const KEY_CACHE_SIZE = 4096;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const fromCharCode = String.fromCharCode;

/*
 * Key cache: object keys repeat a lot (arrays of records). A Latin-1 key of up to 16 bytes is packed into
 * four int32 words; a hit returns the same string instance (no allocation, and V8 has it internalized
 * already, which makes the property store cheap).
 */
const cacheLen = new Int32Array(KEY_CACHE_SIZE).fill(-1);
const cacheW0 = new Int32Array(KEY_CACHE_SIZE);
const cacheW1 = new Int32Array(KEY_CACHE_SIZE);
const cacheW2 = new Int32Array(KEY_CACHE_SIZE);
const cacheW3 = new Int32Array(KEY_CACHE_SIZE);
const cacheStr: string[] = new Array<string>(KEY_CACHE_SIZE).fill('');

/** A Decode error mentioning the byte offset. */
export function decodeError(message: string, offset: number): IpcError {
  return new IpcError(IpcErrorCode.Decode, `Malformed input at byte ${offset}: ${message}`);
}

function truncated(offset: number, need: number, have: number): IpcError {
  return decodeError(`truncated input (need ${need} more bytes, ${have} left)`, offset);
}

/** Reads `n` (< 16, all < 0x80 or Latin-1) bytes as a string without intermediate allocations. */
function latin1Short(b: Uint8Array, p: number, n: number): string {
  switch (n) {
    case 0:
      return '';
    case 1:
      return fromCharCode(b[p]!);
    case 2:
      return fromCharCode(b[p]!, b[p + 1]!);
    case 3:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!);
    case 4:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
    case 5:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
    case 6:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
    case 7:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!);
    case 8:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
    default:
      return latin1Short(b, p, 8) + latin1Short(b, p + 8, n - 8);
  }
}

function latin1(b: Uint8Array, p: number, n: number): string {
  if (n < 16) return latin1Short(b, p, n);
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
  const units: number[] = [];
  while (p < end) {
    const c = b[p++]!;
    if (c < 0x80) {
      units.push(c);
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
      units.push(0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
    } else {
      units.push(cp);
    }
  }
  return fromCharCode.apply(null, units);
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
  refs: unknown[] = [];
  /** @internal Current nesting depth of the current readValue call. */
  depth = 0;
  /** @internal Sum of maxByteLength of resizable ArrayBuffers created by the current readValue call. */
  reserved = 0;
  private dv: DataView | null = null;

  /** Throws `ERR_IPC_LIMIT_EXCEEDED` when `bytes` is longer than `limits.maxPayload`. */
  constructor(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_LIMITS) {
    if (bytes.length > limits.maxPayload) {
      throw new IpcError(
        IpcErrorCode.LimitExceeded,
        `Input of ${bytes.length} bytes exceeds maxPayload (${limits.maxPayload})`,
      );
    }
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
    let pos = this.pos;
    if (pos < this.end) {
      const b = src[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
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

  /** @internal Like string(), with a cache for short Latin-1 strings (object keys). */
  key(): string {
    const src = this.src;
    const pos = this.pos;
    if (pos < this.end) {
      const header = src[pos]!;
      // One-byte header, Latin-1, 1..16 bytes.
      if (header < 0x80 && (header & 3) === 0 && header !== 0 && header >>> 2 <= KEY_CACHE_MAX) {
        const n = header >>> 2;
        const p = pos + 1;
        if (n > this.end - p) throw truncated(p, n, this.end - p);
        this.pos = p + n;
        let w0 = 0;
        let w1 = 0;
        let w2 = 0;
        let w3 = 0;
        for (let i = 0; i < n; i++) {
          const b = src[p + i]!;
          const shift = (i & 3) << 3;
          const w = i >>> 2;
          if (w === 0) w0 |= b << shift;
          else if (w === 1) w1 |= b << shift;
          else if (w === 2) w2 |= b << shift;
          else w3 |= b << shift;
        }
        let h = Math.imul(w0 ^ n, 0x9e3779b1);
        h = Math.imul(h ^ w1, 0x85ebca6b);
        h = Math.imul(h ^ w2, 0xc2b2ae35);
        h = Math.imul(h ^ w3, 0x27d4eb2f);
        h = (h ^ (h >>> 15)) & (KEY_CACHE_SIZE - 1);
        if (cacheLen[h] === n && cacheW0[h] === w0 && cacheW1[h] === w1 && cacheW2[h] === w2 && cacheW3[h] === w3) {
          return cacheStr[h]!;
        }
        const s = latin1Short(src, p, n);
        cacheLen[h] = n;
        cacheW0[h] = w0;
        cacheW1[h] = w1;
        cacheW2[h] = w2;
        cacheW3[h] = w3;
        cacheStr[h] = s;
        return s;
      }
    }
    return this.string();
  }
}
