import type { ByteWriter } from './byte-writer.js';
import { type EncodeState, notCloneable } from './encode-state.js';
import { Tag, ViewKind } from './tags.js';

/*
 * ArrayBuffers and views. Every read goes through the intrinsic getters, so subclasses overriding
 * `buffer`/`byteOffset`/... cannot lie about the memory that is sent.
 */
type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
const getter = (proto: object, name: PropertyKey): AnyFn | undefined =>
  Object.getOwnPropertyDescriptor(proto, name)?.get as AnyFn | undefined;

const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const taTag = getter(TypedArrayProto, Symbol.toStringTag)!;
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
const Uint8Proto = Uint8Array.prototype;

const VIEW_KINDS: Record<string, number> = { __proto__: null } as unknown as Record<string, number>;
for (const name of Object.keys(ViewKind)) VIEW_KINDS[name] = ViewKind[name as keyof typeof ViewKind];

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

export function writeArrayBuffer(w: ByteWriter, b: ArrayBuffer): void {
  const bytes = bufferBytes(b);
  if (abResizable?.call(b)) {
    w.u8(Tag.ResizableArrayBuffer);
    w.varuint(bytes.length);
    w.varuint(abMaxByteLength!.call(b) as number);
    w.bytes(bytes);
  } else {
    w.u8(Tag.ArrayBuffer);
    w.varuint(bytes.length);
    w.bufferBytes(bytes);
  }
}

export function writeView(st: EncodeState, view: ArrayBufferView): void {
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
  if (kind === ViewKind.Uint8Array && Object.getPrototypeOf(view) !== Uint8Proto) {
    // Node Buffer (or another Uint8Array subclass): only its own bytes travel, as a plain Uint8Array
    // over a buffer of exactly that size (Electron does the same), never the 8 KB pool behind it.
    w.varuint(0);
    w.varuint(length);
    st.identities.syntheticId();
    w.u8(Tag.ArrayBuffer);
    w.varuint(length);
    w.bufferBytes(all.subarray(offset, offset + length));
    return;
  }
  w.varuint(offset);
  w.varuint(length);
  writeViewBuffer(st, buffer);
}

function writeViewBuffer(st: EncodeState, buffer: ArrayBuffer): void {
  const id = st.identities.idOf(buffer);
  if (id >= 0) {
    st.refsUsed = true;
    st.w.u8(Tag.Ref);
    st.w.varuint(id);
  } else {
    writeArrayBuffer(st.w, buffer);
  }
}
