import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import type {
  MainTransport,
  MainTransportEvents,
  RendererTransport,
  RendererTransportEvents,
  SyncResponder,
  TransferList,
  TransportCapabilities,
} from '../transport.js';

/** Ports move as they are: both ends live in one thread, so the same MessagePort objects change hands. */
const capabilities: TransportCapabilities = Object.freeze({ sync: true, transfer: true });

/** Sees every frame that crosses a memory link (the testing package's traffic recorder). */
export interface FrameTap {
  toMain(frame: Uint8Array): void;
  toRenderer(frame: Uint8Array): void;
  syncReply(frame: Uint8Array): void;
}

/**
 * Two ends of an in-process link. Frames are bytes produced by the real codec, so each side decodes
 * its own copy (no shared identity, same cloning rules as the other transports). Delivery happens when
 * the sender's outbox flushes, which is always a microtask after the call; a sync request runs main's
 * listeners directly, so it only completes when they set `returnValue` synchronously.
 */
export function createMemoryLink(
  tap?: FrameTap,
  /** What the renderer accepts (its `limits.maxPayload`), known to main from the start. */
  peerMaxPayload?: number,
): { main: MainTransport; renderer: RendererTransport } {
  let mainEvents: MainTransportEvents | undefined;
  let rendererEvents: RendererTransportEvents | undefined;
  let closed: IpcError | undefined;
  const early: { frame: Uint8Array; transfer: TransferList | undefined }[] = [];

  const closeBoth = (reason: IpcError): void => {
    if (closed) return;
    closed = reason;
    queueMicrotask(() => {
      mainEvents?.close(reason);
      rendererEvents?.close(reason);
    });
  };

  const main: MainTransport = {
    capabilities,
    peerMaxPayload,
    start(events) {
      mainEvents = events;
      for (const { frame, transfer } of early.splice(0)) events.frame(frame, undefined, false, transfer);
    },
    send(frame, transfer) {
      if (closed) return closePorts(transfer);
      tap?.toRenderer(frame);
      if (rendererEvents) rendererEvents.frame(frame, transfer);
      else closePorts(transfer);
    },
    close(reason) {
      closeBoth(reason);
    },
  };

  const renderer: RendererTransport = {
    capabilities,
    start(events) {
      rendererEvents = events;
    },
    send(frame, transfer) {
      if (closed) return closePorts(transfer);
      tap?.toMain(frame);
      if (mainEvents) mainEvents.frame(frame, undefined, false, transfer);
      else early.push({ frame, transfer });
    },
    sendSync(frame) {
      if (closed)
        throw new IpcError(IpcErrorCode.Closed, 'The connection to main is closed.', { cause: closed });
      if (!mainEvents)
        throw new IpcError(IpcErrorCode.NotConnected, 'Main has not accepted this renderer yet.');
      let reply: Uint8Array | undefined;
      const respond: SyncResponder = (replyFrame) => {
        if (reply === undefined && !settled) reply = replyFrame;
      };
      let settled = false;
      tap?.toMain(frame);
      mainEvents.frame(frame, respond);
      settled = true;
      if (reply === undefined) {
        throw new IpcError(
          IpcErrorCode.SyncReplyNotSynchronous,
          'The in-memory transport runs main inside sendSync, so a listener must set event.returnValue ' +
            'before returning. Use the worker transport (createWorkerRenderer) to test asynchronous sync replies.',
        );
      }
      tap?.syncReply(reply);
      return reply;
    },
    close() {
      closeBoth(new IpcError(IpcErrorCode.Closed, 'The renderer closed its connection.'));
    },
  };

  return { main, renderer };
}

interface PortLike {
  close?(): void;
}

/** Ports sent on a link that is gone: closed, so their partners see `'close'`. */
function closePorts(transfer: TransferList | undefined): void {
  if (transfer === undefined) return;
  for (const port of transfer as PortLike[]) port.close?.();
}
