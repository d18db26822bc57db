import { IpcError, IpcErrorCode } from '../errors.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { type ByteWriter, varuintSize } from './byte-writer.js';
import { classify, isSpecialPlain, Kind } from './classify.js';
import { ErrorFlag, ErrorKind, Tag, ViewKind } from './tags.js';

/** Electron's wording for values that cannot be sent. */
export const NOT_CLONEABLE_MESSAGE = 'An object could not be cloned.';

function notCloneable(): IpcError {
  return new IpcError(IpcErrorCode.NotCloneable, NOT_CLONEABLE_MESSAGE);
}

function tooDeep(maxDepth: number): IpcError {
  return new IpcError(IpcErrorCode.LimitExceeded, `Value is nested deeper than maxDepth (${maxDepth})`);
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
const getter = (proto: object, name: string): AnyFn | undefined =>
  Object.getOwnPropertyDescriptor(proto, name)?.get as AnyFn | undefined;

const ObjectProto = Object.prototype;
const getProto = Object.getPrototypeOf;
const objectKeys = Object.keys;
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
const hasOwn = Object.prototype.hasOwnProperty;
const getOwnDesc = Object.getOwnPropertyDescriptor;

const TypedArrayProto = getProto(Uint8Array.prototype) as object;
const taTag =
  getter(TypedArrayProto, Symbol.toStringTag as unknown as string) ??
  (Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag)!.get as AnyFn);
const taBuffer = getter(TypedArrayProto, 'buffer')!;
const taByteOffset = getter(TypedArrayProto, 'byteOffset')!;
const taByteLength = getter(TypedArrayProto, 'byteLength')!;
const dvBuffer = getter(DataView.prototype, 'buffer')!;
const dvByteOffset = getter(DataView.prototype, 'byteOffset')!;
const dvByteLength = getter(DataView.prototype, 'byteLength')!;
const abByteLength = getter(ArrayBuffer.prototype, 'byteLength')!;
const abResizable = getter(ArrayBuffer.prototype, 'resizable');
const abMaxByteLength = getter(ArrayBuffer.prototype, 'maxByteLength');
const abDetached = getter(ArrayBuffer.prototype, 'detached');
const dateGetTime = Date.prototype.getTime as AnyFn;
const regExpSource = getter(RegExp.prototype, 'source')!;
const mapForEach = Map.prototype.forEach as (this: unknown, cb: (v: unknown, k: unknown) => void) => void;
const setForEach = Set.prototype.forEach as (this: unknown, cb: (v: unknown) => void) => void;
const numberValueOf = Number.prototype.valueOf as AnyFn;
const stringValueOf = String.prototype.valueOf as AnyFn;
const booleanValueOf = Boolean.prototype.valueOf as AnyFn;
const bigintValueOf = BigInt.prototype.valueOf as AnyFn;
const Uint8Proto = Uint8Array.prototype;

/** RegExp flag getters in the order of the `flags` string. */
const FLAG_GETTERS: [string, AnyFn][] = [];
for (const [flag, name] of [
  ['d', 'hasIndices'],
  ['g', 'global'],
  ['i', 'ignoreCase'],
  ['m', 'multiline'],
  ['s', 'dotAll'],
  ['u', 'unicode'],
  ['v', 'unicodeSets'],
  ['y', 'sticky'],
] as const) {
  const fn = getter(RegExp.prototype, name);
  if (fn !== undefined) FLAG_GETTERS.push([flag, fn]);
}

const VIEW_KINDS: Record<string, number> = { __proto__: null } as unknown as Record<string, number>;
for (const name of Object.keys(ViewKind)) VIEW_KINDS[name] = ViewKind[name as keyof typeof ViewKind];

function errorKind(name: string): number {
  switch (name) {
    case 'EvalError':
      return ErrorKind.EvalError;
    case 'RangeError':
      return ErrorKind.RangeError;
    case 'ReferenceError':
      return ErrorKind.ReferenceError;
    case 'SyntaxError':
      return ErrorKind.SyntaxError;
    case 'TypeError':
      return ErrorKind.TypeError;
    case 'URIError':
      return ErrorKind.URIError;
    default:
      return ErrorKind.Error;
  }
}

