/*
 * Spans: where the large ArrayBuffers of a chunked message lie in its encoding (docs/protocol.md,
 * "Large messages"). The sender lists them in the first chunk; the receiver then copies those bytes,
 * chunk by chunk as they arrive, straight into the ArrayBuffers the decoded value will hold. Without
 * them the bytes went into the reassembly buffer first and were copied again, all at once, into fresh
 * memory when the value was decoded: for 100 MB a stall of about 0.3 s on the receiver's event loop.
 *
 * A span list is flat: `[offset, length, offset, length, ...]`, offsets counted from the message's
 * first byte (its kind), ascending, with at least one byte before and between spans.
 */

/**
 * ArrayBuffers from this size on are listed. Smaller ones cost little to copy, and the bound keeps a
 * first chunk's span list short enough (at most `total / SPAN_MIN_BYTES` entries) that the chunk stays
 * smaller than the message it belongs to.
 */
export const SPAN_MIN_BYTES = 256 * 1024;

/** Why `spans` cannot describe a message of `total` bytes; `undefined` when it can. */
export function spansProblem(spans: readonly number[], total: number): string | undefined {
  let end = 0;
  for (let i = 0; i < spans.length; i += 2) {
    const offset = spans[i]!;
    const length = spans[i + 1]!;
    if (length < SPAN_MIN_BYTES) return `a span of ${length} bytes (spans are at least ${SPAN_MIN_BYTES})`;
    // Each ArrayBuffer's bytes follow a tag and a length, so spans never start at 0 or touch; a
    // receiver that cuts them out of its buffer (ChunkReassembly) relies on it.
    if (offset <= end)
      return `a span at byte ${offset} overlaps or touches the previous one or the message's start`;
    end = offset + length;
    if (end > total) return `a span ending at byte ${end} runs past the message's ${total} bytes`;
  }
  return undefined;
}

/** The most spans a message of `total` bytes can have. */
export function maxSpansFor(total: number): number {
  return Math.floor(total / SPAN_MIN_BYTES);
}
