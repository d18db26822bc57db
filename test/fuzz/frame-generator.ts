/**
 * Seeded frame generator for the frame fuzzer: valid renderer-to-main frames (from the real encoder),
 * hostile templates (huge declared counts, long sparse arrays, big BigInts, deep nesting, many keys,
 * many messages), and byte-level mutations of both. Deterministic for a given seed, so a failure names
 * a seed and an index that reproduce it.
 */
import { ByteWriter, Tag } from '../../src/protocol/codec/index.js';
import { encodeMessageFrame, prefixLength } from '../../src/protocol/message-codec.js';
import { MessageKind, type RendererToMainMessage } from '../../src/protocol/messages.js';
import { SECRET_TOKEN_LENGTH } from '../../src/protocol/secret-token.js';

/** xorshift128+ over two 32-bit halves: fast, seedable, good enough to pick bytes. */
export class Rng {
  private a: number;
  private b: number;

  constructor(seed: number) {
    this.a = seed >>> 0 || 1;
    this.b = (seed * 2654435761) >>> 0 || 2;
    for (let i = 0; i < 8; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    let x = this.a;
    const y = this.b;
    this.a = y;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 5);
    this.b = x >>> 0;
    return (this.a + this.b) >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 0x100000000 ? Math.floor((this.next() / 0x100000000) * n) : this.next();
  }

  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

export const CHANNELS = ['a', 'ping', 'data', 'ch\u00e9', 'x'.repeat(40)] as const;
/** Channels with an invoke handler in the harness. */
export const INVOKE_CHANNELS = ['ping', 'data'] as const;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789_-';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function text(rng: Rng): string {
  const n = rng.int(rng.chance(0.1) ? 200 : 12);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rng.int(20);
    if (r === 0)
      s += String.fromCharCode(0xd800 + rng.int(0x800)); // lone surrogates now and then
    else if (r === 1)
      s += String.fromCodePoint(0x80 + rng.int(0x10ff00 - 0x80)).replace(/[\ud800-\udfff]/g, '');
    else s += ALPHABET[rng.int(ALPHABET.length)];
  }
  return s;
}

/** A random structured-clone value, at most `depth` containers deep. */
export function randomValue(rng: Rng, depth: number): unknown {
  const kinds = depth <= 0 ? 8 : 17;
  switch (rng.int(kinds)) {
    case 0:
      return rng.int(300) - 100;
    case 1:
      return rng.pick([0.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e300, -(2 ** 60), rng.next() / 7]);
    case 2:
    case 3:
      return text(rng);
    case 4:
      return rng.pick([true, false, null, undefined]);
    case 5:
      return (BigInt(rng.next()) << BigInt(rng.int(200))) * (rng.chance(0.5) ? -1n : 1n);
    case 6:
      return new Date(rng.chance(0.9) ? rng.next() * 1000 : Number.NaN);
    case 7: {
      const bytes = new Uint8Array(rng.int(40));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      return bytes;
    }
    case 8:
    case 9:
      return Array.from({ length: rng.int(6) }, () => randomValue(rng, depth - 1));
    case 10: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(6); i > 0; i--)
        o[rng.chance(0.8) ? rng.pick(['id', 'name', 'v', 'k']) : text(rng)] = randomValue(rng, depth - 1);
      return o;
    }
    case 11: {
      // Records of one shape: enough of them to reach shape references and compiled factories.
      return Array.from({ length: 4 + rng.int(16) }, (_, i) => ({
        id: i,
        name: text(rng),
        ok: rng.chance(0.5),
      }));
    }
    case 12:
      return new Map(
        Array.from({ length: rng.int(4) }, () => [randomValue(rng, depth - 1), randomValue(rng, depth - 1)]),
      );
    case 13:
      return new Set(Array.from({ length: rng.int(4) }, () => randomValue(rng, depth - 1)));
    case 14: {
      const Ctor = rng.pick([Error, TypeError, RangeError, SyntaxError]);
      const e = new Ctor(text(rng), rng.chance(0.3) ? { cause: randomValue(rng, depth - 1) } : undefined);
      if (rng.chance(0.5)) e.stack = undefined;
      return e;
    }
    case 15: {
      // Sparse: set the last index and delete it (setting `length` would allocate every slot).
      const a: unknown[] = [];
      const length = 100 + rng.int(100_000);
      a[length - 1] = 0;
      delete a[length - 1];
      a[rng.int(length)] = randomValue(rng, depth - 1);
      return a;
    }
    default: {
      // Shared references and a cycle; views sharing one buffer.
      const shared: unknown[] = [1];
      shared.push(shared);
      const buffer = new ArrayBuffer(16);
      return [shared, shared, new Uint16Array(buffer, 2, 3), new DataView(buffer, 4), /a+b/gi];
    }
  }
}

