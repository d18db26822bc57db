import type { ByteWriter } from './byte-writer.js';
import { Tag } from './tags.js';

/** Numbers: fixint (0..127), PosInt/NegInt varuint for other safe integers, Float64 for the rest and -0. */
export function writeNumber(w: ByteWriter, n: number): void {
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

export function writeBigInt(w: ByteWriter, b: bigint): void {
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
