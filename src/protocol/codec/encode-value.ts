import { DEFAULT_LIMITS } from '../limits.js';
import { type ByteWriter, varuintSize } from './byte-writer.js';
import { classify, isIndex, isSpecialPlain, Kind } from './classify.js';
import { writeArrayBuffer, writeView } from './encode-binary.js';
import { writeBigInt, writeNumber } from './encode-primitives.js';
import {
  acquireState,
  type EncodeState,
  notCloneable,
  objectProtoClean,
  releaseState,
  SHAPE_AFTER,
  type Shape,
  shapeOf,
  tooDeep,
} from './encode-state.js';
import {
  COMPILE_AFTER_USES,
  cachedWriter,
  compileWriter,
  MAX_COMPILES_PER_MESSAGE,
  type ShapeWriter,
  shapeCompilationEnabled,
} from './shape-compiler.js';
import { ErrorFlag, ErrorKind, Tag } from './tags.js';

export { NOT_CLONEABLE_MESSAGE } from './encode-state.js';

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

/**
 * `v` (just read as `o[k]`) means that a getter deleted the own property `k` meanwhile: the read found
 * nothing, or something inherited (`toString`, `constructor`, ... are functions on the prototypes; a
 * gone own `__proto__` reads as the prototype itself). Checked only for those cases, so ordinary
 * values cost one comparison.
 */
function deletedMeanwhile(o: object, k: string, v: unknown): boolean {
  return (v === undefined || typeof v === 'function' || k === '__proto__') && !hasOwn.call(o, k);
}

const dateGetTime = Date.prototype.getTime as AnyFn;
const regExpSource = getter(RegExp.prototype, 'source')!;
const mapForEach = Map.prototype.forEach as (this: unknown, cb: (v: unknown, k: unknown) => void) => void;
const setForEach = Set.prototype.forEach as (this: unknown, cb: (v: unknown) => void) => void;
const numberValueOf = Number.prototype.valueOf as AnyFn;
const stringValueOf = String.prototype.valueOf as AnyFn;
const booleanValueOf = Boolean.prototype.valueOf as AnyFn;
const bigintValueOf = BigInt.prototype.valueOf as AnyFn;

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
  const st = acquireState(writer, maxDepth);
  try {
    const start = writer.pos;
    writeAny(st, value, 0);
    if (st.refsUsed) {
      // Rare: shared references or cycles. Prefix the value with Tag.Refs (shift it by one byte).
      writer.ensure(1);
      writer.buf.copyWithin(start + 1, start, writer.pos);
      writer.buf[start] = Tag.Refs;
      writer.pos++;
    }
  } finally {
    releaseState(st);
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

function writeObject(st: EncodeState, o: object, depth: number): void {
  const id = st.identities.idOf(o);
  if (id >= 0) {
    st.refsUsed = true;
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
    // Module namespaces: null prototype, non-extensible, tagged "Module".
    if (proto === null && isSpecialPlain(o) && !Object.isExtensible(o)) throw notCloneable();
    writePlainForIn(st, o, depth);
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
      if (deletedMeanwhile(o, k, v)) continue; // deleted by a getter meanwhile
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
    if (deletedMeanwhile(o, k, v))
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
    writeOtherPlain(st, o, depth);
    return;
  }
  if (st.forInSafe === undefined) st.forInSafe = objectProtoClean();
  if (!st.forInSafe) {
    writeOtherPlain(st, o, depth);
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
    rejectArguments(o);
    st.w.u8(Tag.Object);
    st.w.u8(0);
    return;
  }
  if (!match || n !== shape!.keys.length) {
    writeOtherPlain(st, o, depth);
    return;
  }
  st.plainCount++;
  const w = st.w;
  w.u8(Tag.ShapeRef);
  w.varuint(shape!.id);
  const writer = shape!.writer === null ? writerOf(st, shape!) : shape!.writer;
  if (writer !== undefined) {
    writer(st, o, depth + 1); // checks for arguments objects itself
    return;
  }
  rejectArguments(o);
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
    const v = rec[k];
    if (deletedMeanwhile(o, k, v)) w.u8(Tag.Hole);
    else writeAny(st, v, depth + 1);
    if (++i === n) break;
  }
  for (; i < n; i++) w.u8(Tag.Hole);
}

