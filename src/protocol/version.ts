/**
 * Wire protocol version. Bumped on any incompatible change to message layout or semantics; both sides
 * exchange it in the hello message and refuse to talk across versions (`ERR_IPC_VERSION_MISMATCH`).
 * The layout is documented in docs/protocol.md.
 */
export const PROTOCOL_VERSION = 3;
