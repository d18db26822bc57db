import { Tag } from '../../dist/protocol/codec/tags.js';
import { MessageKind } from '../../dist/protocol/messages.js';

/*
 * Hand-made frames in the wire format of docs/protocol.md, for the hostile forms the encoder never
 * makes (a sparse array header with a huge length, millions of empty Maps in one value). Each is built
 * with one allocation: a value of many equal elements is the element written once and doubled.
 */

/** Unsigned LEB128, as the codec's varuint. */
export function varuint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/** A Latin-1 string as the codec writes it (header `n * 4 + 0`, then the bytes). */
export function latin1String(text: string): number[] {
  return [...varuint(text.length * 4), ...Array.from(text, (c) => c.charCodeAt(0))];
}

/** The encoded values the attacks repeat. */
export const Element = {
  emptyMap: [Tag.Map, 0],
  emptySet: [Tag.Set, 0],
  emptyObject: [Tag.Object, 0],
  emptyArrayBuffer: [Tag.ArrayBuffer, 0],
  /** A plain `Error` with no message, stack or cause: 3 bytes. */
  error: [Tag.Error, 0, 0],
} as const;

/** An Array of `count` copies of `element`, as a renderer's `args`. */
export function arrayOf(count: number, element: readonly number[]): Uint8Array {
  const head = [Tag.Array, ...varuint(count)];
  const out = new Uint8Array(head.length + count * element.length);
  out.set(head);
  out.set(element, head.length);
  for (let filled = element.length, total = count * element.length; filled < total; filled *= 2) {
    out.copyWithin(head.length + filled, head.length, head.length + Math.min(filled, total - filled));
  }
  return out;
}

/** A sparse Array of `length` with no elements and no properties (the header alone). */
export function sparseArray(length: number): Uint8Array {
  return new Uint8Array([Tag.SparseArray, ...varuint(length), 0, 0]);
}

/** `[bigint]` where the BigInt has `bytes` magnitude bytes, all 0xff. */
export function bigIntArgs(bytes: number): Uint8Array {
  const head = [Tag.Array, 1, Tag.BigIntPos, ...varuint(bytes)];
  const out = new Uint8Array(head.length + bytes).fill(0xff);
  out.set(head);
  return out;
}

/** A whole frame holding one `ipcRenderer.send(channel, ...args)` with hand-encoded `args`. */
export function sendFrame(seq: number, channel: string, args: Uint8Array): Uint8Array {
  const fields = [MessageKind.Send, ...varuint(seq), ...latin1String(channel)];
  const length = fields.length + args.byteLength;
  const prefix = varuint(length);
  const out = new Uint8Array(prefix.length + length);
  out.set(prefix);
  out.set(fields, prefix.length);
  out.set(args, prefix.length + fields.length);
  return out;
}
