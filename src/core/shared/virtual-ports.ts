import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { NATIVE_PORT } from '../../protocol/messages.js';

/**
 * What every platform's MessagePort offers (a page's DOM port, Node's `worker_threads` port): all that
 * the library uses of one.
 */
export interface NativePort {
  postMessage(message: unknown, transfer?: any[]): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
  start(): void;
  close(): void;
}

/** A native port of this realm (a page's DOM `MessagePort`, Node's global one: `worker_threads`'). */
export function isNativePort(value: unknown): value is NativePort {
  return typeof MessagePort === 'function' && value instanceof MessagePort;
}

/** Where a connection's virtual ports send (the session that owns them). */
export interface VirtualPortHost {
  /**
   * Sends what arrived on the local end of virtual port `portId` to the peer; `ports` came with it.
   * Throws what the encoder throws (then the message is lost, as {@link portError} reports).
   */
  sendPortMessage(portId: number, data: unknown, ports: NativePort[]): void;
  /** The local end of virtual port `portId` closed: the peer closes its end. */
  sendPortClose(portId: number): void;
  /** A message on a port could not be passed on (not cloneable, too large, ...): reported, not thrown. */
  portError(portId: number, error: unknown): void;
}

/** The ports that came with one frame, taken in the order its messages reference them. */
export class TransferCursor {
  #next = 0;
  constructor(private readonly list: readonly unknown[] | undefined) {}

  /** The next native port; `undefined` when there is none (the frame references more than it brought). */
  take(): NativePort | undefined {
    const port = this.list?.[this.#next];
    if (!isNativePort(port)) return undefined;
    this.#next += 1;
    return port;
  }

  /** Ports the frame brought but no message referenced: closed, and how many there were. */
  closeUnused(): number {
    const list = this.list;
    if (list === undefined) return 0;
    let unused = 0;
    for (let i = this.#next; i < list.length; i++) {
      const port = list[i];
      if (isNativePort(port)) port.close();
      unused += 1;
    }
    this.#next = list.length;
    return unused;
  }
}

interface Bridge {
  readonly port: NativePort;
  readonly onMessage: (event: { data: unknown; ports?: readonly NativePort[] }) => void;
  readonly onClose: () => void;
  /** Where the platform has no close events: the bridge's partner, handed to the app, told by us. */
  user?: NativePort;
}

/**
 * Whether this platform tells a port that its partner closed (Node does; Chromium pages, as of 156, do
 * not: the `close` event of MessagePorts is not enabled there).
 */
const NATIVE_CLOSE_EVENTS =
  typeof MessagePort === 'function' &&
  ('onclose' in MessagePort.prototype ||
    typeof (MessagePort.prototype as { unref?: unknown }).unref === 'function');

/**
 * Makes a port the library created and hands to the app behave as if the platform had close events:
 * its `close()` tells the peer (`onClosed`), and it gets a `close` event (and an `onclose` property, as
 * Electron's renderers have) when the virtual port closes from the other side.
 */
function emulateClose(port: NativePort, onClosed: () => void): void {
  const close = port.close;
  let handler: ((event: Event) => void) | null = null;
  Object.defineProperties(port, {
    close: {
      configurable: true,
      value() {
        close.call(port);
        onClosed();
      },
    },
    onclose: {
      configurable: true,
      get: () => handler,
      set(value: unknown) {
        if (handler) port.removeEventListener('close', handler);
        handler = typeof value === 'function' ? (value as (event: Event) => void) : null;
        if (handler) port.addEventListener('close', handler);
      },
    },
  });
}

function dispatchClose(port: NativePort | undefined): void {
  (port as unknown as EventTarget | undefined)?.dispatchEvent(new Event('close'));
}

const NO_PORTS: readonly never[] = Object.freeze([]);

/**
 * One connection's virtual ports (docs/protocol.md, "MessagePorts"). A virtual port joins two native
 * ports across the connection: each side keeps one end (the "bridge"), listens on it, and sends what
 * arrives there as port messages in the connection's sequenced stream; what the peer sends is posted on
 * the bridge, so it reaches whoever holds the bridge's entangled partner. So ports keep their order,
 * go through the same codec, limits and backpressure as IPC, and survive a resume.
 *
 * Ids: this side creates ids of its own parity (main odd, renderers even), strictly increasing; the
 * peer's new ids must increase too, so an id seen once can never be opened again. A message for a
 * port that was closed meanwhile (both sides may close at once) is dropped; one that names an id never
 * opened is a protocol error.
 */
export class VirtualPorts {
  readonly #bridges = new Map<number, Bridge>();
  /** What arrived on bridges and waits for the next task, in order: id, data, ports; id, data, ... */
  #pending: unknown[] = [];
  readonly #drain = (): void => {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    const host = this.host;
    for (let i = 0; i < pending.length; i += 3) {
      const id = pending[i] as number;
      const ports = pending[i + 2] as NativePort[];
      // Closed by the peer meanwhile: nobody is left to take it.
      if (!this.#bridges.has(id)) {
        closeAll(ports);
        continue;
      }
      try {
        host.sendPortMessage(id, pending[i + 1], ports);
      } catch (error) {
        // The ports that came with it cannot reach the peer: their partners see them close.
        closeAll(ports);
        host.portError(id, error);
      }
    }
  };
  #nextOwnId: number;
  #lastPeerId = 0;

