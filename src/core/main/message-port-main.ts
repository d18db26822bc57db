import { EventEmitter } from 'events';
import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import {
  CLONE_ERROR_MESSAGE,
  duplicatePortMessage,
  INVALID_TRANSFER_MESSAGE,
  neuteredPortMessage,
  notAValidPortMessage,
  sourcePortMessage,
} from '../shared/electron-texts.js';
import type { NativePort } from '../shared/virtual-ports.js';

/** What a `MessagePortMain`'s `'message'` listeners get (Electron's `MessageEvent`). */
export interface MessagePortMainEvent {
  readonly data: any;
  readonly ports: MessagePortMain[];
}

/** Lets this module create ports while `new MessagePortMain()` stays closed to user code. */
const CREATE = Symbol('MessagePortMain');

/**
 * Electron's `MessagePortMain`: one end of a channel in the main process, an EventEmitter. Messages
 * wait until {@link start}; `'message'` listeners get `{ data, ports }`, and `'close'` fires when
 * either end closes or the renderer holding the other end goes away. Each one stands on a Node
 * `MessagePort` (V8's structured clone in the process, native transfer to worker renderers; pages and
 * other renderers get it relayed over their connection), which never keeps the process alive by itself.
 */
export class MessagePortMain extends EventEmitter {
  /** `null` once transferred (neutered) or closed. */
  #native: NativePort | null;
  #started = false;
  #closeEmitted = false;
  readonly #onMessage = (event: { data: unknown; ports?: readonly NativePort[] }): void => {
    const ports = event.ports === undefined ? [] : event.ports.map(wrapNativePort);
    this.emit('message', { data: event.data, ports } satisfies MessagePortMainEvent);
  };
  readonly #onClose = (): void => {
    this.#detach();
    this.#native = null;
    if (this.#closeEmitted) return;
    this.#closeEmitted = true;
    this.emit('close');
  };

  /** @internal Ports are made by `MessageChannelMain` and by the library; user code never calls this. */
  constructor(token: typeof CREATE, native: NativePort) {
    super();
    if (token !== CREATE) throw new TypeError('Illegal constructor');
    this.#native = native;
    native.addEventListener('close', this.#onClose);
  }

  /**
   * Sends `message` (structured-cloned) to the other end, transferring the ports in `transfer`, which
   * can no longer be used here. A no-op once this port is closed or was transferred, as in Electron.
   * @throws Error `Port at index N is not a valid port.`, `... contains the source port.`,
   *   `... is a duplicate.`, `... is already neutered.`; `An object could not be cloned.`
   */
  postMessage(message?: unknown, transfer?: MessagePortMain[]): void {
    const native = this.#native;
    if (native === null) return;
    const ports = checkTransfer(transfer, this);
    let natives: NativePort[];
    try {
      natives = ports.map(MessagePortMain.peek);
      native.postMessage(message, natives);
    } catch (error) {
      throw cloneError(error);
    }
    for (const port of ports) port.#neuter();
  }

  /** Starts delivering messages (they wait until then). */
  start(): void {
    const native = this.#native;
    if (native === null || this.#started) return;
    this.#started = true;
    native.addEventListener('message', this.#onMessage);
    native.start();
    // Electron's main process lives on by itself; ours is a Node process an idle port must not hold.
    (native as { unref?: () => void }).unref?.();
  }

  /** Closes this end; both ends emit `'close'`. */
  close(): void {
    const native = this.#native;
    if (native === null) return;
    native.close();
  }

  /** @internal The native port of an entangled port (checked before), left in place. */
  static peek(port: MessagePortMain): NativePort {
    return port.#native!;
  }

  /** @internal Takes the native port out (it is being transferred): this object is neutered. */
  static take(port: MessagePortMain): NativePort {
    const native = port.#native!;
    port.#neuter();
    return native;
  }

  /** @internal Whether the port can still be transferred or used. */
  static isEntangled(port: MessagePortMain): boolean {
    return port.#native !== null;
  }

  #neuter(): void {
    this.#detach();
    this.#native = null;
  }

  #detach(): void {
    const native = this.#native;
    if (native === null) return;
    native.removeEventListener('message', this.#onMessage);
    native.removeEventListener('close', this.#onClose);
  }
}

/** A native port that arrived from a renderer or on another port, as main code sees it. */
export function wrapNativePort(native: NativePort): MessagePortMain {
  return new MessagePortMain(CREATE, native);
}

/** Electron's `MessageChannelMain`: two entangled `MessagePortMain`s. */
export class MessageChannelMain {
  readonly port1: MessagePortMain;
  readonly port2: MessagePortMain;

  constructor() {
    const { port1, port2 } = new MessageChannel() as unknown as { port1: NativePort; port2: NativePort };
    this.port1 = wrapNativePort(port1);
    this.port2 = wrapNativePort(port2);
  }
}

/**
 * `MessagePortMain.postMessage`'s transfer list, checked as Electron checks it (entries that are no
 * port, then the source port, then ports given twice or already transferred).
 */
function checkTransfer(transfer: unknown, source: MessagePortMain): MessagePortMain[] {
  if (transfer === undefined) return [];
  if (!Array.isArray(transfer)) throw new Error(INVALID_TRANSFER_MESSAGE);
  transfer.forEach((port, index) => {
    if (!(port instanceof MessagePortMain)) throw new Error(notAValidPortMessage(index));
  });
  transfer.forEach((port, index) => {
    if (port === source) throw new Error(sourcePortMessage(index));
  });
  return checkPorts(transfer as MessagePortMain[]);
}

/**
 * Ports of a transfer list that are all `MessagePortMain`s: none given twice or already transferred
 * (Electron's texts). Returns them, still entangled: nothing is taken until the message is sent.
 */
export function checkPorts(ports: readonly MessagePortMain[]): MessagePortMain[] {
  const seen = new Set<MessagePortMain>();
  ports.forEach((port, index) => {
    if (!MessagePortMain.isEntangled(port)) throw new Error(neuteredPortMessage(index));
    if (seen.has(port)) throw new Error(duplicatePortMessage(index));
    seen.add(port);
  });
  return [...ports];
}

/** V8's clone errors (DataCloneError) read as Electron's. */
function cloneError(error: unknown): unknown {
  if (error instanceof Error && error.name === 'DataCloneError') {
    return new IpcError(IpcErrorCode.NotCloneable, CLONE_ERROR_MESSAGE, { cause: error });
  }
  return error;
}
