/*
 * The example transport of docs/transports.md: main and a renderer joined by a MessagePort pair. It
 * uses nothing but the public `ipc-anywhere/transport` entry (src/transport.ts here; the test checks
 * it imports nothing else) and moves MessagePorts natively with its frames.
 */
import {
  IpcError,
  IpcErrorCode,
  type MainTransport,
  type MainTransportEvents,
  type RendererTransport,
  type RendererTransportEvents,
  type TransferList,
} from '../../src/transport.js';

const capabilities = { sync: false, transfer: true } as const;

/** What travels on the port: a frame and the ports that go with it. */
type Envelope = [frame: Uint8Array, ports: MessagePort[]];

function post(port: MessagePort, frame: Uint8Array, transfer: TransferList = []): void {
  const ports = transfer as MessagePort[];
  port.postMessage([frame, ports] satisfies Envelope, ports);
}

/** The envelope, or `undefined` for anything else (the other end is not trusted). */
function open(data: unknown): Envelope | undefined {
  if (!Array.isArray(data) || data.length !== 2) return undefined;
  const [frame, ports] = data as unknown[];
  if (!(frame instanceof Uint8Array) || !Array.isArray(ports)) return undefined;
  if (!ports.every((port) => port instanceof MessagePort)) return undefined;
  return [frame, ports as MessagePort[]];
}

/** Both ends of a new link: give `main` to `addRenderer`, `renderer` to `attachTransport`. */
export function createPortPairTransport(): { main: MainTransport; renderer: RendererTransport } {
  const { port1, port2 } = new MessageChannel();
  const closed = new IpcError(IpcErrorCode.Closed, 'The other end of the port pair closed.');

  const main: MainTransport = {
    capabilities,
    start(events: MainTransportEvents) {
      port1.onmessage = ({ data }) => {
        const envelope = open(data);
        if (envelope) events.frame(envelope[0], undefined, false, envelope[1]);
        else
          events.reject(new IpcError(IpcErrorCode.Protocol, 'The renderer sent something that is no frame.'));
      };
      port1.addEventListener('close', () => events.close(closed));
    },
    send: (frame, transfer) => post(port1, frame, transfer),
    close: () => port1.close(),
  };

  const renderer: RendererTransport = {
    capabilities,
    start(events: RendererTransportEvents) {
      port2.onmessage = ({ data }) => {
        const envelope = open(data);
        if (envelope) events.frame(envelope[0], envelope[1]);
        else port2.close();
      };
      port2.addEventListener('close', () => events.close(closed));
    },
    send: (frame, transfer) => post(port2, frame, transfer),
    sendSync() {
      throw new IpcError(IpcErrorCode.SyncUnsupported, 'A port pair cannot block: use invoke().');
    },
    close: () => port2.close(),
  };

  return { main, renderer };
}
