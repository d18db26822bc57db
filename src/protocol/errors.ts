/**
 * Every error the library creates itself carries one of these stable codes. The table with causes and
 * remedies is `docs/errors.md`; tests assert codes, never message wording (except Electron's own texts,
 * which live in `src/core/shared/electron-texts.ts`).
 */
export const IpcErrorCode = {
  /** A value passed to send/invoke/... cannot be structured-cloned (functions, symbols, Promises, ...). */
  NotCloneable: 'ERR_IPC_NOT_CLONEABLE',
  /** Bytes from the other side are malformed: truncated, unknown tag, bad varint, bad UTF-8 length, ... */
  Decode: 'ERR_IPC_DECODE',
  /** Decoded input exceeds a hostile-input limit (depth, element count, string or binary length). */
  LimitExceeded: 'ERR_IPC_LIMIT_EXCEEDED',
  /** A message is larger than the peer accepts; checked by the sender before anything is sent. */
  PayloadTooLarge: 'ERR_IPC_PAYLOAD_TOO_LARGE',
  /** A peer does not read what is sent to it: too much is waiting to be sent; the connection is closed. */
  SlowConsumer: 'ERR_IPC_SLOW_CONSUMER',
  /** A message is well-formed bytes but breaks the protocol: wrong direction, sequence gap, unknown id. */
  Protocol: 'ERR_IPC_PROTOCOL',
  /** An invoke or sendSync did not settle within its deadline. */
  Timeout: 'ERR_IPC_TIMEOUT',
  /** The connection closed (or the WebContents was destroyed) while a call was pending, or before it began. */
  Closed: 'ERR_IPC_CLOSED',
  /** sendSync on a transport that cannot block (see docs/transports.md for which can). */
  SyncUnsupported: 'ERR_IPC_SYNC_UNSUPPORTED',
  /** In-memory sendSync whose main-side listener did not set `event.returnValue` synchronously. */
  SyncReplyNotSynchronous: 'ERR_IPC_SYNC_REPLY_NOT_SYNCHRONOUS',
  /** The renderer has no connection configured yet and cannot queue this call. */
  NotConnected: 'ERR_IPC_NOT_CONNECTED',
  /** An argument passed to a library function has the wrong type or value. */
  InvalidArgument: 'ERR_IPC_INVALID_ARGUMENT',
  /**
   * The renderer's session ended while it was disconnected (main restarted, or the grace period passed)
   * and a new one began: calls pending in the old session reject with this; see docs/resume.md.
   */
  SessionLost: 'ERR_IPC_SESSION_LOST',
  /** More was sent over a dropped connection than the replay buffer holds (`maxReplayBytes`). */
  ReplayOverflow: 'ERR_IPC_REPLAY_OVERFLOW',
  /** The peer speaks a protocol version this build does not understand. */
  VersionMismatch: 'ERR_IPC_VERSION_MISMATCH',
  /** `executeJavaScript` in a page whose Content Security Policy forbids evaluating strings. */
  EvalBlocked: 'ERR_IPC_EVAL_BLOCKED',
  /** A page-only WebContents method (executeJavaScript, reload, loadURL) on a renderer that is no page. */
  NotAPage: 'ERR_IPC_NOT_A_PAGE',
  /**
   * A message for a renderer of another main process could not be sent: the cluster's broker (Redis) is
   * unreachable, or too much is already waiting for it. Local renderers are not affected.
   */
  ClusterUnavailable: 'ERR_IPC_CLUSTER_UNAVAILABLE',
  /**
   * Warning: another `'upgrade'` listener on the http server answered or closed an upgrade for
   * ipc-anywhere's WebSocket path (a ws `WebSocketServer({ server, path })`), so a page could not connect.
   */
  UpgradeConflict: 'ERR_IPC_UPGRADE_CONFLICT',
  /**
   * Warning: a request for ipc-anywhere's WebSocket path arrived as plain HTTP, without its upgrade (a
   * proxy in front of the server that does not forward WebSocket upgrades).
   */
  UpgradeMissing: 'ERR_IPC_UPGRADE_MISSING',
  /** Warning: a second copy of the library was loaded in the process; each copy has its own `ipcMain`. */
  DuplicateCopy: 'ERR_IPC_DUPLICATE_COPY',
  /**
   * Logged: main refused a message or connection by its rules (allowSendTo, allowedOrigins/allowedHosts,
   * a <webview> message to a renderer that is not its guest, a bad sync request); nothing was dispatched.
   */
  Refused: 'ERR_IPC_REFUSED',
} as const;

export type IpcErrorCode = (typeof IpcErrorCode)[keyof typeof IpcErrorCode];

/**
 * The one error class of the library. `name` stays `'Error'` so that `String(error)` reads exactly as
 * Electron's errors do (`Error: An object could not be cloned.`); use `code` to tell errors apart.
 */
export class IpcError extends Error {
  readonly code: IpcErrorCode;

  constructor(code: IpcErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
Object.defineProperty(IpcError.prototype, 'name', { value: 'Error', writable: true, configurable: true });

/** True when `error` is an {@link IpcError} with the given code (works across realms and bundles). */
export function isIpcError(error: unknown, code?: IpcErrorCode): error is IpcError {
  if (typeof error !== 'object' || error === null) return false;
  const actual = (error as { code?: unknown }).code;
  if (typeof actual !== 'string' || !actual.startsWith('ERR_IPC_')) return false;
  return code === undefined || actual === code;
}

/**
 * An error of ours as the text an invoke reply carries (`Error: [ERR_IPC_...] message`): Electron sends
 * only `error.toString()`, so the code travels inside the text and {@link codeInErrorText} finds it.
 */
export function codedErrorText(error: IpcError): string {
  return `Error: [${error.code}] ${error.message}`;
}

const CODED_TEXT = /^Error: \[(ERR_IPC_[A-Z_]+)\] /;

/** The code {@link codedErrorText} put in `text`, if any. */
export function codeInErrorText(text: string): IpcErrorCode | undefined {
  const code = CODED_TEXT.exec(text)?.[1];
  return code !== undefined && (Object.values(IpcErrorCode) as string[]).includes(code)
    ? (code as IpcErrorCode)
    : undefined;
}
