/**
 * `ipc-anywhere/main`: the main-process side (Node.js).
 * @packageDocumentation
 */
import { defaultMain, type Main } from './api/main-context.js';

export {
  addRenderer,
  createMain,
  defaultMain,
  type Main,
  type MainOptions,
  type SetLoggerOptions,
  setLogger,
} from './api/main-context.js';
export {
  type AllowedHosts,
  type AllowedOrigins,
  type AttachOptions,
  attach,
  createServer,
  IpcServer,
  type ServerOptions,
} from './api/server.js';
export type * from './api/typed-channels.js';
export {
  type MainListener,
  type TypedBroadcast,
  type TypedInvokeHandler,
  type TypedIpcMain,
  type TypedIpcMainEvent,
  type TypedIpcMainOptions,
  type TypedWebContents,
  typedBroadcast,
  typedIpcMain,
  typedWebContents,
} from './api/typed-ipc-main.js';
export { createWorkerRenderer, type WorkerRendererOptions, workerOf } from './api/worker-renderer.js';
export {
  type ConsoleStyleLogger,
  consoleStyle,
  type LogFields,
  type Logger,
  type LogLevel,
  type LogMethod,
} from './core/main/logger.js';
export type {
  MainTrafficKind,
  MainTrafficListener,
  MainTrafficOutcome,
  MainTrafficRecord,
} from './core/main/main-traffic.js';
export type { RendererInfo, WebContentsModule } from './core/main/main-world.js';
export {
  MessageChannelMain,
  MessagePortMain,
  type MessagePortMainEvent,
} from './core/main/message-port-main.js';
export type {
  IpcMainEvent,
  IpcMainInvokeEvent,
  SenderFrame,
  WebContentsCallOptions,
} from './core/main/web-contents-impl.js';
export {
  type InvokeHandler,
  IpcMain,
  WebContents,
  type WebContentsType,
} from './core/main/web-contents-impl.js';
export type { ProgressListener, TransferProgress } from './core/shared/transfer-progress.js';
export { setShapeCompilation } from './protocol/codec/shape-compiler.js';
export { IpcError, IpcErrorCode, isIpcError } from './protocol/errors.js';
export type { DecodeLimits } from './protocol/limits.js';

/** The default main world's `ipcMain` (Electron's `ipcMain`). */
export const ipcMain = defaultMain.ipcMain;
/** The default main world's renderers (Electron's `webContents` module). */
export const webContents = defaultMain.webContents;
/**
 * `defaultMain.broadcast`: `send` to every renderer of the default main world, the arguments encoded
 * once (not in Electron). Returns how many renderers it went to.
 */
export const broadcast: Main['broadcast'] = defaultMain.broadcast;
/**
 * The default main world's traffic tap (`defaultMain.onTraffic`): one record per message to or from
 * any renderer, and per refusal, drop or closed connection. Returns the function that removes it.
 */
export const onTraffic: Main['onTraffic'] = (listener) => defaultMain.onTraffic(listener);
