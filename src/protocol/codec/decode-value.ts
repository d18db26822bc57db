import { IpcError, IpcErrorCode } from '../errors.js';
import { type ByteReader, type DecodedShape, decodeError } from './byte-reader.js';
import { isIndex } from './classify.js';
import { bigIntFromBytes } from './decode-bigint.js';
import { readArrayBuffer, readRef, readResizableArrayBuffer, readView } from './decode-binary.js';
import { Cost, overBudget, spend } from './decode-budget.js';
import { createError } from './error-factory.js';
import {
  COMPILE_AFTER_USES,
  cachedFactory,
  compileFactory,
  MAX_COMPILES_PER_MESSAGE,
  shapeCompilationEnabled,
} from './shape-compiler.js';
import { ErrorFlag, ErrorKind, Tag } from './tags.js';

const ERROR_CTORS: ErrorConstructor[] = [];
ERROR_CTORS[ErrorKind.Error] = Error;
ERROR_CTORS[ErrorKind.EvalError] = EvalError;
ERROR_CTORS[ErrorKind.RangeError] = RangeError;
ERROR_CTORS[ErrorKind.ReferenceError] = ReferenceError;
ERROR_CTORS[ErrorKind.SyntaxError] = SyntaxError;
ERROR_CTORS[ErrorKind.TypeError] = TypeError;
ERROR_CTORS[ErrorKind.URIError] = URIError;

const defineProperty = Object.defineProperty;
const MAX_ARRAY_LENGTH = 4294967295;
/**
 * Arrays up to PREALLOCATE_MAX elements are allocated at their final size (the length is bounded by the
 * input and charged to the allocation budget before this): growing with push reserves 17 slots for a
 * 2-element array, five times slower to build and three times the garbage for large values. Longer ones
 * (possible only within a raised budget) grow with push: V8 makes `new Array(n)` a slow dictionary
 * array for n of 2^26 and more.
 */
const PREALLOCATE_MAX = 1 << 22;

function tooDeep(r: ByteReader): IpcError {
  return new IpcError(
    IpcErrorCode.LimitExceeded,
    `Input nests deeper than maxDepth (${r.limits.maxDepth}) at byte ${r.pos}`,
  );
}

/**
 * Reads one value written by `writeValue`. Object ids (for references and cycles) are local to this
 * call. Throws only `IpcError`: `ERR_IPC_DECODE` for malformed input, `ERR_IPC_LIMIT_EXCEEDED` when
 * `reader.limits` are exceeded. Trailing bytes are left for the caller.
 */
export function readValue(reader: ByteReader): unknown {
  const refs = reader.refs;
  const shapes = reader.shapes;
  const depth = reader.depth;
  const reserved = reader.reserved;
  reader.refs = null;
  reader.shapes = null;
  if (reader.src[reader.pos] === Tag.Refs && reader.pos < reader.end) {
    reader.pos++;
    reader.refs = [];
  }
  reader.compiles = 0;
  reader.holes = 0;
  reader.depth = 0;
  reader.reserved = 0;
  try {
    return readAny(reader);
  } catch (error) {
    if (error instanceof IpcError) throw error;
    // Safety net: nothing else should escape, but never leak engine errors to the caller.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new IpcError(IpcErrorCode.LimitExceeded, 'Input nests too deeply for the call stack', {
        cause: error,
      });
    }
    throw new IpcError(IpcErrorCode.Decode, `Malformed input near byte ${reader.pos}: ${String(error)}`, {
      cause: error,
    });
  } finally {
    reader.refs = refs;
    reader.shapes = shapes;
    reader.depth = depth;
    reader.reserved = reserved;
  }
}

