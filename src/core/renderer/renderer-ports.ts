import type { IpcError } from '../../protocol/errors.js';
import type { MainToRendererPostMessage, RendererToMainMessage } from '../../protocol/messages.js';
import { PortLink } from '../shared/port-link.js';
import type { Unnumbered } from '../shared/sequenced-link.js';
import type { NativePort, TransferCursor } from '../shared/virtual-ports.js';

/** What {@link RendererPorts} needs of the session it belongs to. */
export interface RendererPortSession {
  /** The transport moves ports itself (worker, memory): they travel natively, not as virtual ports. */
  readonly nativePorts: boolean;
  /** Queues a message in the session's stream, with the ports its frame carries; throws like `post`. */
  sendPortFrame(message: Unnumbered<RendererToMainMessage>, transfer: NativePort[] | undefined): void;
  /** Main broke the rules: the connection closes. */
  fail(reason: IpcError): void;
}

/**
 * A renderer's MessagePorts: `ipcRenderer.postMessage`, main's `webContents.postMessage` (delivered with
 * `event.ports`, the platform's own ports), and the virtual ports that join the app's ports to main's
 * over a transport that does not move ports (see {@link PortLink}).
 */
export class RendererPorts extends PortLink {
  constructor(private readonly owner: RendererPortSession) {
    super(owner, 'renderer');
  }

  /** `ipcRenderer.postMessage`; throws what encoding throws, with the ports left to the caller. */
  postMessage(channel: string, message: unknown, ports: readonly NativePort[]): void {
    this.sendPost(channel, message, ports);
  }

  /** The ports for `webContents.postMessage`'s listeners, or `undefined` when main broke the rules. */
  receivePostMessage(message: MainToRendererPostMessage, transfer: TransferCursor): NativePort[] | undefined {
    return this.receivePorts(message.ports, transfer);
  }

  protected refuse(reason: IpcError): void {
    this.owner.fail(reason);
  }

  portError(portId: number, error: unknown): void {
    // The app's own postMessage succeeded (its port cloned the message); only the relay failed, so it is
    // reported where the app's developer looks, without ending the renderer.
    console.error(`ipc-anywhere: a message on a MessagePort to main was dropped (port ${portId}):`, error);
  }
}
