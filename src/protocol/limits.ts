/**
 * Hostile-input limits. The decoder enforces them on everything it reads; the server announces
 * `maxPayload` at handshake so senders can refuse oversize messages before sending them.
 *
 * Bytes alone do not bound what decoding costs: two bytes can make an empty Map (about 190 bytes of
 * heap), three an Error. So the decoder also keeps an allocation budget per frame, charged from the
 * counts each container declares BEFORE it allocates anything (docs/serialization.md, "Limits", has
 * the cost of each kind of value and the measured time bound).
 */
export interface DecodeLimits {
  /** Largest encoded message (bytes) accepted. */
  readonly maxPayload: number;
  /** Deepest nesting of objects/arrays/maps/sets accepted. */
  readonly maxDepth: number;
  /**
   * Allocation units one frame (one `decode()` call) may spend. One unit is about one value slot
   * (8 bytes of heap); containers, keys read from the input, Map/Set entries, Errors, Dates, buffers,
   * views, strings and BigInt bytes cost more (see `docs/serialization.md`). Default 2^20 (1,048,576):
   * at most about 8 MB of decoded heap and 50-100 ms of decoding on the reference machine; the
   * 10,000-record benchmark payload (700 KB) needs about half of it.
   */
  readonly maxAllocations: number;
  /** Longest BigInt accepted, in bytes of magnitude. Default 65,536 (a 524,288-bit number). */
  readonly maxBigIntBytes: number;
  /**
   * Largest `length` of a sparse array (one written as its few present elements). Decoding one costs
   * the same for any length, but code that loops over it pays for every hole. Default 2^20.
   */
  readonly maxSparseArrayLength: number;
}

export const DEFAULT_LIMITS: DecodeLimits = Object.freeze({
  maxPayload: 64 * 1024 * 1024,
  maxDepth: 256,
  maxAllocations: 2 ** 20,
  maxBigIntBytes: 64 * 1024,
  maxSparseArrayLength: 2 ** 20,
});

/** Fills the limits not given in `partial` with {@link DEFAULT_LIMITS}. */
export function resolveLimits(partial?: Partial<DecodeLimits>): DecodeLimits {
  if (!partial) return DEFAULT_LIMITS;
  return {
    maxPayload: partial.maxPayload ?? DEFAULT_LIMITS.maxPayload,
    maxDepth: partial.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxAllocations: partial.maxAllocations ?? DEFAULT_LIMITS.maxAllocations,
    maxBigIntBytes: partial.maxBigIntBytes ?? DEFAULT_LIMITS.maxBigIntBytes,
    maxSparseArrayLength: partial.maxSparseArrayLength ?? DEFAULT_LIMITS.maxSparseArrayLength,
  };
}