/** Identity tracking switches from a linear list to a Set after this many objects. */
const LIST_MAX = 12;

/** Per-call encoder state; one instance is pooled (re-entrant calls allocate their own). */
class EncodeState {
  w: ByteWriter = null as unknown as ByteWriter;
  /** Objects in id order while `set` is null (first `count` slots; null: ids of synthesized buffers). */
  list: (object | null)[] = new Array<object | null>(LIST_MAX).fill(null);
  /**
   * Every object written so far, in id order (Set iteration order is insertion order). Membership is
   * all the hot path needs; `ids` is built from it only when an object is met a second time.
   */
  set: Set<object> | null = null;
  ids: Map<object, number> | null = null;
  count = 0;
  maxDepth = 0;
  /** Plain objects written so far; shapes are used only once a value has a few of them. */
  plainCount = 0;
  /** Key lists seen so far, by first key (chained). */
  shapes: Map<string, Shape> | null = null;
  shapeCount = 0;
  /** Object.prototype has no enumerable properties (for-in over plain objects sees own keys only). */
  forInSafe = true;
}

/** True when for-in over `{}` yields nothing (nobody added enumerable properties to Object.prototype). */
function objectProtoClean(): boolean {
  for (const _ in {}) return false;
  return true;
}

/** A key list written with ShapeDef. */
interface Shape {
  readonly keys: string[];
  readonly id: number;
  readonly next: Shape | undefined;
}

/** Plain objects up to this count are written with Tag.Object (small messages skip shape bookkeeping). */
const SHAPE_AFTER = 4;

/** Id of the shape with exactly these keys, or -1 after registering `keys` as the next shape. */
function shapeOf(st: EncodeState, keys: string[]): number {
  let shapes = st.shapes;
  if (shapes === null) shapes = st.shapes = new Map();
  const first = keys[0]!;
  const head = shapes.get(first);
  const n = keys.length;
  outer: for (let s = head; s !== undefined; s = s.next) {
    const sk = s.keys;
    if (sk.length !== n) continue;
    for (let i = 1; i < n; i++) if (sk[i] !== keys[i]) continue outer;
    return s.id;
  }
  shapes.set(first, { keys, id: st.shapeCount++, next: head });
  return -1;
}

let freeState: EncodeState | null = new EncodeState();

/**
 * Returns the id of `o` when it was written before, otherwise registers it under the next id and
 * returns -1. Three modes: a short list (small values), then a Set (membership only: cheapest), then,
 * from the first repeated object on, a Map from object to id.
 */
function idOf(st: EncodeState, o: object): number {
  const ids = st.ids;
  if (ids !== null) {
    const id = ids.get(o);
    if (id !== undefined) return id;
    ids.set(o, st.count++);
    return -1;
  }
  const set = st.set;
  if (set === null) {
    const list = st.list;
    const n = st.count;
    for (let i = 0; i < n; i++) if (list[i] === o) return i;
    list[n] = o;
    st.count = n + 1;
    if (n + 1 === LIST_MAX) st.set = toSet(list);
    return -1;
  }
  const size = set.size;
  set.add(o);
  if (set.size !== size) {
    st.count = size + 1;
    return -1;
  }
  // First repeated object: index everything written so far (Set order is id order), once.
  const m = new Map<object, number>();
  let i = 0;
  for (const x of set) m.set(x, i++);
  st.ids = m;
  st.set = null;
  return m.get(o)!;
}

function toSet(list: (object | null)[]): Set<object> {
  const s = new Set<object>();
  for (const x of list) s.add(x ?? {});
  return s;
}

/** Consumes an id for an object that has no source object (the own-bytes buffer of a Buffer). */
function syntheticId(st: EncodeState): void {
  if (st.ids !== null) {
    st.count++;
  } else if (st.set !== null) {
    st.set.add({});
    st.count = st.set.size;
  } else {
    st.list[st.count++] = null;
    if (st.count === LIST_MAX) st.set = toSet(st.list);
  }
}

/**
 * Appends the encoding of `value` to `writer`, with structuredClone semantics. Throws `IpcError`
 * `ERR_IPC_NOT_CLONEABLE` (message 'An object could not be cloned.') for functions, symbols, Promises,
 * WeakMaps, ..., and `ERR_IPC_LIMIT_EXCEEDED` when containers nest deeper than `maxDepth` (the decoder's
 * limit would reject it anyway). Errors thrown by getters of `value` propagate unchanged.
 * On throw, the writer holds partial output; discard it.
 */
