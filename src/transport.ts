/**
 * `ipc-anywhere/transport`: what a transport of your own needs (docs/transports.md). A transport moves
 * opaque frames between main and one renderer, in order, and reports closure; everything else
 * (encoding, ordering, calls, MessagePorts) is the library's on top of it.
 *
 * - Main side: implement {@link MainTransport} and connect each renderer with
 *   {@link addRenderer}`(main, transport, info)`; it returns the renderer's `WebContents`.
 * - Renderer side: implement {@link RendererTransport} and attach it to an `IpcRenderer` (the
 *   `ipcRenderer` singleton or `new IpcRenderer()`) with {@link attachTransport}.
 * @packageDocumentation
 */

export { addRenderer, createMain, defaultMain, type Main } from './api/main-context.js';
export type { RendererInfo } from './core/main/main-world.js';
export type { WebContentsType } from './core/main/web-contents-impl.js';
export { attachTransport, IpcRenderer } from './core/renderer/ipc-renderer-impl.js';
export type { ConnectionDefaults } from './core/renderer/renderer-session.js';
export { IpcError, IpcErrorCode, isIpcError } from './protocol/errors.js';
export type {
  MainTransport,
  MainTransportEvents,
  RendererTransport,
  RendererTransportEvents,
  ResumeOffer,
  SyncResponder,
  TransferList,
  TransportCapabilities,
} from './transports/transport.js';