function token(rng: Rng): string {
  let s = '';
  for (let i = 0; i < SECRET_TOKEN_LENGTH; i++) s += BASE64URL[rng.int(64)];
  return s;
}

/** A valid renderer-to-main message with sequence number `seq` (SendSync only when `sync`). */
export function randomMessage(rng: Rng, seq: number, sync: boolean, id: number): RendererToMainMessage {
  const channel = rng.pick(CHANNELS);
  const args = Array.from({ length: rng.int(4) }, () => randomValue(rng, 2));
  if (sync) return { kind: MessageKind.SendSync, seq, id, channel, args };
  switch (rng.int(14)) {
    case 8: {
      // Port ids a session may or may not know: refusals and drops are both exercised.
      const ports = Array.from({ length: rng.int(3) }, () => rng.pick([0, 2, 4, 6, 2 ** 40]));
      return { kind: MessageKind.RendererPostMessage, seq, channel, ports, message: args };
    }
    case 9: {
      const portId = rng.pick([1, 2, 3, 4, 99, 2 ** 40]);
      return rng.chance(0.7)
        ? {
            kind: MessageKind.RendererPortMessage,
            seq,
            portId,
            ports: rng.chance(0.8) ? [] : [8],
            data: args,
          }
        : { kind: MessageKind.RendererPortClose, seq, portId };
    }
    case 0:
      return { kind: MessageKind.SendTo, seq, webContentsId: 1 + rng.int(4), channel, args };
    case 1:
      return { kind: MessageKind.SendToHost, seq, channel, args };
    case 2:
      return { kind: MessageKind.WebviewSend, seq, guestId: rng.int(4), channel, args };
    case 3:
      return rng.chance(0.5)
        ? { kind: MessageKind.GuestRegister, seq, token: token(rng) }
        : { kind: MessageKind.GuestRelease, seq, token: token(rng) };
    case 4:
      return { kind: MessageKind.Limits, seq, maxPayload: rng.pick([1, 1023, 1024, 65536, 2 ** 26]) };
    case 5:
    case 6:
    case 7:
      return { kind: MessageKind.Invoke, seq, id, channel: rng.pick(INVOKE_CHANNELS), args };
    default:
      return { kind: MessageKind.Send, seq, channel, args };
  }
}

/** Joins whole frames (each one length-prefixed message) into one frame. */
export function concat(frames: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const f of frames) size += f.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** A frame holding one Send message whose arguments are `args` raw value bytes (an array value). */
function sendWithRawArgs(seq: number, args: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  w.u8(0);
  w.u8(MessageKind.Send);
  w.varuint(seq);
  w.string('a');
  w.bytes(args);
  prefixLength(w, 0);
  return w.finish();
}

/** The value bytes of `[x, x, ... n times]` for one encoded `x`. */
function repeated(n: number, unit: readonly number[]): Uint8Array {
  const w = new ByteWriter();
  w.u8(Tag.Array);
  w.varuint(n);
  for (let i = 0; i < n; i++) for (const b of unit) w.u8(b);
  return w.finish();
}

function varuintBytes(n: number): number[] {
  const w = new ByteWriter();
  w.varuint(n);
  return [...w.finish()];
}

