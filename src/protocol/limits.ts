/**
 * Hostile-input limits. The decoder enforces them on everything it reads; the server announces
 * `maxPayload` at handshake so senders can refuse oversize messages before sending them.
 */
export interface DecodeLimits {
  /** Largest encoded message (bytes) accepted. */
  readonly maxPayload: number;
  /** Deepest nesting of objects/arrays/maps/sets accepted. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: DecodeLimits = Object.freeze({
  maxPayload: 64 * 1024 * 1024,
  maxDepth: 256,
});

export function resolveLimits(partial?: Partial<DecodeLimits>): DecodeLimits {
  if (!partial) return DEFAULT_LIMITS;
  return {
    maxPayload: partial.maxPayload ?? DEFAULT_LIMITS.maxPayload,
    maxDepth: partial.maxDepth ?? DEFAULT_LIMITS.maxDepth,
  };
}
