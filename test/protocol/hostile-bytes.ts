import { DEFAULT_LIMITS, type DecodeLimits } from '../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, type Receiver } from '../../src/protocol/message-codec.js';
import type { AnyMessage } from '../../src/protocol/messages.js';
import { fromHex } from './golden/hex.js';

/* Helpers for tests that feed a decoder hand-written messages, as a hostile peer would. */

/** Decodes one message given as hex (without its length prefix) in a frame of its own. */
export function decodeHex(
  hex: string,
  receiver: Receiver,
  limits: DecodeLimits = DEFAULT_LIMITS,
): AnyMessage[] {
  return decodeFrame(encodeFrame([fromHex(hex)]), receiver, limits);
}

/** The `code` of what `run` throws, or `undefined` when it does not throw. */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}
