import { IpcError, IpcErrorCode } from '../errors.js';
import { DEFAULT_LIMITS, type DecodeLimits } from '../limits.js';
import { Cost, overBudget } from './decode-budget.js';
import {
  CACHE_MAX_LEN,
  cachedLatin1,
  latin1,
  SHORT_UTF8,
  utf8Long,
  utf8Short,
  utf16,
} from './decode-strings.js';
import { StringKind } from './tags.js';

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

/** A Decode error mentioning the byte offset. */
export function decodeError(message: string, offset: number): IpcError {
  return new IpcError(IpcErrorCode.Decode, `Malformed input at byte ${offset}: ${message}`);
}

function truncated(offset: number, need: number, have: number): IpcError {
  return decodeError(`truncated input (need ${need} more bytes, ${have} left)`, offset);
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
  /**
   * @internal Objects decoded so far by the current readValue call, indexed by id; null when the value
   * has no Tag.Refs marker (it contains no references, so ids need not be tracked).
   */
  refs: unknown[] | null = null;
  /** @internal Object shapes (key lists) defined so far by the current readValue call. */
  shapes: DecodedShape[] | null = null;
  /** @internal Holes read by compiled shape factories and not yet removed (see shape-compiler.ts). */
  holes = 0;
  /** @internal Shape compilations triggered by the current readValue call. */
  compiles = 0;
  /** @internal Current nesting depth of the current readValue call. */
  depth = 0;
  /** @internal Sum of maxByteLength of resizable ArrayBuffers created by the current readValue call. */
  reserved = 0;
  /**
   * @internal Allocation units left (see decode-budget.ts). Set once per reader, not per value: a
   * frame's messages share one reader and so one budget, which bounds what one frame can cost.
   */
  budget: number;
  /**
   * @internal ArrayBuffers already holding the bytes of a chunked message's spans (binary-spans.ts),
   * by the position in the input where each span's bytes were cut out; readArrayBuffer takes one
   * instead of reading bytes, and removes it. Null otherwise.
   */
  filledSpans: Map<number, ArrayBuffer> | null = null;
  private dv: DataView | null = null;

  /**
   * Reads `bytes` (a view is fine; offsets are relative to it). `limits` bound what readValue accepts
   * (`maxAllocations` over everything this reader decodes); checking the total size against
   * `limits.maxPayload` is the caller's job (decode() does it).
   */
  constructor(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_LIMITS) {
    this.src = bytes;
    this.pos = 0;
    this.end = bytes.length;
    this.limits = limits;
    // (?? for limits objects built by hand without the newer fields: they get the default budget.)
    this.budget = limits.maxAllocations ?? DEFAULT_LIMITS.maxAllocations;
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
    if (n > 1 && (this.budget -= Cost.String) < 0) throw overBudget(this, 'string of length', at, n);
    if (kind === StringKind.Latin1) {
      if (n > this.end - pos) throw truncated(pos, n, this.end - pos);
      this.pos = pos + n;
      return latin1(this.src, pos, n);
    }
    if (kind === StringKind.Utf8) {
      if (n > this.end - pos) throw truncated(pos, n, this.end - pos);
      this.pos = pos + n;
      const str = n <= SHORT_UTF8 ? utf8Short(this.src, pos, n) : utf8Long(this.src, pos, n);
      if (str === undefined) throw decodeError('invalid UTF-8', pos);
      return str;
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
