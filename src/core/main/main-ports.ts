import type { IpcError } from '../../protocol/errors.js';
import {
  type MainToRendererMessage,
  MessageKind,
  type RendererToMainPortClose,
  type RendererToMainPortMessage,
  type RendererToMainPostMessage,
} from '../../protocol/messages.js';
import type { Unnumbered } from '../shared/sequenced-link.js';
import {
  type NativePort,
  type TransferCursor,
  type VirtualPortHost,
  VirtualPorts,
} from '../shared/virtual-ports.js';
import { type DispatchWorld, dispatchPostMessage } from './dispatch.js';
import { MessagePortMain, wrapNativePort } from './message-port-main.js';
import type { WebContents } from './web-contents-impl.js';

/** What {@link MainPorts} needs of the session it belongs to. */
export interface MainPortSession {
  readonly webContents: WebContents;
  /** The transport moves ports itself (worker, memory): they travel natively, not as virtual ports. */
  readonly nativePorts: boolean;
  /** Queues a message in the session's stream, with the ports its frame carries; throws like `enqueue`. */
  sendPortFrame(message: Unnumbered<MainToRendererMessage>, transfer: NativePort[] | undefined): void;
  /** The renderer broke the rules: its connection closes. */
  reject(reason: IpcError): void;
}

/**
 * One renderer's MessagePorts as main handles them: `webContents.postMessage`, the renderer's
 * `ipcRenderer.postMessage` (dispatched with `event.ports`), and the virtual ports that join a
 * `MessagePortMain` to a renderer whose transport does not move ports (see {@link VirtualPorts}).
 * Created by a session's first port message; closing the session closes every port it relays.
 */
/** The most virtual ports one renderer may keep open with main (docs/protocol.md, "MessagePorts"). */
export const MAX_OPEN_PORTS = 4096;

export class MainPorts implements VirtualPortHost {
  readonly #virtual = new VirtualPorts(this, 'main', MAX_OPEN_PORTS);

  constructor(
    private readonly session: MainPortSession,
    private readonly world: DispatchWorld,
  ) {}

  /**
   * `webContents.postMessage(channel, message, ports)`, the ports checked by the caller. The message is
   * encoded before any port is taken: one that cannot be sent (not cloneable, too large) throws and
   * leaves the ports usable.
   */
  postMessage(channel: string, message: unknown, ports: readonly MessagePortMain[]): void {
    this.#virtual.send(ports.map(MessagePortMain.peek), this.session.nativePorts, (refs, transfer) =>
      this.session.sendPortFrame(
        { kind: MessageKind.MainPostMessage, channel, message, ports: refs },
        transfer,
      ),
    );
    for (const port of ports) MessagePortMain.take(port);
  }

  /** `ipcRenderer.postMessage` from the renderer: `webContents.ipc` then `ipcMain` get `event.ports`. */
  receivePostMessage(message: RendererToMainPostMessage, transfer: TransferCursor): void {
    const ports = this.#virtual.incoming(message.ports, transfer);
    if (!Array.isArray(ports)) {
      this.session.reject(ports);
      return;
    }
    dispatchPostMessage(
      this.world,
      this.session.webContents,
      message.channel,
      message.message,
      ports.map(wrapNativePort),
    );
  }

  receivePortMessage(message: RendererToMainPortMessage, transfer: TransferCursor): void {
    const wrong = this.#virtual.receiveMessage(message.portId, message.data, message.ports, transfer);
    if (wrong) this.session.reject(wrong);
  }

  receivePortClose(message: RendererToMainPortClose): void {
    const wrong = this.#virtual.receiveClose(message.portId);
    if (wrong) this.session.reject(wrong);
  }

  /** The renderer is gone: every port relayed to it closes, so the ends main code holds see `'close'`. */
  closeAll(): void {
    this.#virtual.closeAll();
  }

  sendPortMessage(portId: number, data: unknown, ports: NativePort[]): void {
    this.#virtual.send(ports, this.session.nativePorts, (refs, transfer) =>
      this.session.sendPortFrame({ kind: MessageKind.MainPortMessage, portId, data, ports: refs }, transfer),
    );
  }

  sendPortClose(portId: number): void {
    this.session.sendPortFrame({ kind: MessageKind.MainPortClose, portId }, undefined);
  }

  portError(portId: number, error: unknown): void {
    this.world.logger.warn(
      `ipc-anywhere: a message on a MessagePort to WebContents #${this.session.webContents.id} was dropped (port ${portId}):`,
      error,
    );
  }
}