export function writeValue(
  writer: ByteWriter,
  value: unknown,
  maxDepth: number = DEFAULT_LIMITS.maxDepth,
): void {
  let st = freeState;
  if (st === null) st = new EncodeState();
  else freeState = null;
  st.w = writer;
  st.maxDepth = maxDepth;
  st.forInSafe = objectProtoClean();
  try {
    writeAny(st, value, 0);
  } finally {
    st.w = null as unknown as ByteWriter;
    st.list.fill(null, 0, Math.min(st.count, LIST_MAX));
    st.set = null;
    st.ids = null;
    st.count = 0;
    st.plainCount = 0;
    st.shapes = null;
    st.shapeCount = 0;
    freeState = st;
  }
}

function writeAny(st: EncodeState, v: unknown, depth: number): void {
  if (typeof v === 'string') {
    const w = st.w;
    w.u8(Tag.String);
    w.string(v);
  } else if (typeof v === 'number') {
    writeNumber(st.w, v);
  } else if (typeof v === 'object') {
    if (v === null) st.w.u8(Tag.Null);
    else writeObject(st, v, depth);
  } else if (typeof v === 'boolean') {
    st.w.u8(v ? Tag.True : Tag.False);
  } else if (v === undefined) {
    st.w.u8(Tag.Undefined);
  } else if (typeof v === 'bigint') {
    writeBigInt(st.w, v);
  } else {
    throw notCloneable(); // function, symbol
  }
}

function writeNumber(w: ByteWriter, n: number): void {
  if ((n | 0) === n) {
    if (n >= 0) {
      if (n < 0x80) {
        if (n === 0 && 1 / n < 0) {
          w.u8(Tag.Float64);
          w.f64(n);
          return;
        }
        w.u8(Tag.FixIntBase + n);
        return;
      }
      w.u8(Tag.PosInt);
      w.varuint(n);
      return;
    }
    w.u8(Tag.NegInt);
    w.varuint(-n);
    return;
  }
  if (Number.isSafeInteger(n)) {
    if (n > 0) {
      w.u8(Tag.PosInt);
      w.varuint(n);
    } else {
      w.u8(Tag.NegInt);
      w.varuint(-n);
    }
    return;
  }
  w.u8(Tag.Float64);
  w.f64(n);
}

function writeBigInt(w: ByteWriter, b: bigint): void {
  const neg = b < 0n;
  let hex = (neg ? -b : b).toString(16);
  if (hex.length & 1) hex = `0${hex}`;
  const n = hex.length >>> 1;
  w.u8(neg ? Tag.BigIntNeg : Tag.BigIntPos);
  w.varuint(n);
  w.ensure(n);
  const buf = w.buf;
  let p = w.pos;
  for (let i = hex.length; i > 0; i -= 2) buf[p++] = Number.parseInt(hex.slice(i - 2, i), 16);
  w.pos = p;
}