/** A hostile but well-framed frame: the shapes of issue #12's attacks, small enough to decode in ms. */
export function hostileFrame(rng: Rng, seq: number): Uint8Array {
  const big = rng.pick([2 ** 16, 2 ** 20, 2 ** 25 - 1, 2 ** 32 - 2, 2 ** 53 - 1]);
  switch (rng.int(9)) {
    case 0:
      return sendWithRawArgs(seq, repeated(1 + rng.int(8000), [Tag.Map, 0]));
    case 1:
      return sendWithRawArgs(seq, repeated(1 + rng.int(8000), [Tag.Error, rng.int(7), 0]));
    case 2:
      return sendWithRawArgs(
        seq,
        Uint8Array.from([Tag.Array, 1, Tag.SparseArray, ...varuintBytes(big), 0, 0]),
      );
    case 3: {
      const n = rng.pick([8, 4096, 65537, big]);
      const body = new Uint8Array(Math.min(n, 70_000)); // 65,537: over maxBigIntBytes; longer ones truncated
      return sendWithRawArgs(
        seq,
        Uint8Array.from([Tag.Array, 1, Tag.BigIntPos, ...varuintBytes(n), ...body]),
      );
    }
    case 4: {
      const depth = 200 + rng.int(120);
      const b: number[] = [];
      for (let i = 0; i < depth; i++) b.push(rng.pick([Tag.Array, Tag.Set]), 1);
      b.push(Tag.Null);
      return sendWithRawArgs(seq, Uint8Array.from(b));
    }
    case 5: {
      const w = new ByteWriter();
      const n = 1 + rng.int(3000);
      w.u8(Tag.Array);
      w.varuint(1);
      w.u8(Tag.Object);
      w.varuint(n);
      for (let i = 0; i < n; i++) {
        w.string(`k${i}`);
        w.u8(0x81);
      }
      return sendWithRawArgs(seq, w.finish());
    }
    case 6: {
      const messages: Uint8Array[] = [];
      for (let i = 0, n = 1 + rng.int(3000); i < n; i++) {
        messages.push(encodeMessageFrame({ kind: MessageKind.Send, seq: seq + i, channel: 'a', args: [] }));
      }
      return concat(messages);
    }
    case 7: {
      // Views over one buffer through references.
      const w = new ByteWriter();
      const n = 1 + rng.int(4000);
      w.u8(Tag.Refs);
      w.u8(Tag.Array);
      w.varuint(n + 1);
      w.u8(Tag.ArrayBuffer);
      w.varuint(64);
      w.bytes(new Uint8Array(64));
      for (let i = 0; i < n; i++) {
        w.u8(Tag.View);
        w.u8(rng.int(13));
        w.varuint(8 * rng.int(8));
        w.varuint(8 * rng.int(8));
        w.u8(Tag.Ref);
        w.varuint(1);
      }
      return sendWithRawArgs(seq, w.finish());
    }
    default:
      // A header declaring far more than follows.
      return sendWithRawArgs(
        seq,
        Uint8Array.from([
          rng.pick([Tag.Array, Tag.Object, Tag.Map, Tag.Set, Tag.ShapeDef]),
          ...varuintBytes(big),
        ]),
      );
  }
}

const INTERESTING = [
  0x00,
  0x01,
  0x0f,
  0x7f,
  0x80,
  0x81,
  0xff,
  Tag.Ref,
  Tag.Refs,
  Tag.ShapeRef,
  Tag.SparseArray,
];

/**
 * Mutates `frame` 1..4 times. With `reframe`, the mutations hit the message body (after the length
 * prefix) and the prefix is rewritten to fit, so that they reach the value decoder instead of failing
 * at framing.
 */
export function mutate(rng: Rng, frame: Uint8Array, reframe: boolean): Uint8Array {
  const prefix = reframe ? prefixSize(frame) : 0;
  let b = Array.from(frame.subarray(prefix));
  for (let k = 1 + rng.int(4); k > 0; k--) {
    const at = b.length === 0 ? 0 : rng.int(b.length);
    switch (rng.int(8)) {
      case 0:
        b[at] = rng.int(256);
        break;
      case 1:
        b[at] = rng.pick(INTERESTING);
        break;
      case 2:
        b.splice(at, 0, ...Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)));
        break;
      case 3:
        b.splice(at, 1 + rng.int(8));
        break;
      case 4:
        b.length = at;
        break;
      case 5:
        b.splice(at, 0, ...b.slice(rng.int(b.length + 1), rng.int(b.length + 1)));
        break;
      case 6:
        b.splice(at, 1, ...varuintBytes(rng.pick([2 ** 20, 2 ** 25 - 1, 2 ** 32 - 2, 2 ** 53 - 1])));
        break;
      default:
        b = b.concat(Array.from({ length: 1 + rng.int(16) }, () => rng.int(256)));
    }
  }
  if (!reframe) return Uint8Array.from(b);
  return concat([Uint8Array.from(varuintBytes(b.length)), Uint8Array.from(b)]);
}

function prefixSize(frame: Uint8Array): number {
  let i = 0;
  while (i < frame.length && frame[i]! >= 0x80) i++;
  return Math.min(i + 1, frame.length);
}

/** Random bytes, 0..64 of them. */
export function randomBytes(rng: Rng): Uint8Array {
  const b = new Uint8Array(rng.int(65));
  for (let i = 0; i < b.length; i++) b[i] = rng.int(256);
  return b;
}
