import { IpcError, IpcErrorCode } from '../errors.js';
import type { ByteWriter } from './byte-writer.js';
import { IdentityTracker } from './identity-tracker.js';
import type { ShapeWriter } from './shape-compiler.js';

/** Electron's wording for values that cannot be sent. */
export const NOT_CLONEABLE_MESSAGE = 'An object could not be cloned.';

export function notCloneable(): IpcError {
  return new IpcError(IpcErrorCode.NotCloneable, NOT_CLONEABLE_MESSAGE);
}

export function tooDeep(maxDepth: number): IpcError {
  return new IpcError(IpcErrorCode.LimitExceeded, `Value is nested deeper than maxDepth (${maxDepth})`);
}

/** Per-call encoder state; one instance is pooled (re-entrant calls allocate their own). */
export class EncodeState {
  w: ByteWriter = null as unknown as ByteWriter;
  /** Objects written so far, for shared references and cycles. */
  readonly identities = new IdentityTracker();
  maxDepth = 0;
  /** A Ref was written (the value must start with Tag.Refs). */
  refsUsed = false;
  /** Plain objects written so far; shapes are used only once a value has a few of them. */
  plainCount = 0;
  /** Key lists seen so far, by first key (chained). */
  shapes: Map<string, Shape> | null = null;
  shapeCount = 0;
  /** Shape writers compiled while encoding this value. */
  compiles = 0;
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
  /** Objects written with this shape so far in this value. */
  uses: number;
  /** Compiled writer, once there is one; undefined when there will be none (see shape-compiler.ts). */
  writer: ShapeWriter<EncodeState> | null | undefined;
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
  shapes.set(first, { keys, id: st.shapeCount++, next: head, uses: 0, writer: null });
  return -1;
}

let freeState: EncodeState | null = new EncodeState();

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
  st.identities.reset();
  st.refsUsed = false;
  st.plainCount = 0;
  st.shapes = null;
  st.shapeCount = 0;
  st.compiles = 0;
  freeState = st;
}