function readAny(r: ByteReader): unknown {
  const pos = r.pos;
  if (pos >= r.end) throw decodeError('truncated input (expected a value)', pos);
  const tag = r.src[pos]!;
  r.pos = pos + 1;
  if (tag >= Tag.FixIntBase) return tag - Tag.FixIntBase;
  switch (tag) {
    case Tag.String:
      return r.string();
    case Tag.Object:
      return readObject(r);
    case Tag.Array:
      return readArray(r, false);
    case Tag.ShapeRef:
      return readShapeRef(r);
    case Tag.ShapeDef:
      return readShapeDef(r);
    case Tag.Undefined:
      return undefined;
    case Tag.Null:
      return null;
    case Tag.False:
      return false;
    case Tag.True:
      return true;
    case Tag.PosInt:
      return r.varuint();
    case Tag.NegInt:
      return -r.varuint();
    case Tag.Float64:
      return r.f64();
    case Tag.Ref:
      return readRef(r);
    case Tag.BigIntPos:
      return readBigInt(r, false);
    case Tag.BigIntNeg:
      return readBigInt(r, true);
    case Tag.ArrayProps:
      return readArray(r, true);
    case Tag.SparseArray:
      return readSparseArray(r);
    case Tag.Date: {
      spend(r, Cost.Date, 'Date', pos);
      const d = new Date(r.f64());
      if (r.refs !== null) r.refs.push(d);
      return d;
    }
    case Tag.RegExp:
      return readRegExp(r);
    case Tag.Map:
      return readMap(r);
    case Tag.Set:
      return readSet(r);
    case Tag.ArrayBuffer:
      return readArrayBuffer(r);
    case Tag.ResizableArrayBuffer:
      return readResizableArrayBuffer(r);
    case Tag.View:
      return readView(r);
    case Tag.Error:
      return readError(r);
    case Tag.Boxed:
      return readBoxed(r);
    default:
      throw decodeError(`unknown tag 0x${tag.toString(16).padStart(2, '0')}`, pos);
  }
}

function readBigInt(r: ByteReader, negative: boolean): bigint {
  const at = r.pos;
  const n = r.varuint();
  r.need(n);
  if (n > r.limits.maxBigIntBytes) {
    throw new IpcError(
      IpcErrorCode.LimitExceeded,
      `BigInt of ${n} bytes exceeds maxBigIntBytes (${r.limits.maxBigIntBytes}) at byte ${at}. ` +
        'If the sender is trusted, raise limits.maxBigIntBytes.',
    );
  }
  if ((r.budget -= Cost.BigInt + n) < 0) throw overBudget(r, 'BigInt of byte length', at, n);
  const p = r.pos;
  r.pos = p + n;
  if (n === 0) return 0n;
  const v = bigIntFromBytes(r.src, p, n);
  return negative ? -v : v;
}

function readObject(r: ByteReader): object {
  const n = r.varuint();
  if (n > (r.end - r.pos) / 2) throw decodeError(`object with ${n} properties exceeds the input`, r.pos);
  if (r.depth >= r.limits.maxDepth) throw tooDeep(r);
  if ((r.budget -= Cost.Object + n * (Cost.Key + Cost.Slot)) < 0) {
    throw overBudget(r, 'object with property count', r.pos, n);
  }
  r.depth++;
  const o: Record<string, unknown> = {};
  if (r.refs !== null) r.refs.push(o);
  for (let i = 0; i < n; i++) {
    const k = r.key();
    const v = readAny(r);
    if (k === '__proto__')
      defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
    else o[k] = v;
  }
  r.depth--;
  return o;
}

function readShapeDef(r: ByteReader): object {
  const n = r.varuint();
  if (n > (r.end - r.pos) / 2) throw decodeError(`object with ${n} properties exceeds the input`, r.pos);
  if (r.depth >= r.limits.maxDepth) throw tooDeep(r);
  if ((r.budget -= Cost.Object + n * (Cost.Key + Cost.Slot)) < 0) {
    throw overBudget(r, 'object with property count', r.pos, n);
  }
  r.depth++;
  const keys: string[] = new Array(n);
  for (let i = 0; i < n; i++) keys[i] = r.key();
  (r.shapes ??= []).push({ keys, hasProto: keys.includes('__proto__'), uses: 0, factory: null });
  const o: Record<string, unknown> = {};
  if (r.refs !== null) r.refs.push(o);
  const src = r.src;
  for (let i = 0; i < n; i++) {
    if (src[r.pos] === Tag.Hole && r.pos < r.end) {
      r.pos++;
      continue;
    }
    const k = keys[i]!;
    const v = readAny(r);
    if (k === '__proto__')
      defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
    else o[k] = v;
  }
  r.depth--;
  return o;
}

/** Marks a value slot that was a Hole inside compiled shape factories; never escapes. */
const HOLE: object = Object.freeze({});

function readShapeValue(r: ByteReader): unknown {
  const pos = r.pos;
  if (r.src[pos] === Tag.Hole && pos < r.end) {
    r.pos = pos + 1;
    r.holes++;
    return HOLE;
  }
  return readAny(r);
}

function fixHoles(r: ByteReader, o: object, before: number): void {
  const rec = o as Record<string, unknown>;
  for (const k of Object.keys(rec)) if (rec[k] === HOLE) delete rec[k];
  r.holes = before;
}

