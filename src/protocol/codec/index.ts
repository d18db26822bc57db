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
 * Deliberate deviations from Node 20's structuredClone:
 * - Node `Buffer` and every other Uint8Array subclass arrive as a plain Uint8Array over a buffer holding
 *   only their own bytes (byteOffset 0), never the shared 8 KB pool; Electron behaves the same.
 * - SharedArrayBuffer (and views on one) throws NotCloneable: memory cannot be shared across processes.
 * - Blob/File and MessagePort throw NotCloneable (Node clones Blob; ports need a transfer list).
 * - An Error whose `cause` leads back to the Error itself round-trips; Node 20 throws while deserializing.
 * - AggregateError arrives as Error (like Node 20) and loses `errors` (like Node 20).
 * - Views on resizable ArrayBuffers arrive as fixed-length views (length tracking is not observable
 *   without resizing the buffer); the buffer itself stays resizable with its maxByteLength.
 * - Proxies cannot be detected: a Proxy is cloned through its traps (structuredClone throws).
 * - Brand checks are done with prototype-independent tricks; objects whose internal slots disagree with
 *   both their Object.prototype.toString tag and their prototype chain (e.g. a Map made with
 *   Reflect.construct(Map, [], Other)) are classified by tag/prototype instead of slots.
 * - Getters that mutate arrays while they are cloned may produce a different (still valid) result.
 * - Decoding: a sparse array's length may not exceed `limits.maxPayload` (64 MiB by default) so that a
 *   few bytes cannot produce an array of length 2^32-1; containers may not nest deeper than
 *   `limits.maxDepth` (the encoder enforces the default limit too).
 * - Typed array contents travel in the sender's byte order (every supported platform is little-endian).
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
 * trailing bytes) and ERR_IPC_LIMIT_EXCEEDED when a limit is exceeded; never anything else.
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
