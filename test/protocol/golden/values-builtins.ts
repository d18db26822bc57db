import { errorWithStack, type ValueFixture } from './value-fixture.js';

type ResizableOptions = { maxByteLength: number };
const resizable = (length: number, max: number): ArrayBuffer =>
  new (ArrayBuffer as unknown as new (n: number, o: ResizableOptions) => ArrayBuffer)(length, {
    maxByteLength: max,
  });

/** Bytes 1, 2, 3, ... as the buffer of a view of `byteLength` bytes. */
const counting = (byteLength: number): ArrayBuffer =>
  Uint8Array.from({ length: byteLength }, (_, i) => i + 1).buffer;

/**
 * Date (0x10), RegExp (0x11), ArrayBuffer (0x14, 0x15), views (0x16, every ViewKind the runtime has:
 * Float16Array is not in Node 20) and Error (0x17, every ErrorKind and flag).
 */
export const builtinFixtures: ValueFixture[] = [
  { name: 'Date epoch', make: () => new Date(0), hex: '10 00 00 00 00 00 00 00 00' },
  {
    name: 'Date 2001-09-09T01:46:40.123Z',
    make: () => new Date(1_000_000_000_123),
    hex: '10 00 60 0f a2 94 1a 6d 42',
  },
  {
    name: 'Date invalid (NaN time value)',
    make: () => new Date(Number.NaN),
    hex: '10 00 00 00 00 00 00 f8 7f',
  },
  { name: 'RegExp /a+b/ without flags', make: () => /a+b/, hex: '11 0c 61 2b 62 00' },
  {
    name: 'RegExp flags dgimsy in canonical order',
    make: () => /x/dgimsy,
    hex: '11 04 78 18 64 67 69 6d 73 79',
  },
  {
    name: 'RegExp flag v',
    // A literal /.../v needs an ES2024 target in tsconfig.
    // biome-ignore lint/complexity/useRegexLiterals: see above
    make: () => new RegExp('[\\p{L}--[a-z]]', 'v'),
    hex: '11 38 5b 5c 70 7b 4c 7d 2d 2d 5b 61 2d 7a 5d 5d 04 76',
  },
  {
    name: 'RegExp escaped slash, lastIndex reset',
    make: () => Object.assign(/\//g, { lastIndex: 3 }),
    hex: '11 08 5c 2f 04 67',
  },
  { name: 'ArrayBuffer empty', make: () => new ArrayBuffer(0), hex: '14 00' },
  { name: 'ArrayBuffer 3 bytes', make: () => counting(3), hex: '14 03 01 02 03' },
  {
    name: 'ResizableArrayBuffer 2 of at most 300 bytes',
    make: () => {
      const b = resizable(2, 300);
      new Uint8Array(b).set([0xaa, 0xbb]);
      return b;
    },
    hex: '15 02 ac 02 aa bb',
  },
  { name: 'View Int8Array', make: () => new Int8Array([-1, 2]), hex: '16 00 00 02 14 02 ff 02' },
  { name: 'View Uint8Array', make: () => new Uint8Array([1, 255]), hex: '16 01 00 02 14 02 01 ff' },
  {
    name: 'View Uint8ClampedArray',
    make: () => new Uint8ClampedArray([0, 255]),
    hex: '16 02 00 02 14 02 00 ff',
  },
  { name: 'View Int16Array', make: () => new Int16Array([-2]), hex: '16 03 00 02 14 02 fe ff' },
  { name: 'View Uint16Array', make: () => new Uint16Array([0x1234]), hex: '16 04 00 02 14 02 34 12' },
  { name: 'View Int32Array', make: () => new Int32Array([-3]), hex: '16 05 00 04 14 04 fd ff ff ff' },
  {
    name: 'View Uint32Array',
    make: () => new Uint32Array([0x12345678]),
    hex: '16 06 00 04 14 04 78 56 34 12',
  },
  { name: 'View Float32Array', make: () => new Float32Array([1.5]), hex: '16 07 00 04 14 04 00 00 c0 3f' },
  {
    name: 'View Float64Array',
    make: () => new Float64Array([-0.5]),
    hex: '16 08 00 08 14 08 00 00 00 00 00 00 e0 bf',
  },
  {
    name: 'View BigInt64Array',
    make: () => new BigInt64Array([-1n]),
    hex: '16 09 00 08 14 08 ff ff ff ff ff ff ff ff',
  },
  {
    name: 'View BigUint64Array',
    make: () => new BigUint64Array([2n ** 63n]),
    hex: '16 0a 00 08 14 08 00 00 00 00 00 00 00 80',
  },
  {
    name: 'View DataView with offset',
    make: () => new DataView(counting(4), 1, 2),
    hex: '16 0c 01 02 14 04 01 02 03 04',
  },
  {
    name: 'View Uint16Array at offset 2 of 6 bytes',
    make: () => new Uint16Array(counting(6), 2, 1),
    hex: '16 04 02 02 14 06 01 02 03 04 05 06',
  },
  {
    name: 'View two views sharing one buffer (Ref to the buffer)',
    make: () => {
      const b = counting(4);
      return [new Uint8Array(b, 0, 2), new DataView(b, 2)];
    },
    hex: [
      '1b', // Tag.Refs
      '0c 02', // Tag.Array, length 2 (id 0)
      '16 01 00 02', // Tag.View, ViewKind.Uint8Array, byteOffset 0, byteLength 2 (id 1)
      '14 04 01 02 03 04', // its buffer: Tag.ArrayBuffer, 4 bytes (id 2)
      '16 0c 02 02', // Tag.View, ViewKind.DataView, byteOffset 2, byteLength 2 (id 3)
      '0a 02', // its buffer: Tag.Ref to id 2
    ].join(' '),
  },
  {
    name: 'View over a resizable buffer (arrives fixed-length)',
    make: () => new Uint8Array(resizable(2, 4)),
    hex: '16 01 00 02 15 02 04 00 00',
  },
  {
    name: 'View Node Buffer (only its own bytes, as a Uint8Array)',
    make: () => Buffer.from('hi'),
    hex: '16 01 00 02 14 02 68 69',
    expected: () => new Uint8Array([0x68, 0x69]),
  },
  {
    name: 'Error with message and stack',
    make: () => errorWithStack(new Error('boom')),
    hex: `
      17 00 03 10 62 6f 6f 6d 64 45 72 72 6f 72 3a 20
      62 6f 6f 6d 0a 20 20 20 20 61 74 20 67 6f 6c 64
      65 6e
    `,
  },
  {
    name: 'Error EvalError',
    make: () => errorWithStack(new EvalError('e')),
    hex: `
      17 01 03 04 65 68 45 76 61 6c 45 72 72 6f 72 3a
      20 65 0a 20 20 20 20 61 74 20 67 6f 6c 64 65 6e
    `,
  },
  {
    name: 'Error RangeError',
    make: () => errorWithStack(new RangeError('r')),
    hex: `
      17 02 03 04 72 6c 52 61 6e 67 65 45 72 72 6f 72
      3a 20 72 0a 20 20 20 20 61 74 20 67 6f 6c 64 65
      6e
    `,
  },
  {
    name: 'Error ReferenceError',
    make: () => errorWithStack(new ReferenceError('r')),
    hex: `
      17 03 03 04 72 7c 52 65 66 65 72 65 6e 63 65 45
      72 72 6f 72 3a 20 72 0a 20 20 20 20 61 74 20 67
      6f 6c 64 65 6e
    `,
  },
  {
    name: 'Error SyntaxError',
    make: () => errorWithStack(new SyntaxError('s')),
    hex: `
      17 04 03 04 73 70 53 79 6e 74 61 78 45 72 72 6f
      72 3a 20 73 0a 20 20 20 20 61 74 20 67 6f 6c 64
      65 6e
    `,
  },
  {
    name: 'Error TypeError',
    make: () => errorWithStack(new TypeError('t')),
    hex: `
      17 05 03 04 74 68 54 79 70 65 45 72 72 6f 72 3a
      20 74 0a 20 20 20 20 61 74 20 67 6f 6c 64 65 6e
    `,
  },
  {
    name: 'Error URIError',
    make: () => errorWithStack(new URIError('u')),
    hex: `
      17 06 03 04 75 64 55 52 49 45 72 72 6f 72 3a 20
      75 0a 20 20 20 20 61 74 20 67 6f 6c 64 65 6e
    `,
  },
  {
    name: 'Error AggregateError arrives as Error',
    make: () => errorWithStack(new AggregateError([1], 'agg')),
    hex: `
      17 00 03 0c 61 67 67 84 01 41 67 67 72 65 67 61
      74 65 45 72 72 6f 72 3a 20 61 67 67 0a 20 20 20
      20 61 74 20 67 6f 6c 64 65 6e
    `,
  },
  {
    name: 'Error without message or stack',
    make: () => {
      const e = new Error();
      delete (e as { stack?: string }).stack;
      return e;
    },
    hex: '17 00 00',
  },
  {
    name: 'Error with a cause',
    make: () => errorWithStack(new TypeError('outer', { cause: errorWithStack(new Error('inner')) })),
    hex: `
      17 05 07 14 6f 75 74 65 72 78 54 79 70 65 45 72
      72 6f 72 3a 20 6f 75 74 65 72 0a 20 20 20 20 61
      74 20 67 6f 6c 64 65 6e 17 00 03 14 69 6e 6e 65
      72 68 45 72 72 6f 72 3a 20 69 6e 6e 65 72 0a 20
      20 20 20 61 74 20 67 6f 6c 64 65 6e
    `,
  },
  {
    name: 'Error with a non-Error cause and no stack',
    make: () => {
      const e = new Error('m', { cause: { code: 7 } });
      delete (e as { stack?: string }).stack;
      return e;
    },
    hex: [
      '17', // Tag.Error
      '00', // ErrorKind.Error
      '05', // flags: Message (1) | Cause (4)
      '04 6d', // message "m"
      '0b 01 10 63 6f 64 65 87', // cause: {code: 7}
    ].join(' '),
  },
];
