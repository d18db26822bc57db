import type { MessagePort, Worker } from 'node:worker_threads';
import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import type {
  MainTransport,
  MainTransportEvents,
  SyncResponder,
  TransferList,
  TransportCapabilities,
} from '../transport.js';
import { postEnvelope, readEnvelope, readFrame, readFrameWithPorts, sendFrame } from './port-messages.js';
import { markClosed, signalWorker } from './sync-state.js';

const capabilities: TransportCapabilities = Object.freeze({ sync: true, transfer: true });

/**
 * Main's end of a worker renderer: frames and sync requests arrive in order on the data port; a sync
 * reply is posted on the sync reply port and only then signalled through the shared state, whenever
 * `respond` is called (listeners may answer after an await).
 *
 * The connection ends when the worker exits (crash, `process.exit`, `terminate()`), when the worker
 * closes its port, or when main calls `close`: then the worker's blocked `sendSync` wakes with
 * `ERR_IPC_CLOSED`, its port closes (pending invokes reject with `ERR_IPC_CLOSED`), and the thread is
 * terminated once it exits by itself or `closeTimeout` ms have passed.
 */
export class WorkerMainTransport implements MainTransport {
  readonly capabilities = capabilities;
  private events: MainTransportEvents | undefined;
  private closed = false;
  private workerError: unknown;

  constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly syncPort: MessagePort,
    private readonly state: Int32Array,
    private readonly closeTimeout: number,
  ) {
    // Recorded as the cause of the close; the API layer logs it through main's logger.
    worker.on('error', (error) => {
      this.workerError = error;
    });
    worker.once('exit', (code) =>
      this.shutdown(
        new IpcError(IpcErrorCode.Closed, `The worker exited with code ${code}.`, {
          cause: this.workerError,
        }),
      ),
    );
  }

  start(events: MainTransportEvents): void {
    this.events = events;
    const port = this.port;
    port.on('message', (data: unknown) => this.receive(data));
    port.on('messageerror', (error: unknown) =>
      this.reject(
        new IpcError(IpcErrorCode.Decode, 'A message from the worker could not be read.', { cause: error }),
      ),
    );
    port.once('close', () =>
      this.shutdown(new IpcError(IpcErrorCode.Closed, 'The worker closed its connection.')),
    );
    // The Worker itself keeps main's event loop alive while the thread runs; the port need not.
    port.unref();
  }

  send(frame: Uint8Array, transfer?: TransferList): void {
    sendFrame(this.port, frame, transfer, this.closed);
  }

  close(reason: IpcError): void {
    if (this.closed) return;
    this.shutdown(reason);
    const worker = this.worker;
    const terminate = (): void => {
      void worker.terminate();
    };
    if (this.closeTimeout <= 0) {
      terminate();
      return;
    }
    // Give the worker a moment to see the closed connection, then stop it.
    const timer = setTimeout(terminate, this.closeTimeout);
    timer.unref();
    worker.once('exit', () => clearTimeout(timer));
  }

  private receive(data: unknown): void {
    if (this.closed || !this.events) return;
    const frame = readFrame(data);
    if (frame) {
      this.events.frame(frame);
      return;
    }
    const request = readEnvelope(data);
    if (request) {
      this.events.frame(request.frame, this.responder(request.callId));
      return;
    }
    const withPorts = readFrameWithPorts(data);
    if (withPorts) {
      this.events.frame(withPorts.frame, undefined, false, withPorts.ports);
      return;
    }
    this.reject(
      new IpcError(
        IpcErrorCode.Protocol,
        'The worker sent something that is neither a frame nor a sync request.',
      ),
    );
  }

  /** Answers one sync request, once: post the reply first, then signal, so the worker finds it. */
  private responder(callId: number): SyncResponder {
    let answered = false;
    return (replyFrame) => {
      if (answered || this.closed) return;
      answered = true;
      postEnvelope(this.syncPort, callId, replyFrame);
      signalWorker(this.state);
    };
  }

  private reject(reason: IpcError): void {
    if (this.closed) return;
    if (this.events) this.events.reject(reason);
    else this.close(reason);
  }

  /** Ends the connection (once): wakes a blocked sendSync, closes both ports, tells main. */
  private shutdown(reason: IpcError): void {
    if (this.closed) return;
    this.closed = true;
    markClosed(this.state);
    this.port.close();
    this.syncPort.close();
    const events = this.events;
    this.events = undefined;
    events?.close(reason);
  }
}