  constructor(
    private readonly host: VirtualPortHost,
    /** Which ids this side creates. */
    side: 'main' | 'renderer',
    /**
     * How many virtual ports may be open at once (each holds a native channel: far more memory than the
     * bytes that open it). Main bounds what a renderer can make it hold; a renderer trusts main.
     */
    private readonly maxOpen = Number.POSITIVE_INFINITY,
  ) {
    this.#nextOwnId = side === 'main' ? 1 : 2;
  }

  /** How many virtual ports are open. */
  get size(): number {
    return this.#bridges.size;
  }

  /**
   * Sends a message that carries `ports` (this side's): `enqueue` queues it with their references and,
   * when `native`, the frame's transfer list (the ports themselves); otherwise each port becomes the
   * bridge of a new virtual port, once `enqueue` returned (a message it refused opens nothing).
   */
  send(
    ports: readonly NativePort[],
    native: boolean,
    enqueue: (refs: readonly number[], transfer: NativePort[] | undefined) => void,
  ): void {
    if (ports.length === 0) {
      enqueue(NO_PORTS, undefined);
      return;
    }
    if (native) {
      enqueue(
        ports.map(() => NATIVE_PORT),
        [...ports],
      );
      return;
    }
    const refs = ports.map(() => {
      const id = this.#nextOwnId;
      this.#nextOwnId += 2;
      return id;
    });
    enqueue(refs, undefined);
    for (let i = 0; i < ports.length; i++) this.#open(refs[i]!, ports[i]!);
  }

  /**
   * The native ports the local receiver gets for references from the peer: native ones from the frame's
   * transfer list, and for each new virtual port one end of a new local channel (the other end becomes
   * its bridge). Returns the error to close the connection with when the references break the rules.
   */
  incoming(refs: readonly number[], transfer: TransferCursor): NativePort[] | IpcError {
    if (refs.length === 0) return [];
    const ports: NativePort[] = [];
    for (const ref of refs) {
      if (ref === NATIVE_PORT) {
        const port = transfer.take();
        if (port === undefined) {
          closeAll(ports);
          return protocolError('A message references a native port that did not come with its frame.');
        }
        ports.push(port);
        continue;
      }
      if (ref <= this.#lastPeerId) {
        closeAll(ports);
        return protocolError(`Port id ${ref} was already used; new port ids must increase.`);
      }
      if (this.#bridges.size >= this.maxOpen) {
        closeAll(ports);
        return new IpcError(
          IpcErrorCode.LimitExceeded,
          `More than ${this.maxOpen} MessagePorts would be open on this connection at once; close the ports you no longer use.`,
        );
      }
      this.#lastPeerId = ref;
      const { port1, port2 } = new MessageChannel() as unknown as { port1: NativePort; port2: NativePort };
      const bridge = this.#open(ref, port2);
      if (!NATIVE_CLOSE_EVENTS) {
        bridge.user = port1;
        emulateClose(port1, () => {
          bridge.onClose();
          bridge.port.close();
        });
      }
      this.#sendDirectly(ref, bridge, port1);
      ports.push(port1);
    }
    return ports;
  }

