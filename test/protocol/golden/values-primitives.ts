import type { ValueFixture } from './value-fixture.js';

/** Scalars (tags 0x00-0x09 and the fixints 0x80-0xff) and boxed primitives (0x18). */
export const primitiveFixtures: ValueFixture[] = [
  { name: 'undefined', make: () => undefined, hex: '00' },
  { name: 'null', make: () => null, hex: '01' },
  { name: 'false', make: () => false, hex: '02' },
  { name: 'true', make: () => true, hex: '03' },
  { name: 'fixint 0', make: () => 0, hex: '80' },
  { name: 'fixint 127', make: () => 127, hex: 'ff' },
  { name: 'PosInt 128', make: () => 128, hex: '04 80 01' },
  { name: 'PosInt 2^31 (beyond int32)', make: () => 2 ** 31, hex: '04 80 80 80 80 08' },
  { name: 'PosInt MAX_SAFE_INTEGER', make: () => Number.MAX_SAFE_INTEGER, hex: '04 ff ff ff ff ff ff ff 0f' },
  { name: 'NegInt -1', make: () => -1, hex: '05 01' },
  { name: 'NegInt -2^31 - 1 (beyond int32)', make: () => -(2 ** 31) - 1, hex: '05 81 80 80 80 08' },
  { name: 'NegInt MIN_SAFE_INTEGER', make: () => Number.MIN_SAFE_INTEGER, hex: '05 ff ff ff ff ff ff ff 0f' },
  { name: 'Float64 1.5', make: () => 1.5, hex: '06 00 00 00 00 00 00 f8 3f' },
  { name: 'Float64 -0', make: () => -0, hex: '06 00 00 00 00 00 00 00 80' },
  { name: 'Float64 NaN', make: () => Number.NaN, hex: '06 00 00 00 00 00 00 f8 7f' },
  { name: 'Float64 Infinity', make: () => Number.POSITIVE_INFINITY, hex: '06 00 00 00 00 00 00 f0 7f' },
  { name: 'Float64 -Infinity', make: () => Number.NEGATIVE_INFINITY, hex: '06 00 00 00 00 00 00 f0 ff' },
  { name: 'Float64 2^53 (not a safe integer)', make: () => 2 ** 53, hex: '06 00 00 00 00 00 00 40 43' },
  { name: 'Float64 smallest subnormal', make: () => Number.MIN_VALUE, hex: '06 01 00 00 00 00 00 00 00' },
  { name: 'BigIntPos 0n', make: () => 0n, hex: '07 01 00' },
  { name: 'BigIntPos 255n', make: () => 255n, hex: '07 01 ff' },
  { name: 'BigIntPos 256n', make: () => 256n, hex: '07 02 00 01' },
  { name: 'BigIntPos 2^64', make: () => 2n ** 64n, hex: '07 09 00 00 00 00 00 00 00 00 01' },
  { name: 'BigIntNeg -1n', make: () => -1n, hex: '08 01 01' },
  { name: 'BigIntNeg -(2^64)', make: () => -(2n ** 64n), hex: '08 09 00 00 00 00 00 00 00 00 01' },
  { name: 'String empty', make: () => '', hex: '09 00' },
  { name: 'String Latin-1 "a"', make: () => 'a', hex: '09 04 61' },
  { name: 'String Latin-1 "café" (é is one byte)', make: () => 'café', hex: '09 10 63 61 66 e9' },
  { name: 'String Latin-1 "\\u00ff\\u0000"', make: () => '\u00ff\u0000', hex: '09 08 ff 00' },
  {
    name: 'String Latin-1 31 chars (1-byte header)',
    make: () => 'x'.repeat(31),
    hex: `
      09 7c 78 78 78 78 78 78 78 78 78 78 78 78 78 78
      78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78
      78
    `,
  },
  {
    name: 'String Latin-1 32 chars (2-byte header)',
    make: () => 'x'.repeat(32),
    hex: `
      09 80 01 78 78 78 78 78 78 78 78 78 78 78 78 78
      78 78 78 78 78 78 78 78 78 78 78 78 78 78 78 78
      78 78 78
    `,
  },
  {
    name: 'String Latin-1 63 chars (longest short string)',
    make: () => 'y'.repeat(63),
    hex: `
      09 fc 01 79 79 79 79 79 79 79 79 79 79 79 79 79
      79 79 79 79 79 79 79 79 79 79 79 79 79 79 79 79
      79 79 79 79 79 79 79 79 79 79 79 79 79 79 79 79
      79 79 79 79 79 79 79 79 79 79 79 79 79 79 79 79
      79 79
    `,
  },
  { name: 'String UTF-8 "€"', make: () => '€', hex: '09 0d e2 82 ac' },
  {
    name: 'String UTF-8 "é€" (a short string above 0xff is UTF-8 whole)',
    make: () => 'é€',
    hex: '09 15 c3 a9 e2 82 ac',
  },
  { name: 'String UTF-8 surrogate pair "😀"', make: () => '😀', hex: '09 11 f0 9f 98 80' },
  {
    name: 'String UTF-8 64 ASCII chars (long path)',
    make: () => 'z'.repeat(64),
    hex: `
      09 81 02 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a
      7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a
      7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a
      7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a
      7a 7a 7a
    `,
  },
  {
    name: 'String UTF-8 64 Latin-1 chars (long path)',
    make: () => 'é'.repeat(64),
    hex: `
      09 81 04 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3
      a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3
      a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3
      a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3
      a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3
      a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3
      a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3
      a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3 a9 c3
      a9 c3 a9
    `,
  },
  { name: 'String UTF-16 lone high surrogate', make: () => '\ud800', hex: '09 06 00 d8' },
  { name: 'String UTF-16 lone low surrogate inside', make: () => 'a\udc00b', hex: '09 0e 61 00 00 dc 62 00' },
  {
    name: 'String UTF-16 long with a lone surrogate',
    make: () => `${'a'.repeat(64)}\ud83d`,
    hex: `
      09 86 02 61 00 61 00 61 00 61 00 61 00 61 00 61
      00 61 00 61 00 61 00 61 00 61 00 61 00 61 00 61
      00 61 00 61 00 61 00 61 00 61 00 61 00 61 00 61
      00 61 00 61 00 61 00 61 00 61 00 61 00 61 00 61
      00 61 00 61 00 61 00 61 00 61 00 61 00 61 00 61
      00 61 00 61 00 61 00 61 00 61 00 61 00 61 00 61
      00 61 00 61 00 61 00 61 00 61 00 61 00 61 00 61
      00 61 00 61 00 61 00 61 00 61 00 61 00 61 00 61
      00 61 00 3d d8
    `,
  },
  { name: 'Boxed Number 1', make: () => new Number(1), hex: '18 81' },
  { name: 'Boxed Number -0', make: () => new Number(-0), hex: '18 06 00 00 00 00 00 00 00 80' },
  { name: 'Boxed Number 1.5', make: () => new Number(1.5), hex: '18 06 00 00 00 00 00 00 f8 3f' },
  { name: 'Boxed String "ab"', make: () => new String('ab'), hex: '18 09 08 61 62' },
  { name: 'Boxed String empty', make: () => new String(''), hex: '18 09 00' },
  { name: 'Boxed Boolean true', make: () => new Boolean(true), hex: '18 03' },
  { name: 'Boxed Boolean false', make: () => new Boolean(false), hex: '18 02' },
  { name: 'Boxed BigInt 1n', make: () => Object(1n), hex: '18 07 01 01' },
];
