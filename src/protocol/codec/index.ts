/**
 * Binary value codec with the semantics of HTML structured clone (what `structuredClone()` does in
 * Node 20 / Chromium), for values crossing the IPC boundary. Browser-safe: no Node APIs.
 *
 * Preserved exactly: undefined, null, booleans, numbers (-0, NaN, ±Infinity), BigInt, strings (including
 * lone surrogates), boxed primitives, plain objects (own enumerable string keys, getters invoked), arrays
 * (holes, extra named properties), Date (also invalid), RegExp (source + flags; lastIndex reset), Map,
 * Set, ArrayBuffer (also resizable), every typed array kind and DataView (sharing one ArrayBuffer with
 * offsets, like structuredClone), Error (name among Error/EvalError/RangeError/ReferenceError/SyntaxError/
 * TypeError/URIError else Error; message; stack; cause), shared references and cycles. Class instances
 * and null-prototype objects arrive as plain objects with Object.prototype. Not cloneable (IpcError
 * ERR_IPC_NOT_CLONEABLE, 'An object could not be cloned.'): functions, symbols, Promise, WeakMap, WeakSet,
 * WeakRef, FinalizationRegistry, generators, iterators, arguments objects, module namespaces, Intl and
 * WebAssembly objects, global objects, host objects with native constructors (DOM nodes, Blob, ...).
 *
 * Behaviour checked against Node 20's structuredClone by experiment (and by the property tests):
 * - Error: `name` is read through the prototype chain; only the seven names above survive (AggregateError
 *   and subclasses become Error); `message` only when it is an own data property (converted with
 *   ToString); `stack` only when it is a string; `cause` when it is an own data property; every other
 *   property is dropped. The decoded Error always has an own `stack` (undefined when there was none),
 *   like Node 20's deserializer. A symbol name/message throws (V8: TypeError; we: NotCloneable).
 * - Plain objects: own enumerable string keys in Object.keys order; getters run once; keys deleted by an
 *   earlier getter are skipped, keys added meanwhile are ignored. `__proto__` keys stay own data
 *   properties; decoded objects always have Object.prototype.
 * - Arguments objects, generators, iterators, Intl objects, module namespaces, globalThis: NotCloneable.
 *   URL, DOMException and other JS-implemented Node classes: plain objects (as in Node).
 *
 * Deliberate deviations from Node 20's structuredClone:
 * - Node `Buffer` and every other Uint8Array subclass arrive as a plain Uint8Array over a buffer holding
 *   only their own bytes (byteOffset 0), never the shared 8 KB pool; Electron behaves the same. Other
 *   typed array subclasses behave like structuredClone (plain typed array sharing the whole buffer).
 * - SharedArrayBuffer (and views on one) throws NotCloneable: memory cannot be shared across processes.
 * - Blob/File and MessagePort throw NotCloneable (Node clones Blob; ports need a transfer list); in
 *   browsers, platform objects (anything with a native constructor other than the cloneable built-ins,
 *   e.g. DOM nodes, ImageData, CryptoKey) throw as well.
 * - An Error whose `cause` leads back to the Error itself round-trips; Node 20 throws while deserializing.
 * - Views on resizable ArrayBuffers arrive as fixed-length views (length tracking is not observable
 *   without resizing the buffer); the buffer itself stays resizable with its maxByteLength.
 * - Proxies cannot be detected: a Proxy is cloned through its traps (structuredClone throws).
 * - Internal slots are not readable from JS: classification uses Object.prototype.toString plus
 *   side-effect-free brand checks, so objects whose slots disagree with both their tag and their
 *   prototype chain (e.g. a Map made with Reflect.construct(Map, [], Other)) are classified by
 *   tag/prototype. Object.create(Promise.prototype) throws (a Promise has no side-effect-free brand check).
 * - Getters that mutate arrays while they are cloned may produce a different (still valid) result.
 * - Decoding limits (hostile input): containers may not nest deeper than `limits.maxDepth` (the encoder
 *   refuses deeper values with ERR_IPC_LIMIT_EXCEEDED too, default limit); what one decode (or frame)
 *   allocates is charged against `limits.maxAllocations` before it is built (decode-budget.ts); a
 *   BigInt may have at most `limits.maxBigIntBytes` bytes; a sparse array's length may not exceed
 *   `limits.maxSparseArrayLength` (2^20 by default), so a few bytes cannot produce an array of length
 *   2^32-1 that hangs a consumer looping over it; resizable ArrayBuffers may reserve at most
 *   `limits.maxPayload` bytes (sum of maxByteLength) per value.
 * - Typed array contents travel in the sender's byte order (every supported platform is little-endian).
 * - Float16Array is supported where the runtime has it; decoding one where it does not is ERR_IPC_DECODE.
 */
import { IpcError, IpcErrorCode } from '../errors.js';
import { type DecodeLimits, resolveLimits } from '../limits.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { readValue } from './decode-value.js';
import { writeValue } from './encode-value.js';

export { ByteReader, decodeError } from './byte-reader.js';
export { ByteWriter, varuintSize } from './byte-writer.js';
export { readValue } from './decode-value.js';
export { NOT_CLONEABLE_MESSAGE, writeValue } from './encode-value.js';
export { setShapeCompilation } from './shape-compiler.js';
export { ErrorKind, StringKind, Tag, ViewKind } from './tags.js';

/** Encodes `value` (structuredClone semantics); throws IpcError ERR_IPC_NOT_CLONEABLE for non-cloneables. */
export function encode(value: unknown): Uint8Array {
  const w = new ByteWriter();
  try {
    writeValue(w, value);
    return w.finish();
  } finally {
    w.release();
  }
}

/**
 * Decodes bytes produced by {@link encode}. Throws IpcError ERR_IPC_DECODE for malformed input (also for
 * trailing bytes) and ERR_IPC_LIMIT_EXCEEDED when a limit is exceeded (`limits` fills what it leaves out
 * from DEFAULT_LIMITS; the allocation budget is per call); never anything else.
 */
export function decode(bytes: Uint8Array, limits?: Partial<DecodeLimits>): unknown {
  const resolved = resolveLimits(limits);
  if (bytes.length > resolved.maxPayload) {
    throw new IpcError(
      IpcErrorCode.LimitExceeded,
      `Input of ${bytes.length} bytes exceeds maxPayload (${resolved.maxPayload})`,
    );
  }
  const r = new ByteReader(bytes, resolved);
  const v = readValue(r);
  if (!r.atEnd) {
    throw new IpcError(
      IpcErrorCode.Decode,
      `Malformed input at byte ${r.offset}: ${r.remaining} trailing bytes`,
    );
  }
  return v;
}