/** The compiled factory for `shape`, if there is (or now should be) one. */
function factoryOf(r: ByteReader, shape: DecodedShape): ((r: ByteReader) => object) | null | undefined {
  const uses = shape.uses++;
  if (shape.hasProto || !shapeCompilationEnabled()) return (shape.factory = undefined);
  if (uses === 0) {
    const cached = cachedFactory<ByteReader>(shape.keys);
    if (cached !== undefined) shape.factory = cached;
    return shape.factory;
  }
  if (uses >= COMPILE_AFTER_USES && r.compiles < MAX_COMPILES_PER_MESSAGE) {
    r.compiles++;
    shape.factory = compileFactory(shape.keys, readAny, readShapeValue, fixHoles);
  }
  return shape.factory;
}

function readShapeRef(r: ByteReader): object {
  const at = r.pos;
  const id = r.varuint();
  const shape: DecodedShape | undefined = r.shapes?.[id];
  if (shape === undefined) throw decodeError(`reference to unknown shape ${id}`, at);
  const keys = shape.keys;
  const n = keys.length;
  if (n > r.end - r.pos) throw decodeError(`object with ${n} properties exceeds the input`, r.pos);
  if (r.depth >= r.limits.maxDepth) throw tooDeep(r);
  if ((r.budget -= Cost.Object + n) < 0) throw overBudget(r, 'object with property count', r.pos, n);
  r.depth++;
  let factory = shape.factory;
  if (factory === null) factory = factoryOf(r, shape);
  if (factory) {
    const o = factory(r);
    r.depth--;
    return o;
  }
  const o: Record<string, unknown> = {};
  if (r.refs !== null) r.refs.push(o);
  const src = r.src;
  if (shape.hasProto) {
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      if (src[r.pos] === Tag.Hole && r.pos < r.end) r.pos++;
      else defineProperty(o, k, { value: readAny(r), writable: true, enumerable: true, configurable: true });
    }
  } else {
    for (let i = 0; i < n; i++) {
      if (src[r.pos] === Tag.Hole && r.pos < r.end) r.pos++;
      else o[keys[i]!] = readAny(r);
    }
  }
  r.depth--;
  return o;
}

function readArray(r: ByteReader, withProps: boolean): unknown[] {
  const len = r.varuint();
  if (len > r.end - r.pos) throw decodeError(`array of length ${len} exceeds the input`, r.pos);
  if (r.depth >= r.limits.maxDepth) throw tooDeep(r);
  if ((r.budget -= Cost.Array + len) < 0) throw overBudget(r, 'array of length', r.pos, len);
  r.depth++;
  const src = r.src;
  let a: unknown[];
  if (len <= PREALLOCATE_MAX) {
    // Exact-size backing store; elements never assigned stay holes.
    a = new Array(len);
    if (r.refs !== null) r.refs.push(a);
    for (let i = 0; i < len; i++) {
      if (src[r.pos] === Tag.Hole && r.pos < r.end) r.pos++;
      else a[i] = readAny(r);
    }
  } else {
    a = [];
    if (r.refs !== null) r.refs.push(a);
    for (let i = 0; i < len; i++) {
      if (src[r.pos] === Tag.Hole && r.pos < r.end) {
        r.pos++;
        a.length = i + 1;
      } else {
        a.push(readAny(r));
      }
    }
  }
  if (withProps) readProps(r, a);
  r.depth--;
  return a;
}

/** Named (non-index) properties of an array. */
function readProps(r: ByteReader, a: unknown[]): void {
  const n = r.varuint();
  if (n > (r.end - r.pos) / 2) throw decodeError(`array with ${n} properties exceeds the input`, r.pos);
  spend(r, n * (Cost.Key + Cost.Slot), 'named array properties', r.pos);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const k = r.key();
    if (k === 'length' || isIndex(k))
      throw decodeError(`invalid array property name ${JSON.stringify(k)}`, at);
    const v = readAny(r);
    defineProperty(a, k, { value: v, writable: true, enumerable: true, configurable: true });
  }
}