function writeObject(st: EncodeState, o: object, depth: number): void {
  const id = idOf(st, o);
  if (id >= 0) {
    st.w.u8(Tag.Ref);
    st.w.varuint(id);
    return;
  }
  if (isArray(o)) {
    writeArray(st, o, depth);
    return;
  }
  const proto = getProto(o);
  if (proto === ObjectProto || proto === null) {
    if ('callee' in o && isSpecialPlain(o)) throw notCloneable(); // arguments objects
    if (proto === null && isSpecialPlain(o)) throw notCloneable(); // module namespaces
    if (st.forInSafe) writePlainForIn(st, o, depth);
    else writePlain(st, o, depth, objectKeys(o));
    return;
  }
  if (isView(o)) {
    writeView(st, o as ArrayBufferView);
    return;
  }
  const w = st.w;
  switch (classify(o)) {
    case Kind.Plain:
      writePlain(st, o, depth, objectKeys(o));
      return;
    case Kind.Date:
      w.u8(Tag.Date);
      w.f64(dateGetTime.call(o) as number);
      return;
    case Kind.RegExp: {
      let flags = '';
      for (const [flag, fn] of FLAG_GETTERS) if (fn.call(o)) flags += flag;
      w.u8(Tag.RegExp);
      w.string(regExpSource.call(o) as string);
      w.string(flags);
      return;
    }
    case Kind.Map:
      writeMap(st, o, depth);
      return;
    case Kind.Set:
      writeSet(st, o, depth);
      return;
    case Kind.ArrayBuffer:
      writeArrayBuffer(w, o as ArrayBuffer);
      return;
    case Kind.Error:
      writeError(st, o as Error, depth);
      return;
    case Kind.Number:
      w.u8(Tag.Boxed);
      writeNumber(w, numberValueOf.call(o) as number);
      return;
    case Kind.String:
      w.u8(Tag.Boxed);
      w.u8(Tag.String);
      w.string(stringValueOf.call(o) as string);
      return;
    case Kind.Boolean:
      w.u8(Tag.Boxed);
      w.u8(booleanValueOf.call(o) ? Tag.True : Tag.False);
      return;
    case Kind.BigInt:
      w.u8(Tag.Boxed);
      writeBigInt(w, bigintValueOf.call(o) as bigint);
      return;
    default:
      throw notCloneable();
  }
}

/** Writes a plain object given its own enumerable string keys. */
function writePlain(st: EncodeState, o: object, depth: number, keys: string[]): void {
  if (depth >= st.maxDepth) throw tooDeep(st.maxDepth);
  const n = keys.length;
  const w = st.w;
  const rec = o as Record<string, unknown>;
  if (n === 0 || st.plainCount++ < SHAPE_AFTER) {
    w.u8(Tag.Object);
    const at = w.pos;
    w.varuint(n);
    let written = 0;
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const v = rec[k];
      if (v === undefined && !hasOwn.call(o, k)) continue; // deleted by a getter meanwhile
      w.string(k);
      writeAny(st, v, depth + 1);
      written++;
    }
    if (written !== n) w.patchVaruint(at, written, varuintSize(n));
    return;
  }
  writeShapeHeader(st, keys);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const v = rec[k];
    if (v === undefined && !hasOwn.call(o, k))
      w.u8(Tag.Hole); // deleted by a getter meanwhile
    else writeAny(st, v, depth + 1);
  }
}

function writeShapeHeader(st: EncodeState, keys: string[]): void {
  const w = st.w;
  const shape = shapeOf(st, keys);
  if (shape >= 0) {
    w.u8(Tag.ShapeRef);
    w.varuint(shape);
  } else {
    // Keys first: the values may contain objects of this same shape (a ShapeRef to it).
    w.u8(Tag.ShapeDef);
    w.varuint(keys.length);
    for (let i = 0; i < keys.length; i++) w.string(keys[i]!);
  }
}

/**
 * Same output as writePlain for objects whose prototype is Object.prototype or null, while
 * Object.prototype has no enumerable properties (so for-in sees own keys only, in Object.keys order).
 * for-in neither allocates a key array nor does megamorphic keyed loads (V8 reads through the enum
 * cache), which makes it about twice as fast as Object.keys + o[k].
 */
function writePlainForIn(st: EncodeState, o: object, depth: number): void {
  if (depth >= st.maxDepth) throw tooDeep(st.maxDepth);
  if (st.plainCount < SHAPE_AFTER) {
    writePlain(st, o, depth, objectKeys(o));
    return;
  }
  // Pass 1: does o have exactly the keys of the latest shape starting with its first key?
  const rec = o as Record<string, unknown>;
  let shape: Shape | undefined;
  let n = 0;
  let match = true;
  for (const k in rec) {
    if (n === 0) {
      shape = st.shapes?.get(k);
      if (shape === undefined) {
        match = false;
        break;
      }
    } else if (k !== shape!.keys[n]) {
      match = false;
      break;
    }
    n++;
  }
  if (n === 0 && match) {
    // No keys at all.
    st.w.u8(Tag.Object);
    st.w.u8(0);
    return;
  }
  if (!match || n !== shape!.keys.length) {
    writePlain(st, o, depth, objectKeys(o));
    return;
  }
  st.plainCount++;
  const w = st.w;
  w.u8(Tag.ShapeRef);
  w.varuint(shape!.id);
  // Pass 2: values. A getter may delete keys not yet visited (for-in skips them: Hole) or add keys
  // (ignored, like structuredClone, which snapshots the key list).
  const keys = shape!.keys;
  let i = 0;
  for (const k in rec) {
    if (k !== keys[i]) {
      const j = keys.indexOf(k, i);
      if (j < 0) continue;
      for (; i < j; i++) w.u8(Tag.Hole);
    }
    writeAny(st, rec[k], depth + 1);
    if (++i === n) break;
  }
  for (; i < n; i++) w.u8(Tag.Hole);
}