  /** A message from the peer on virtual port `id`; returns the error to close the connection with. */
  receiveMessage(
    id: number,
    data: unknown,
    refs: readonly number[],
    transfer: TransferCursor,
  ): IpcError | undefined {
    const bridge = this.#bridges.get(id);
    if (bridge === undefined && !this.#wasOpened(id)) return unknownPort(id);
    const ports = this.incoming(refs, transfer);
    if (ports instanceof IpcError) return ports;
    if (bridge === undefined) {
      // Closed here while the peer was sending: its ports have nowhere to go.
      closeAll(ports);
      return undefined;
    }
    try {
      bridge.port.postMessage(data, ports);
    } catch (error) {
      closeAll(ports);
      this.host.portError(id, error);
    }
    return undefined;
  }

  /** The peer closed its end of virtual port `id`; returns the error to close the connection with. */
  receiveClose(id: number): IpcError | undefined {
    const bridge = this.#bridges.get(id);
    if (bridge === undefined) return this.#wasOpened(id) ? undefined : unknownPort(id);
    this.#forget(id, bridge);
    bridge.port.close();
    dispatchClose(bridge.user);
    return undefined;
  }

  /** The connection is over: every virtual port closes, so the ports joined to them see `'close'`. */
  closeAll(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (let i = 2; i < pending.length; i += 3) closeAll(pending[i] as NativePort[]);
    for (const [id, bridge] of [...this.#bridges]) {
      this.#forget(id, bridge);
      bridge.port.close();
      dispatchClose(bridge.user);
    }
  }

  /**
   * What is posted on `user` (the end the library hands out) goes straight to the peer as a port
   * message, in the same task (so a burst leaves as one frame), instead of through the platform's hop to
   * the bridge: in Chromium that hop alone costs ~20 µs a message. The clone is the codec's, at the call.
   * A transfer list with anything but ports takes the platform's path (transferring an ArrayBuffer
   * detaches it there); so does everything once `user` was transferred away, since its entangled copy
   * elsewhere talks to the bridge natively.
   */
  #sendDirectly(id: number, bridge: Bridge, user: NativePort): void {
    const post = user.postMessage;
    const host = this.host;
    const bridges = this.#bridges;
    /** Set once a message took the platform's path: the rest follow it, so the order holds. */
    let native = false;
    // Closed here: what is posted after it goes nowhere, even before the bridge hears of the close.
    let closed = false;
    const close = user.close;
    Object.defineProperty(user, 'close', {
      configurable: true,
      writable: true,
      value() {
        closed = true;
        close.call(user);
      },
    });
    Object.defineProperty(user, 'postMessage', {
      configurable: true,
      writable: true,
      value(message: unknown, options?: unknown) {
        const transfer = Array.isArray(options)
          ? options
          : ((options as { transfer?: unknown } | undefined)?.transfer ?? []);
        if (native || !Array.isArray(transfer) || !transfer.every(isNativePort)) {
          native = true;
          post.call(user, message, options as any[]);
          return;
        }
        if (closed || bridges.get(id) !== bridge) return;
        host.sendPortMessage(id, message, transfer as NativePort[]);
      },
    });
  }

  #wasOpened(id: number): boolean {
    return (id % 2 === this.#nextOwnId % 2 ? id < this.#nextOwnId : id <= this.#lastPeerId) && id > 0;
  }

  #open(id: number, port: NativePort): Bridge {
    const bridge: Bridge = {
      port,
      onMessage: (event) => {
        // Each message arrives in a task of its own; they leave together, so a stream costs a frame
        // per burst rather than a frame per message (the outbox coalesces what one task sends).
        this.#pending.push(id, event.data, event.ports?.length ? [...event.ports] : NO_PORTS);
        if (this.#pending.length === 3) nextTask(this.#drain);
      },
      onClose: () => {
        if (this.#bridges.get(id) !== bridge) return;
        // What arrived before the close goes before it.
        this.#drain();
        this.#forget(id, bridge);
        this.host.sendPortClose(id);
      },
    };
    this.#bridges.set(id, bridge);
    port.addEventListener('message', bridge.onMessage);
    port.addEventListener('close', bridge.onClose);
    port.start();
    // A bridge alone must not keep a Node process alive: the connection does while it lasts.
    (port as { unref?: () => void }).unref?.();
    return bridge;
  }

  #forget(id: number, bridge: Bridge): void {
    this.#bridges.delete(id);
    bridge.port.removeEventListener('message', bridge.onMessage);
    bridge.port.removeEventListener('close', bridge.onClose);
  }
}

/**
 * Runs `run` in a later task, after the port messages already queued: `setImmediate` in Node (a port
 * delivers what it has in one go), a MessageChannel of our own in browsers (unclamped, unlike timers).
 */
const nextTask: (run: () => void) => void =
  typeof setImmediate === 'function'
    ? (run) => setImmediate(run)
    : (() => {
        let channel: MessageChannel | undefined;
        const queue: (() => void)[] = [];
        return (run) => {
          if (channel === undefined) {
            channel = new MessageChannel();
            channel.port1.onmessage = () => queue.shift()?.();
          }
          queue.push(run);
          channel.port2.postMessage(0);
        };
      })();

function closeAll(ports: readonly NativePort[]): void {
  for (const port of ports) port.close();
}

function protocolError(message: string): IpcError {
  return new IpcError(IpcErrorCode.Protocol, message);
}

function unknownPort(id: number): IpcError {
  return protocolError(`A message names port ${id}, which was never opened on this connection.`);
}
