import type { IpcError } from '../../protocol/errors.js';
import {
  type MainToRendererPortClose,
  type MainToRendererPortMessage,
  type MainToRendererPostMessage,
  MessageKind,
  type RendererToMainMessage,
} from '../../protocol/messages.js';
import type { Unnumbered } from '../shared/sequenced-link.js';
import {
  type NativePort,
  type TransferCursor,
  type VirtualPortHost,
  VirtualPorts,
} from '../shared/virtual-ports.js';

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
 * over a transport that does not move ports (see {@link VirtualPorts}).
 */
export class RendererPorts implements VirtualPortHost {
  readonly #virtual = new VirtualPorts(this, 'renderer');

  constructor(private readonly session: RendererPortSession) {}

  /** `ipcRenderer.postMessage`; throws what encoding throws, with the ports left to the caller. */
  postMessage(channel: string, message: unknown, ports: readonly NativePort[]): void {
    this.#virtual.send(ports, this.session.nativePorts, (refs, transfer) =>
      this.session.sendPortFrame(
        { kind: MessageKind.RendererPostMessage, channel, message, ports: refs },
        transfer,
      ),
    );
  }

  /** The ports for `webContents.postMessage`'s listeners, or `undefined` when main broke the rules. */
  receivePostMessage(message: MainToRendererPostMessage, transfer: TransferCursor): NativePort[] | undefined {
    const ports = this.#virtual.incoming(message.ports, transfer);
    if (Array.isArray(ports)) return ports;
    this.session.fail(ports);
    return undefined;
  }

  receivePortMessage(message: MainToRendererPortMessage, transfer: TransferCursor): void {
    const wrong = this.#virtual.receiveMessage(message.portId, message.data, message.ports, transfer);
    if (wrong) this.session.fail(wrong);
  }

  receivePortClose(message: MainToRendererPortClose): void {
    const wrong = this.#virtual.receiveClose(message.portId);
    if (wrong) this.session.fail(wrong);
  }

  /** The session is over: every virtual port closes (the app's ends see `'close'` where supported). */
  closeAll(): void {
    this.#virtual.closeAll();
  }

  sendPortMessage(portId: number, data: unknown, ports: NativePort[]): void {
    this.#virtual.send(ports, this.session.nativePorts, (refs, transfer) =>
      this.session.sendPortFrame(
        { kind: MessageKind.RendererPortMessage, portId, data, ports: refs },
        transfer,
      ),
    );
  }

  sendPortClose(portId: number): void {
    this.session.sendPortFrame({ kind: MessageKind.RendererPortClose, portId }, undefined);
  }

  portError(portId: number, error: unknown): void {
    // The app's own postMessage succeeded (its port cloned the message); only the relay failed, so it is
    // reported where the app's developer looks, without ending the renderer.
    console.error(`ipc-anywhere: a message on a MessagePort to main was dropped (port ${portId}):`, error);
  }
}
