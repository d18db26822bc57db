/**
 * Tag bytes of the value encoding. Every encoded value starts with one tag byte. Bytes `0x80..0xff` are
 * "fixints": the value is the integer `tag - 0x80` (0..127) and nothing follows.
 *
 * Layout after each tag (`varuint` = unsigned LEB128 up to 2^53-1, `str` = {@link ByteWriter.string}):
 *
 * | tag            | payload                                                                        |
 * | -------------- | ------------------------------------------------------------------------------ |
 * | Undefined..True| nothing                                                                        |
 * | PosInt/NegInt  | varuint magnitude (safe integers only; never -0)                               |
 * | Float64        | 8 bytes little-endian IEEE 754 (-0, NaN, ±Infinity, fractions, big numbers)    |
 * | BigIntPos/Neg  | varuint byte count + magnitude bytes little-endian                             |
 * | String         | str                                                                            |
 * | Ref            | varuint id of an object written earlier in the same value (pre-order numbering) |
 * | Object         | varuint count + count × (str key, value)                                       |
 * | ShapeDef       | varuint n + n × str key + n × value; defines the next shape id (0, 1, ...)     |
 * | ShapeRef       | varuint shape id + one value per key of that shape (Hole: key was deleted)     |
 * | Array          | varuint length + length × (value or Hole)                                      |
 * | ArrayProps     | like Array, then varuint count + count × (str key, value) for non-index props  |
 * | SparseArray    | varuint length + varuint n + n × (varuint index, value) + props as ArrayProps  |
 * | Date           | 8 bytes float64 time value                                                     |
 * | RegExp         | str source + str flags                                                         |
 * | Map / Set      | varuint count + count × (key, value) / count × value                           |
 * | ArrayBuffer    | varuint byteLength + bytes                                                     |
 * | ResizableAB    | varuint byteLength + varuint maxByteLength + bytes                             |
 * | View           | u8 {@link ViewKind} + varuint byteOffset + varuint byteLength + buffer value   |
 * | Error          | u8 {@link ErrorKind} + u8 flags (1 message, 2 stack, 4 cause) + [str] + [str] + [value] |
 * | Boxed          | a primitive value (number, string, boolean or bigint encoding)                 |
 *
 * Object ids: every object gets the next id when it is first written (an Array before its elements, a
 * View before its buffer), so `Ref` can express shared references and cycles. A value containing any
 * `Ref` starts with the `Refs` byte (the encoder inserts it at the end, when it knows); without it the
 * decoder does not track ids at all and rejects `Ref`.
 */
export const Tag = {
  Undefined: 0x00,
  Null: 0x01,
  False: 0x02,
  True: 0x03,
  PosInt: 0x04,
  NegInt: 0x05,
  Float64: 0x06,
  BigIntPos: 0x07,
  BigIntNeg: 0x08,
  String: 0x09,
  Ref: 0x0a,
  Object: 0x0b,
  Array: 0x0c,
  ArrayProps: 0x0d,
  SparseArray: 0x0e,
  /** Only valid as an element of Array / ArrayProps or a value of ShapeDef / ShapeRef (deleted key). */
  Hole: 0x0f,
  Date: 0x10,
  RegExp: 0x11,
  Map: 0x12,
  Set: 0x13,
  ArrayBuffer: 0x14,
  ResizableArrayBuffer: 0x15,
  View: 0x16,
  Error: 0x17,
  Boxed: 0x18,
  /** An object that defines a shape (its key list) for later ShapeRef objects. */
  ShapeDef: 0x19,
  /** An object with the keys of an earlier ShapeDef: varuint shape id + one value per key. */
  ShapeRef: 0x1a,
  /** First byte of a value that contains Ref tags: only then does the decoder track object ids. */
  Refs: 0x1b,
  /** First fixint tag: tags `0x80 + n` encode the integer n (0..127). */
  FixIntBase: 0x80,
} as const;

/** View kinds of {@link Tag.View}: which constructor the view is rebuilt with. */
export const ViewKind = {
  Int8Array: 0,
  Uint8Array: 1,
  Uint8ClampedArray: 2,
  Int16Array: 3,
  Uint16Array: 4,
  Int32Array: 5,
  Uint32Array: 6,
  Float32Array: 7,
  Float64Array: 8,
  BigInt64Array: 9,
  BigUint64Array: 10,
  Float16Array: 11,
  DataView: 12,
} as const;

/** Error kinds of {@link Tag.Error}: the only constructors structuredClone keeps (Node 20 / Chromium). */
export const ErrorKind = {
  Error: 0,
  EvalError: 1,
  RangeError: 2,
  ReferenceError: 3,
  SyntaxError: 4,
  TypeError: 5,
  URIError: 6,
} as const;

/** Flags byte of {@link Tag.Error}. */
export const ErrorFlag = {
  Message: 1,
  Stack: 2,
  Cause: 4,
} as const;

/**
 * The low two bits of a string header (`varuint(n * 4 + kind)`), see {@link ByteWriter.string}:
 * Latin1 = n bytes, each one UTF-16 code unit below 0x100; Utf8 = n bytes of well-formed UTF-8;
 * Utf16 = n code units, 2n bytes little-endian (used for strings with lone surrogates).
 */
export const StringKind = {
  Latin1: 0,
  Utf8: 1,
  Utf16: 2,
} as const;
