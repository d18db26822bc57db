import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import type {
  RendererTransport,
  RendererTransportEvents,
  TransferList,
  TransportCapabilities,
} from '../transport.js';
import { postEnvelope, readEnvelope, readFrame, readFrameWithPorts, sendFrame } from './port-messages.js';
import { isClosed, SyncSlot } from './sync-state.js';

const capabilities: TransportCapabilities = Object.freeze({ sync: true, transfer: true });

/**
 * How long (ms) a blocked `sendSync` watches the shared counter before sleeping in `Atomics.wait`. On a
 * 2-core VM, spinning this long cut the p50 round trip from ~55 µs to ~19 µs when the machine was
 * otherwise idle; a slow listener costs the worker at most this much extra CPU per call.
 */
const SPIN_MS = 0.04;

/** Call ids stay small integers (cheap to clone); they wrap long before anything could be confused. */
const MAX_CALL_ID = 0x7fffffff;

/**
 * A worker thread's end of its connection: frames go on the data port in order; `sendSync` posts its
 * request on the same port (so it reaches main after every earlier frame) and blocks on
 * `Atomics.wait` until main has posted the reply on the sync reply port.
 *
 * Stale-reply guard: a call that timed out may still be answered later, and main's notify for that
 * answer may wake a later call. So the wait loops on the signal counter, every reply carries its call
 * id, replies for any other id are discarded (counted in `staleReplies`), and each call starts by
 * draining whatever is left on the reply port. A reply can therefore only ever answer its own call.
 */
export class WorkerRendererTransport implements RendererTransport {
  readonly capabilities = capabilities;
  /** Replies that arrived for a call that had already given up (timed out); dropped. */
  staleReplies = 0;
  private events: RendererTransportEvents | undefined;
  private closedWith: IpcError | undefined;
  private lastCallId = 0;
  /** A call gave up before its reply came (timeout, close): a late reply may be waiting on the port. */
  private abandonedCalls = false;

  constructor(
    private readonly port: MessagePort,
    private readonly syncPort: MessagePort,
    private readonly state: Int32Array,
  ) {}

  start(events: RendererTransportEvents): void {
    this.events = events;
    this.port.on('message', (data: unknown) => {
      const frame = readFrame(data);
      if (frame) {
        events.frame(frame);
        return;
      }
      const withPorts = readFrameWithPorts(data);
      if (withPorts) events.frame(withPorts.frame, withPorts.ports);
      else this.finish(new IpcError(IpcErrorCode.Protocol, 'Main sent something that is not a frame.'));
    });
    this.port.on('messageerror', (error: unknown) =>
      this.finish(
        new IpcError(IpcErrorCode.Decode, 'A message from main could not be read.', { cause: error }),
      ),
    );
    // The 'message' listener keeps the worker alive while connected (like an open page); 'close'
    // says main is gone (close() or main's side of the port closed).
    this.port.once('close', () =>
      this.finish(new IpcError(IpcErrorCode.Closed, 'Main closed the connection to this worker.')),
    );
  }

  send(frame: Uint8Array, transfer?: TransferList): void {
    sendFrame(this.port, frame, transfer, this.closedWith !== undefined);
  }

  sendSync(frame: Uint8Array, timeoutMs: number): Uint8Array {
    this.throwIfClosed();
    const { state, syncPort } = this;
    const callId = (this.lastCallId = (this.lastCallId % MAX_CALL_ID) + 1);
    // Whatever is on the reply port now answers an earlier call that gave up: never this one. (Only a
    // call that gave up can leave a reply behind; until one has, the port is empty here.)
    if (this.abandonedCalls) while (receiveMessageOnPort(syncPort) !== undefined) this.staleReplies += 1;
    const hasDeadline = Number.isFinite(timeoutMs) && timeoutMs > 0;
    const deadline = hasDeadline ? performance.now() + timeoutMs : Number.POSITIVE_INFINITY;
    // Read before posting: main signals only after posting the reply, so the wait below cannot miss it.
    let seen = Atomics.load(state, SyncSlot.Signal);
    postEnvelope(this.port, callId, frame);
    // Main usually answers within microseconds; a thread asleep in Atomics.wait takes tens of them to
    // wake (an idle VM halts its CPU). So watch the counter briefly before sleeping on it.
    const spinEnd = Math.min(deadline, performance.now() + SPIN_MS);
    while (Atomics.load(state, SyncSlot.Signal) === seen && performance.now() < spinEnd) {
      // spin
    }
    for (;;) {
      const remaining = deadline - performance.now();
      if (remaining > 0) Atomics.wait(state, SyncSlot.Signal, seen, remaining);
      seen = Atomics.load(state, SyncSlot.Signal);
      for (let entry = receiveMessageOnPort(syncPort); entry; entry = receiveMessageOnPort(syncPort)) {
        const reply = readEnvelope(entry.message);
        if (reply?.callId === callId) return reply.frame;
        this.staleReplies += 1;
      }
      if (isClosed(state)) {
        this.abandonedCalls = true;
        this.throwIfClosed(true);
      }
      if (deadline - performance.now() <= 0) {
        this.abandonedCalls = true;
        throw new IpcError(IpcErrorCode.Timeout, `sendSync timed out after ${timeoutMs} ms.`);
      }
    }
  }

  close(): void {
    if (this.closedWith) return;
    this.port.close();
    this.syncPort.close();
    this.finish(new IpcError(IpcErrorCode.Closed, 'The renderer closed its connection.'));
  }

  private throwIfClosed(mainClosed = isClosed(this.state)): void {
    if (mainClosed && !this.closedWith) {
      // Main closed while this thread was busy: the port's 'close' event has not been dispatched yet.
      this.closedWith = new IpcError(IpcErrorCode.Closed, 'Main closed the connection to this worker.');
    }
    if (this.closedWith) {
      throw new IpcError(IpcErrorCode.Closed, 'The connection to main is closed.', {
        cause: this.closedWith,
      });
    }
  }

  private finish(error: IpcError): void {
    if (this.events === undefined) return;
    const events = this.events;
    this.events = undefined;
    this.closedWith ??= error;
    if (error.code !== IpcErrorCode.Closed) {
      this.port.close();
      this.syncPort.close();
    }
    events.close(error);
  }
}