/** Canonical array index ("0".."4294967294"). */
function isIndex(k: string): boolean {
  const c = k.charCodeAt(0);
  if (c < 0x30 || c > 0x39) return false;
  if (k.length > 10) return false;
  const n = Number(k);
  return n < 4294967295 && String(n) === k;
}

function writeArray(st: EncodeState, a: unknown[], depth: number): void {
  if (depth >= st.maxDepth) throw tooDeep(st.maxDepth);
  const w = st.w;
  const len = a.length;
  const keys = objectKeys(a);
  const nk = keys.length;
  if (nk === len && (len === 0 || keys[len - 1] === String(len - 1))) {
    // Dense, no named properties (the common case).
    w.u8(Tag.Array);
    w.varuint(len);
    for (let i = 0; i < len; i++) {
      const v = a[i];
      if (v === undefined && !(i in a)) w.u8(Tag.Hole);
      else writeAny(st, v, depth + 1);
    }
    return;
  }
  // Index keys come first in own-key order; the rest are named properties.
  let ni = nk;
  while (ni > 0 && !isIndex(keys[ni - 1]!)) ni--;
  if (len - ni > 64 && len > 2 * ni) {
    w.u8(Tag.SparseArray);
    w.varuint(len);
    const at = w.pos;
    w.varuint(ni);
    let written = 0;
    for (let i = 0; i < ni; i++) {
      const idx = Number(keys[i]);
      const v = a[idx];
      if (v === undefined && !(idx in a)) continue;
      w.varuint(idx);
      writeAny(st, v, depth + 1);
      written++;
    }
    if (written !== ni) w.patchVaruint(at, written, varuintSize(ni));
  } else {
    w.u8(ni === nk ? Tag.Array : Tag.ArrayProps);
    w.varuint(len);
    for (let i = 0; i < len; i++) {
      const v = a[i];
      if (v === undefined && !(i in a)) w.u8(Tag.Hole);
      else writeAny(st, v, depth + 1);
    }
    if (ni === nk) return;
  }
  writeProps(st, a, keys, ni, depth);
}

/** Named properties keys[from..] of an array: varuint count + (key, value) pairs. */
function writeProps(st: EncodeState, o: object, keys: string[], from: number, depth: number): void {
  const w = st.w;
  const n = keys.length - from;
  const at = w.pos;
  w.varuint(n);
  let written = 0;
  const rec = o as Record<string, unknown>;
  for (let i = from; i < keys.length; i++) {
    const k = keys[i]!;
    const v = rec[k];
    if (v === undefined && !hasOwn.call(o, k)) continue;
    w.string(k);
    writeAny(st, v, depth + 1);
    written++;
  }
  if (written !== n) w.patchVaruint(at, written, varuintSize(n));
}

function writeMap(st: EncodeState, m: object, depth: number): void {
  if (depth >= st.maxDepth) throw tooDeep(st.maxDepth);
  const entries: unknown[] = [];
  mapForEach.call(m, (v, k) => {
    entries.push(k, v);
  });
  const w = st.w;
  w.u8(Tag.Map);
  w.varuint(entries.length >>> 1);
  for (let i = 0; i < entries.length; i++) writeAny(st, entries[i], depth + 1);
}

function writeSet(st: EncodeState, s: object, depth: number): void {
  if (depth >= st.maxDepth) throw tooDeep(st.maxDepth);
  const values: unknown[] = [];
  setForEach.call(s, (v) => {
    values.push(v);
  });
  const w = st.w;
  w.u8(Tag.Set);
  w.varuint(values.length);
  for (let i = 0; i < values.length; i++) writeAny(st, values[i], depth + 1);
}

