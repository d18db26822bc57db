import { IpcError, IpcErrorCode } from '../errors.js';
import type { ByteWriter } from './byte-writer.js';

/** Electron's wording for values that cannot be sent. */
export const NOT_CLONEABLE_MESSAGE = 'An object could not be cloned.';

export function notCloneable(): IpcError {
  return new IpcError(IpcErrorCode.NotCloneable, NOT_CLONEABLE_MESSAGE);
}

export function tooDeep(maxDepth: number): IpcError {
  return new IpcError(IpcErrorCode.LimitExceeded, `Value is nested deeper than maxDepth (${maxDepth})`);
}

/** Identity tracking switches from a linear list to a Set after this many objects. */
const LIST_MAX = 12;

/** Per-call encoder state; one instance is pooled (re-entrant calls allocate their own). */
export class EncodeState {
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
  /** A Ref was written (the value must start with Tag.Refs). */
  refsUsed = false;
  /** Plain objects written so far; shapes are used only once a value has a few of them. */
  plainCount = 0;
  /** Key lists seen so far, by first key (chained). */
  shapes: Map<string, Shape> | null = null;
  shapeCount = 0;
  /** Object.prototype has no enumerable properties (for-in over plain objects sees own keys only). */
  forInSafe: boolean | undefined = undefined;
}

/** True when for-in over `{}` yields nothing (nobody added enumerable properties to Object.prototype). */
export function objectProtoClean(): boolean {
  for (const _ in {}) return false;
  return true;
}

/** A key list written with ShapeDef. */
export interface Shape {
  readonly keys: string[];
  readonly id: number;
  readonly next: Shape | undefined;
}

/** Plain objects up to this count are written with Tag.Object (small messages skip shape bookkeeping). */
export const SHAPE_AFTER = 4;

/** Id of the shape with exactly these keys, or -1 after registering `keys` as the next shape. */
export function shapeOf(st: EncodeState, keys: string[]): number {
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
export function idOf(st: EncodeState, o: object): number {
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
export function syntheticId(st: EncodeState): void {
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

/** Takes the pooled state (or a fresh one when an encode is already running: re-entrant getters). */
export function acquireState(writer: ByteWriter, maxDepth: number): EncodeState {
  let st = freeState;
  if (st === null) st = new EncodeState();
  else freeState = null;
  st.w = writer;
  st.maxDepth = maxDepth;
  st.forInSafe = undefined; // checked when first needed
  return st;
}

/** Drops every reference to the encoded value and returns the state to the pool. */
export function releaseState(st: EncodeState): void {
  st.w = null as unknown as ByteWriter;
  st.list.fill(null, 0, Math.min(st.count, LIST_MAX));
  st.set = null;
  st.ids = null;
  st.count = 0;
  st.refsUsed = false;
  st.plainCount = 0;
  st.shapes = null;
  st.shapeCount = 0;
  freeState = st;
}
