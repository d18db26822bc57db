import { describe, expect, it, vi } from 'vitest';
import { encode } from '../../../src/protocol/codec/index.js';
import { rt, same } from './helpers.js';

describe('primitives', () => {
  it('keeps undefined, null, booleans', () => {
    for (const v of [undefined, null, true, false]) expect(rt(v)).toBe(v);
  });

  it('keeps -0, NaN, ±Infinity and every number class', () => {
    expect(Object.is(rt(-0), -0)).toBe(true);
    expect(Object.is(rt(0), 0)).toBe(true);
    expect(rt(Number.NaN)).toBeNaN();
    for (const n of [
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1,
      127,
      128,
      -1,
      -128,
      2 ** 31,
      -(2 ** 31) - 1,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      2 ** 53,
      -(2 ** 60),
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      Number.EPSILON,
      0.1,
      -1.5e-300,
    ]) {
      expect(Object.is(rt(n), n)).toBe(true);
    }
  });

  it('encodes small integers compactly', () => {
    expect(encode(5).length).toBe(1);
    expect(encode(300).length).toBe(3);
    expect(encode(-0).length).toBe(9);
  });

  it('keeps BigInt of any size and sign', () => {
    for (const b of [0n, 1n, -1n, 255n, 256n, -(2n ** 64n), 2n ** 64n - 1n, 3n ** 500n, -(7n ** 300n)]) {
      expect(rt(b)).toBe(b);
    }
  });

  it('keeps strings of every kind: ASCII, Latin-1, BMP, astral, long', () => {
    for (const s of [
      '',
      'a',
      'hello',
      'café',
      'ÿ',
      '日本語',
      '😀',
      'a😀b',
      'x'.repeat(1000),
      'é'.repeat(70),
      '\u0000\uFEFF',
    ]) {
      expect(rt(s)).toBe(s);
    }
  });

  it('keeps huge strings (exact-size path above 1M code units)', () => {
    const ascii = 'x'.repeat(1_500_000);
    const mixed = `${'日本'.repeat(600_000)}😀`;
    const lone = `${'a'.repeat(1_200_000)}\ud800`;
    for (const s of [ascii, mixed, lone]) expect(rt(s) === s).toBe(true);
  });

  it('keeps lone surrogates (UTF-16 fallback), short and long, as values and keys', () => {
    for (const s of [
      '\ud800',
      '\udc00',
      'a\ud800b',
      '\udc00\ud800',
      `${'x'.repeat(100)}\ud83d`,
      '\ud83d'.repeat(200),
    ]) {
      expect(rt(s)).toBe(s);
      expect(Object.keys(rt({ [s]: 1 }))).toEqual([s]);
    }
  });

  it('detects lone surrogates in long strings without String.prototype.isWellFormed (older engines)', async () => {
    const proto = String.prototype as { isWellFormed?: unknown };
    const original = proto.isWellFormed;
    delete proto.isWellFormed;
    try {
      vi.resetModules();
      const fresh = await import('../../../src/protocol/codec/index.js');
      for (const s of [
        `${'x'.repeat(80)}\ud800`,
        `\udc00${'y'.repeat(80)}`,
        `${'z'.repeat(70)}😀`,
        'é'.repeat(90),
      ]) {
        expect(fresh.decode(fresh.encode(s))).toBe(s);
      }
    } finally {
      proto.isWellFormed = original;
      vi.resetModules();
    }
  });

  it('keeps a leading byte order mark', () => {
    const s = `\uFEFF${'a'.repeat(100)}`;
    expect(rt(s)).toBe(s);
  });
});

describe('boxed primitives', () => {
  it('keeps boxed -0, strings, booleans and BigInt', () => {
    const n = rt(new Number(-0));
    expect(n).toBeInstanceOf(Number);
    expect(Object.is(n.valueOf(), -0)).toBe(true);
    same([
      new Number(Number.NaN),
      new String('x\ud800'),
      new Boolean(false),
      Object(12n),
      Object(-(2n ** 70n)),
    ]);
  });

  it('keeps identity of a shared boxed value', () => {
    const b = new String('s');
    const out = rt([b, b]);
    expect(out[0]).toBe(out[1]);
  });
});
