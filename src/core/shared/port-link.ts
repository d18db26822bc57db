import type { IpcError } from '../../protocol/errors.js';
import { MessageKind } from '../../protocol/messages.js';
import { type NativePort, type TransferCursor, type VirtualPortHost, VirtualPorts } from './virtual-ports.js';

/** What a {@link PortLink} needs of the session it belongs to (either side's). */
export interface PortLinkSession {
  /** The transport moves ports itself (worker, memory): they travel natively, not as virtual ports. */
  readonly nativePorts: boolean;
  /**
   * Queues a message in the session's stream, with the ports its frame carries; throws like `enqueue`.
   * The message is of this side's direction (the link picks the kinds by side), hence the loose type.
   */
  sendPortFrame(message: any, transfer: NativePort[] | undefined): void;
}

const KINDS = {
  main: {
    post: MessageKind.MainPostMessage,
    message: MessageKind.MainPortMessage,
    close: MessageKind.MainPortClose,
  },
  renderer: {
    post: MessageKind.RendererPostMessage,
    message: MessageKind.RendererPortMessage,
    close: MessageKind.RendererPortClose,
  },
} as const;

/**
 * One connection's MessagePorts as either side handles them: sending `postMessage` and the port
 * messages of its virtual ports (see {@link VirtualPorts}) in the session's stream, and taking the
 * peer's. Main and renderer each add what they do with a `postMessage` that arrives.
 */
export abstract class PortLink implements VirtualPortHost {
  protected readonly virtual: VirtualPorts;
  readonly #kinds: (typeof KINDS)['main' | 'renderer'];

  constructor(
    private readonly session: PortLinkSession,
    side: 'main' | 'renderer',
    maxOpen?: number,
  ) {
    this.virtual = new VirtualPorts(this, side, maxOpen);
    this.#kinds = KINDS[side];
  }

  /** The peer broke the rules: its connection closes with `reason`. */
  protected abstract refuse(reason: IpcError): void;

  abstract portError(portId: number, error: unknown): void;

  /** Sends `postMessage(channel, message)` with `ports`; throws what encoding throws, taking no port. */
  protected sendPost(channel: string, message: unknown, ports: readonly NativePort[]): void {
    this.virtual.send(ports, this.session.nativePorts, (refs, transfer) =>
      this.session.sendPortFrame({ kind: this.#kinds.post, channel, message, ports: refs }, transfer),
    );
  }

  /** The ports a `postMessage` from the peer brings, or `undefined` when it broke the rules. */
  protected receivePorts(refs: readonly number[], transfer: TransferCursor): NativePort[] | undefined {
    const ports = this.virtual.incoming(refs, transfer);
    if (Array.isArray(ports)) return ports;
    this.refuse(ports);
    return undefined;
  }

  receivePortMessage(
    message: { portId: number; data: unknown; ports: readonly number[] },
    transfer: TransferCursor,
  ): void {
    const wrong = this.virtual.receiveMessage(message.portId, message.data, message.ports, transfer);
    if (wrong) this.refuse(wrong);
  }

  receivePortClose(message: { portId: number }): void {
    const wrong = this.virtual.receiveClose(message.portId);
    if (wrong) this.refuse(wrong);
  }

  /** The connection is over: every virtual port closes, so the ports joined to them see `'close'`. */
  closeAll(): void {
    this.virtual.closeAll();
  }

  sendPortMessage(portId: number, data: unknown, ports: NativePort[]): void {
    this.virtual.send(ports, this.session.nativePorts, (refs, transfer) =>
      this.session.sendPortFrame({ kind: this.#kinds.message, portId, data, ports: refs }, transfer),
    );
  }

  sendPortClose(portId: number): void {
    this.session.sendPortFrame({ kind: this.#kinds.close, portId }, undefined);
  }
}
