/**
 * String decoding helpers of ByteReader (see ByteWriter.string for the three kinds). Short strings are
 * built in JS (fastest for the short keys and values that dominate IPC payloads), long UTF-8 with a
 * fatal TextDecoder (ignoreBOM, so a leading U+FEFF survives). UTF-8 is validated as strictly as
 * TextDecoder's fatal mode; invalid input yields `undefined` and the reader throws ERR_IPC_DECODE.
 */
import { latin1Short } from './latin1-short.js';

/** Strings of at most this many bytes are decoded by JS loops; longer UTF-8 goes to TextDecoder. */
export const SHORT_UTF8 = 48;
/** Longest run decoded through a pre-sized code array (>= SHORT_UTF8). */
const SHORT_CODES = 64;
const UNITS: number[] = new Array<number>(SHORT_CODES).fill(0);
/** Longest Latin-1 string (bytes) kept in the string cache. */
export const CACHE_MAX_LEN = 16;
const CACHE_SIZE = 4096;

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
export function cachedLatin1(b: Uint8Array, p: number, n: number): string {
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

/**
 * `String.fromCharCode.apply` over a packed array of exactly the right length is the fastest way to
 * build a short string in V8 (no intermediate cons-strings, no typed-array views); one array per length.
 */
const CODES: number[][] = [];
for (let i = 0; i <= SHORT_CODES; i++) CODES.push(new Array<number>(i).fill(0));

/** Decodes ASCII only (see latin1): there is nothing to replace and no BOM to strip. */
const asciiDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

function isAscii(b: Uint8Array, p: number, n: number): boolean {
  for (let i = p, end = p + n; i < end; i++) if (b[i]! >= 0x80) return false;
  return true;
}

/** `n` bytes, each one code unit (Latin-1 / ASCII). */
export function latin1(b: Uint8Array, p: number, n: number): string {
  if (n <= 24) return latin1Short(b, p, n);
  if (n <= SHORT_CODES) {
    const codes = CODES[n]!;
    for (let i = 0; i < n; i++) codes[i] = b[p + i]!;
    return fromCharCode.apply(null, codes);
  }
  // Long runs are mostly ASCII, which TextDecoder builds 2-4x faster than fromCharCode chunks (0.8
  // against 3-4 ns a byte from 100 bytes up; a 60 MiB string took 0.45 s, now 0.23 s).
  if (isAscii(b, p, n)) return asciiDecoder.decode(b.subarray(p, p + n));
  let s = '';
  for (let i = 0; i < n; i += 4096) {
    s += fromCharCode.apply(null, b.subarray(p + i, p + Math.min(n, i + 4096)) as unknown as number[]);
  }
  return s;
}

export function utf16(b: Uint8Array, p: number, units: number): string {
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
export function utf8Short(b: Uint8Array, p: number, n: number): string | undefined {
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
      return undefined;
    }
    if (p + need > end) return undefined;
    for (let j = 0; j < need; j++) {
      const cc = b[p++]!;
      if ((cc & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
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

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict UTF-8 decoding of long runs (TextDecoder); undefined when the bytes are not valid UTF-8. */
export function utf8Long(b: Uint8Array, p: number, n: number): string | undefined {
  try {
    return utf8Decoder.decode(b.subarray(p, p + n));
  } catch {
    return undefined;
  }
}
