import { IpcError, IpcErrorCode } from '../errors.js';
import { type ByteReader, decodeError } from './byte-reader.js';
import { Cost, spend } from './decode-budget.js';
import { Tag, ViewKind } from './tags.js';

/** Placeholder id slot of a view whose buffer is being read (a Ref to it is malformed). */
const PENDING: object = Object.freeze({});

type ViewCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;
type TypedCtor = ViewCtor & { readonly BYTES_PER_ELEMENT: number };

const g = globalThis as unknown as Record<string, unknown>;
const VIEW_CTORS: (TypedCtor | undefined)[] = [];
for (const [name, kind] of Object.entries(ViewKind)) {
  if (kind !== ViewKind.DataView) VIEW_CTORS[kind] = g[name] as TypedCtor | undefined;
}

/** Reads a Ref: an object decoded earlier in the same value. */
export function readRef(r: ByteReader): unknown {
  const at = r.pos;
  const id = r.varuint();
  const refs = r.refs;
  if (refs === null) throw decodeError('reference in a value without the Refs marker', at);
  if (id >= refs.length) throw decodeError(`reference to unknown object id ${id}`, at);
  const v = refs[id];
  if (v === PENDING) throw decodeError(`reference to incomplete object id ${id}`, at);
  return v;
}

/** Tag.ArrayBuffer body. */
export function readArrayBuffer(r: ByteReader): ArrayBuffer {
  spend(r, Cost.Buffer, 'ArrayBuffer', r.pos);
  const length = r.varuint();
  const filled = r.filledSpans?.get(r.pos);
  let ab: ArrayBuffer;
  if (filled !== undefined && filled.byteLength === length) {
    // The span's bytes were cut out of the input (ChunkReassembly): what follows is next.
    r.filledSpans!.delete(r.pos);
    ab = filled;
  } else {
    ab = r.bytes(length).slice().buffer;
  }
  if (r.refs !== null) r.refs.push(ab);
  return ab;
}

/** The buffer value after a view header: a new (possibly resizable) ArrayBuffer or a Ref to one. */
function readViewBuffer(r: ByteReader): unknown {
  const at = r.pos;
  const tag = r.u8();
  if (tag === Tag.ArrayBuffer) return readArrayBuffer(r);
  if (tag === Tag.ResizableArrayBuffer) return readResizableArrayBuffer(r);
  if (tag === Tag.Ref) return readRef(r);
  throw decodeError('view over something that is not an ArrayBuffer', at);
}

export function readResizableArrayBuffer(r: ByteReader): ArrayBuffer {
  const at = r.pos;
  const n = r.varuint();
  const max = r.varuint();
  if (max < n) throw decodeError(`maxByteLength ${max} < byteLength ${n}`, at);
  spend(r, Cost.Buffer, 'ArrayBuffer', at);
  r.reserved += max;
  if (r.reserved > r.limits.maxPayload) {
    throw new IpcError(
      IpcErrorCode.LimitExceeded,
      `Resizable ArrayBuffers reserve more than maxPayload (${r.limits.maxPayload}) bytes at byte ${at}`,
    );
  }
  const bytes = r.bytes(n);
  const AB = ArrayBuffer as unknown as new (n: number, options: { maxByteLength: number }) => ArrayBuffer;
  const ab = new AB(n, { maxByteLength: max });
  new Uint8Array(ab).set(bytes);
  if (r.refs !== null) r.refs.push(ab);
  return ab;
}

export function readView(r: ByteReader): ArrayBufferView {
  const at = r.pos;
  const kind = r.u8();
  const offset = r.varuint();
  const length = r.varuint();
  spend(r, Cost.View, 'typed array or DataView', at);
  const refs = r.refs;
  const id = refs === null ? -1 : refs.length;
  if (refs !== null) refs.push(PENDING);
  const buffer = readViewBuffer(r);
  if (!(buffer instanceof ArrayBuffer)) {
    throw decodeError('view over something that is not an ArrayBuffer', at);
  }
  const size = buffer.byteLength;
  let view: ArrayBufferView;
  if (kind === ViewKind.DataView) {
    if (offset > size || length > size - offset) throw decodeError('DataView out of bounds', at);
    view = new DataView(buffer, offset, length);
  } else {
    const Ctor = VIEW_CTORS[kind];
    if (Ctor === undefined) throw decodeError(`unsupported view kind ${kind}`, at);
    const bpe = Ctor.BYTES_PER_ELEMENT;
    if (offset > size || length > size - offset || offset % bpe !== 0 || length % bpe !== 0) {
      throw decodeError('typed array out of bounds or misaligned', at);
    }
    view = new Ctor(buffer, offset, length / bpe);
  }
  if (refs !== null) refs[id] = view;
  return view;
}