/** Bytes of an ArrayBuffer; throws NotCloneable for detached (and shared) buffers. */
function bufferBytes(b: ArrayBuffer): Uint8Array {
  let len: number;
  try {
    len = abByteLength.call(b) as number; // throws for SharedArrayBuffer
  } catch {
    throw notCloneable();
  }
  if (abDetached?.call(b)) throw notCloneable();
  try {
    return new Uint8Array(b, 0, len); // throws for a detached buffer
  } catch {
    throw notCloneable();
  }
}

function writeArrayBuffer(w: ByteWriter, b: ArrayBuffer): void {
  const bytes = bufferBytes(b);
  if (abResizable?.call(b)) {
    w.u8(Tag.ResizableArrayBuffer);
    w.varuint(bytes.length);
    w.varuint(abMaxByteLength!.call(b) as number);
  } else {
    w.u8(Tag.ArrayBuffer);
    w.varuint(bytes.length);
  }
  w.bytes(bytes);
}

function writeView(st: EncodeState, view: ArrayBufferView): void {
  const w = st.w;
  const name = taTag.call(view) as string | undefined;
  if (name === undefined) {
    const buffer = dvBuffer.call(view) as ArrayBuffer;
    bufferBytes(buffer); // detached / shared check
    w.u8(Tag.View);
    w.u8(ViewKind.DataView);
    w.varuint(dvByteOffset.call(view) as number);
    w.varuint(dvByteLength.call(view) as number);
    writeViewBuffer(st, buffer);
    return;
  }
  const kind = VIEW_KINDS[name];
  if (kind === undefined) throw notCloneable();
  const buffer = taBuffer.call(view) as ArrayBuffer;
  const offset = taByteOffset.call(view) as number;
  const length = taByteLength.call(view) as number;
  const all = bufferBytes(buffer);
  w.u8(Tag.View);
  w.u8(kind);
  if (kind === ViewKind.Uint8Array && getProto(view) !== Uint8Proto) {
    // Node Buffer (or another Uint8Array subclass): only its own bytes travel, as a plain Uint8Array
    // over a buffer of exactly that size (Electron does the same), never the 8 KB pool behind it.
    w.varuint(0);
    w.varuint(length);
    syntheticId(st);
    w.u8(Tag.ArrayBuffer);
    w.varuint(length);
    w.bytes(all.subarray(offset, offset + length));
    return;
  }
  w.varuint(offset);
  w.varuint(length);
  writeViewBuffer(st, buffer);
}

function writeViewBuffer(st: EncodeState, buffer: ArrayBuffer): void {
  const id = idOf(st, buffer);
  if (id >= 0) {
    st.w.u8(Tag.Ref);
    st.w.varuint(id);
  } else {
    writeArrayBuffer(st.w, buffer);
  }
}

function writeError(st: EncodeState, e: Error, depth: number): void {
  if (depth >= st.maxDepth) throw tooDeep(st.maxDepth);
  // Same reads, in the same order, as V8's ValueSerializer::WriteJSError.
  const messageDesc = getOwnDesc(e, 'message');
  const causeDesc = getOwnDesc(e, 'cause');
  const nameValue: unknown = e.name;
  if (typeof nameValue === 'symbol') throw notCloneable();
  const kind = errorKind(String(nameValue));
  let flags = 0;
  let message = '';
  if (messageDesc !== undefined && 'value' in messageDesc) {
    const m: unknown = messageDesc.value;
    if (typeof m === 'symbol') throw notCloneable();
    message = String(m);
    flags |= ErrorFlag.Message;
  }
  const stack: unknown = e.stack;
  if (typeof stack === 'string') flags |= ErrorFlag.Stack;
  const hasCause = causeDesc !== undefined && 'value' in causeDesc;
  if (hasCause) flags |= ErrorFlag.Cause;
  const w = st.w;
  w.u8(Tag.Error);
  w.u8(kind);
  w.u8(flags);
  if (flags & ErrorFlag.Message) w.string(message);
  if (flags & ErrorFlag.Stack) w.string(stack as string);
  if (hasCause) writeAny(st, causeDesc.value, depth + 1);
}