/** The generic path of writePlainForIn: no shape applies (or shapes are off for this value). */
function writeOtherPlain(st: EncodeState, o: object, depth: number): void {
  rejectArguments(o);
  writePlain(st, o, depth, objectKeys(o));
}

/**
 * Throws for arguments objects (prototype Object.prototype, own `callee`), which structuredClone rejects.
 * Called on each path of writePlainForIn rather than once in writeObject: there the `in` check sees every
 * plain object's hidden class and goes megamorphic; in a compiled writer it sees one key list's.
 */
function rejectArguments(o: object): void {
  if ('callee' in o && isSpecialPlain(o)) throw notCloneable();
}

/** The compiled writer for `shape`, if there is (or now should be) one. */
function writerOf(st: EncodeState, shape: Shape): ShapeWriter<EncodeState> | undefined {
  const uses = shape.uses++;
  if (!shapeCompilationEnabled() || shape.keys.includes('__proto__')) return (shape.writer = undefined);
  if (uses === 0) return (shape.writer = cachedWriter<EncodeState>(shape.keys) ?? null) ?? undefined;
  if (uses >= COMPILE_AFTER_USES && st.compiles < MAX_COMPILES_PER_MESSAGE) {
    st.compiles++;
    shape.writer = compileWriter(shape.keys, writeAny, writeObject, writeNumber, rejectArguments);
  }
  return shape.writer ?? undefined;
}

function writeArray(st: EncodeState, a: unknown[], depth: number): void {
  if (depth >= st.maxDepth) throw tooDeep(st.maxDepth);
  const w = st.w;
  const len = a.length;
  const keys = objectKeys(a);
  const nk = keys.length;
  if (nk === len) {
    // As many own keys as elements: no holes and no named properties (the common case), unless there
    // are k holes and k named properties, which the loop finds out.
    const at = w.pos;
    w.u8(Tag.Array);
    w.varuint(len);
    let holes = 0;
    const d = depth + 1;
    for (let i = 0; i < len; i++) {
      const v = a[i];
      if (typeof v === 'string') {
        w.u8(Tag.String);
        w.string(v);
      } else if (typeof v === 'number') {
        writeNumber(w, v);
      } else if (v === undefined && !(i in a)) {
        w.u8(Tag.Hole);
        holes++;
      } else {
        writeAny(st, v, d);
      }
    }
    if (holes === 0) return;
    const named = firstNamedKey(keys);
    if (named === nk) return; // holes made by a getter meanwhile
    w.buf[at] = Tag.ArrayProps;
    writeProps(st, a, keys, named, depth);
    return;
  }
  const ni = firstNamedKey(keys);
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

/** Index keys come first in own-key order: the position of the first named property (or length). */
function firstNamedKey(keys: string[]): number {
  let ni = keys.length;
  while (ni > 0 && !isIndex(keys[ni - 1]!)) ni--;
  return ni;
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
    if (deletedMeanwhile(o, k, v)) continue;
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

function writeError(st: EncodeState, e: Error, depth: number): void {
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
  if (hasCause) {
    // Only a cause nests (the decoder counts the depth the same way).
    if (depth >= st.maxDepth) throw tooDeep(st.maxDepth);
    flags |= ErrorFlag.Cause;
  }
  const w = st.w;
  w.u8(Tag.Error);
  w.u8(kind);
  w.u8(flags);
  if (flags & ErrorFlag.Message) w.string(message);
  if (flags & ErrorFlag.Stack) w.string(stack as string);
  if (hasCause) writeAny(st, causeDesc.value, depth + 1);
}
