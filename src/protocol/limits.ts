import { PROTOCOL_MIN_PAYLOAD } from './messages.js';
import { checkByteCount, checkOptionNames, checkOptionsObject } from './options.js';

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

/**
 * What main accepts from renderers unless `createMain({ limits })` says otherwise: the decoder's
 * defaults with a 16 MiB message. Receiving a message costs main's event loop about 10 ns a byte before
 * the decoder sees it (the WebSocket layer reassembles it in fresh memory), so this keeps one message's
 * cost near the decoder's own bound (docs/security.md).
 */
export const MAIN_DEFAULT_LIMITS: DecodeLimits = Object.freeze({
  ...DEFAULT_LIMITS,
  maxPayload: 16 * 1024 * 1024,
});

/**
 * What a renderer accepts from main by default: main is trusted, so only the size and depth are bounded
 * and everything structured clone can carry passes (a large object payload from main must not cost the
 * renderer its connection).
 */
export const RENDERER_DEFAULT_LIMITS: DecodeLimits = Object.freeze({
  ...DEFAULT_LIMITS,
  maxAllocations: Number.POSITIVE_INFINITY,
  maxBigIntBytes: Number.POSITIVE_INFINITY,
  maxSparseArrayLength: 2 ** 32 - 1,
});

const LIMIT_NAMES = [
  'maxPayload',
  'maxDepth',
  'maxAllocations',
  'maxBigIntBytes',
  'maxSparseArrayLength',
] as const;

/**
 * The limits a user passed (`createMain({ limits })`, `createIpcRenderer({ limits })`), checked, with
 * what they leave out taken from `defaults`.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` naming the limit: an unknown name, a `maxPayload` that is
 *   not a whole number from {@link PROTOCOL_MIN_PAYLOAD} up, another limit that is not a whole number
 *   above 0 (or `Infinity`, no bound).
 */
export function checkedLimits(partial: unknown, defaults: DecodeLimits): DecodeLimits {
  checkOptionsObject('limits', partial);
  checkOptionNames('limits', partial, LIMIT_NAMES);
  const given = (partial ?? {}) as Partial<Record<(typeof LIMIT_NAMES)[number], unknown>>;
  checkByteCount('limits.maxPayload', given.maxPayload, { min: PROTOCOL_MIN_PAYLOAD });
  for (const name of LIMIT_NAMES) {
    if (name !== 'maxPayload') checkByteCount(`limits.${name}`, given[name], { min: 1, allowInfinity: true });
  }
  return resolveLimits(partial as Partial<DecodeLimits> | undefined, defaults);
}

/** Fills the limits not given in `partial` from `defaults` (the decoder's; unchecked: see {@link checkedLimits}). */
export function resolveLimits(
  partial?: Partial<DecodeLimits>,
  defaults: DecodeLimits = DEFAULT_LIMITS,
): DecodeLimits {
  if (!partial) return defaults;
  return {
    maxPayload: partial.maxPayload ?? defaults.maxPayload,
    maxDepth: partial.maxDepth ?? defaults.maxDepth,
    maxAllocations: partial.maxAllocations ?? defaults.maxAllocations,
    maxBigIntBytes: partial.maxBigIntBytes ?? defaults.maxBigIntBytes,
    maxSparseArrayLength: partial.maxSparseArrayLength ?? defaults.maxSparseArrayLength,
  };
}