function readSparseArray(r: ByteReader): unknown[] {
  const at = r.pos;
  const len = r.varuint();
  if (len > MAX_ARRAY_LENGTH) throw decodeError(`invalid array length ${len}`, at);
  if (len > r.limits.maxSparseArrayLength) {
    throw new IpcError(
      IpcErrorCode.LimitExceeded,
      `Sparse array length ${len} exceeds maxSparseArrayLength (${r.limits.maxSparseArrayLength}) at byte ${at}. ` +
        'If the sender is trusted, raise limits.maxSparseArrayLength.',
    );
  }
  if (r.depth >= r.limits.maxDepth) throw tooDeep(r);
  spend(r, Cost.Array, 'sparse array', at);
  r.depth++;
  const a = holeyArray(len);
  if (r.refs !== null) r.refs.push(a);
  const n = r.varuint();
  if (n > (r.end - r.pos) / 2) throw decodeError(`sparse array with ${n} elements exceeds the input`, r.pos);
  spend(r, n * (Cost.SparseElement + Cost.Slot), 'sparse array elements', r.pos);
  for (let i = 0; i < n; i++) {
    const ia = r.pos;
    const idx = r.varuint();
    if (idx >= len) throw decodeError(`array index ${idx} out of range (length ${len})`, ia);
    const v = readAny(r);
    defineProperty(a, idx, { value: v, writable: true, enumerable: true, configurable: true });
  }
  readProps(r, a);
  r.depth--;
  return a;
}

/**
 * An empty array of length `len` in constant time and memory. Setting `length` (or `new Array(len)`)
 * below V8's fast-array limit of 2^25 allocates a backing store of `len` slots: 15 bytes declaring
 * length 2^25-1 cost 1.1 s and 268 MB. Defining the last element first puts the array in dictionary
 * mode (it lies far past the empty backing store); deleting it keeps the length.
 */
function holeyArray(len: number): unknown[] {
  const a: unknown[] = [];
  if (len > 0) {
    defineProperty(a, len - 1, { value: undefined, writable: true, enumerable: true, configurable: true });
    delete a[len - 1];
  }
  return a;
}

function readRegExp(r: ByteReader): RegExp {
  const at = r.pos;
  spend(r, Cost.RegExp, 'RegExp', at);
  const source = r.string();
  const flags = r.string();
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch {
    throw decodeError('invalid RegExp', at);
  }
  if (r.refs !== null) r.refs.push(re);
  return re;
}

function readMap(r: ByteReader): Map<unknown, unknown> {
  const n = r.varuint();
  if (n > (r.end - r.pos) / 2) throw decodeError(`Map with ${n} entries exceeds the input`, r.pos);
  if (r.depth >= r.limits.maxDepth) throw tooDeep(r);
  spend(r, Cost.Map + n * (Cost.MapEntry + 2 * Cost.Slot), 'Map', r.pos);
  r.depth++;
  const m = new Map<unknown, unknown>();
  if (r.refs !== null) r.refs.push(m);
  for (let i = 0; i < n; i++) {
    const k = readAny(r);
    m.set(k, readAny(r));
  }
  r.depth--;
  return m;
}

function readSet(r: ByteReader): Set<unknown> {
  const n = r.varuint();
  if (n > r.end - r.pos) throw decodeError(`Set with ${n} entries exceeds the input`, r.pos);
  if (r.depth >= r.limits.maxDepth) throw tooDeep(r);
  spend(r, Cost.Set + n * (Cost.SetEntry + Cost.Slot), 'Set', r.pos);
  r.depth++;
  const s = new Set<unknown>();
  if (r.refs !== null) r.refs.push(s);
  for (let i = 0; i < n; i++) s.add(readAny(r));
  r.depth--;
  return s;
}

function readError(r: ByteReader): Error {
  const at = r.pos;
  const kind = r.u8();
  const flags = r.u8();
  const Ctor = ERROR_CTORS[kind];
  if (Ctor === undefined || flags > 7) throw decodeError('invalid Error header', at);
  spend(r, Cost.Error, 'Error', at);
  const message = flags & ErrorFlag.Message ? r.string() : undefined;
  const stack = flags & ErrorFlag.Stack ? r.string() : undefined;
  // Like V8's deserializer: `stack` is always an own property (undefined when there was none).
  const e = createError(Ctor, message, stack);
  if (r.refs !== null) r.refs.push(e);
  if (flags & ErrorFlag.Cause) {
    if (r.depth >= r.limits.maxDepth) throw tooDeep(r);
    r.depth++;
    const cause = readAny(r);
    r.depth--;
    defineProperty(e, 'cause', { value: cause, writable: true, enumerable: false, configurable: true });
  }
  return e;
}

function readBoxed(r: ByteReader): object {
  const at = r.pos;
  spend(r, Cost.Boxed, 'boxed primitive', at);
  const v = readAny(r);
  const t = typeof v;
  if (t !== 'number' && t !== 'string' && t !== 'boolean' && t !== 'bigint') {
    throw decodeError('boxed value is not a number, string, boolean or bigint', at);
  }
  const o = Object(v) as object;
  if (r.refs !== null) r.refs.push(o);
  return o;
}
