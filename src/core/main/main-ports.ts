import type { IpcError } from '../../protocol/errors.js';
import type { MainToRendererMessage, RendererToMainPostMessage } from '../../protocol/messages.js';
import { PortLink } from '../shared/port-link.js';
import type { Unnumbered } from '../shared/sequenced-link.js';
import type { NativePort, TransferCursor } from '../shared/virtual-ports.js';
import { type DispatchWorld, dispatchPostMessage } from './dispatch.js';
import { codeOf } from './logger.js';
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

/** The most virtual ports one renderer may keep open with main (docs/protocol.md, "MessagePorts"). */
export const MAX_OPEN_PORTS = 4096;

/**
 * One renderer's MessagePorts as main handles them: `webContents.postMessage`, the renderer's
 * `ipcRenderer.postMessage` (dispatched with `event.ports`), and the virtual ports that join a
 * `MessagePortMain` to a renderer whose transport does not move ports (see {@link PortLink}).
 * Created by a session's first port message; closing the session closes every port it relays.
 */
export class MainPorts extends PortLink {
  constructor(
    private readonly owner: MainPortSession,
    private readonly world: DispatchWorld,
  ) {
    super(owner, 'main', MAX_OPEN_PORTS);
  }

  /**
   * `webContents.postMessage(channel, message, ports)`, the ports checked by the caller. The message is
   * encoded before any port is taken: one that cannot be sent (not cloneable, too large) throws and
   * leaves the ports usable.
   */
  postMessage(channel: string, message: unknown, ports: readonly MessagePortMain[]): void {
    this.sendPost(channel, message, ports.map(MessagePortMain.peek));
    for (const port of ports) MessagePortMain.take(port);
  }

  /** `ipcRenderer.postMessage` from the renderer: `webContents.ipc` then `ipcMain` get `event.ports`. */
  receivePostMessage(message: RendererToMainPostMessage, transfer: TransferCursor): void {
    const ports = this.receivePorts(message.ports, transfer);
    if (ports === undefined) return;
    const contents = this.owner.webContents;
    dispatchPostMessage(this.world, contents, message.channel, message.message, ports.map(wrapNativePort));
  }

  protected refuse(reason: IpcError): void {
    this.owner.reject(reason);
  }

  portError(portId: number, error: unknown): void {
    this.world.logger.warn(
      { err: error, code: codeOf(error), webContentsId: this.owner.webContents.id, portId },
      `ipc-anywhere: a message on a MessagePort to WebContents #${this.owner.webContents.id} was dropped (port ${portId})`,
    );
  }
}
