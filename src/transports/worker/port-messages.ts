import { type MessagePort, MessagePort as MessagePortClass } from 'node:worker_threads';

/*
 * What travels on a worker renderer's two MessagePorts. Frames stay bytes (our codec), so the cloning
 * rules and error texts are the ones every transport has; the port only moves an ArrayBuffer.
 *
 *   data port (both directions, ordered): ArrayBuffer                 an async frame
 *                                         [callId, ArrayBuffer]       a sync request (worker to main)
 *                                         [ArrayBuffer, MessagePort[]] a frame with the ports it transfers
 *   sync reply port (main to worker):     [callId, ArrayBuffer]       the reply to that request
 *
 * Sync requests travel on the data port so they reach main after every frame the worker sent before
 * them; only the reply takes the separate port, which the blocked worker reads with
 * `receiveMessageOnPort`.
 */

/** A sync request or reply: the transport's call id and the frame. */
export type SyncEnvelope = readonly [callId: number, frame: ArrayBuffer];

/**
 * Below this size copying a buffer through the port is cheaper than transferring it (detaching and
 * re-wrapping the backing store costs more than a memcpy of a small frame). Node 20, post + receive:
 * 64 B copy 1.06 µs / transfer 1.23 µs; 1 KiB 2.1 / 1.7 µs; 64 KiB 6.9 / 4.8 µs.
 */
const TRANSFER_MIN_BYTES = 1024;

/** The frame's bytes as a whole ArrayBuffer that the caller may give away. */
function ownBuffer(frame: Uint8Array): ArrayBuffer {
  const buffer = frame.buffer;
  if (buffer instanceof ArrayBuffer && frame.byteOffset === 0 && frame.byteLength === buffer.byteLength)
    return buffer;
  return frame.slice().buffer;
}

/**
 * Posts `message`, transferring `buffer` when that is cheaper. The frame belongs to the port afterwards
 * (a transferred buffer is detached): callers hand over frames they no longer use, as the core does.
 */
function post(port: MessagePort, message: unknown, buffer: ArrayBuffer): void {
  if (buffer.byteLength >= TRANSFER_MIN_BYTES) port.postMessage(message, [buffer]);
  else port.postMessage(message);
}

export function postFrame(port: MessagePort, frame: Uint8Array): void {
  const buffer = ownBuffer(frame);
  post(port, buffer, buffer);
}

export function postEnvelope(port: MessagePort, callId: number, frame: Uint8Array): void {
  const buffer = ownBuffer(frame);
  const envelope: SyncEnvelope = [callId, buffer];
  post(port, envelope, buffer);
}

/** An async frame, or `undefined` when `data` is not one. */
export function readFrame(data: unknown): Uint8Array | undefined {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : undefined;
}

/** A sync request or reply, or `undefined` when `data` is not one. */
export function readEnvelope(data: unknown): { callId: number; frame: Uint8Array } | undefined {
  if (!Array.isArray(data) || data.length !== 2) return undefined;
  const [callId, buffer] = data as unknown[];
  if (!Number.isSafeInteger(callId) || !(buffer instanceof ArrayBuffer)) return undefined;
  return { callId: callId as number, frame: new Uint8Array(buffer) };
}

/** Posts a frame with the MessagePorts it transfers (they move to the other thread, entangled as they were). */
export function postFrameWithPorts(
  port: MessagePort,
  frame: Uint8Array,
  ports: readonly MessagePort[],
): void {
  const buffer = ownBuffer(frame);
  const transfer: (MessagePort | ArrayBuffer)[] = [...ports];
  if (buffer.byteLength >= TRANSFER_MIN_BYTES) transfer.push(buffer);
  port.postMessage([buffer, ports], transfer);
}

/** A frame with ports, or `undefined` when `data` is not one (anything in the list that is no port included). */
export function readFrameWithPorts(data: unknown): { frame: Uint8Array; ports: MessagePort[] } | undefined {
  if (!Array.isArray(data) || data.length !== 2) return undefined;
  const [buffer, ports] = data as unknown[];
  if (!(buffer instanceof ArrayBuffer) || !Array.isArray(ports)) return undefined;
  if (!ports.every((port) => port instanceof MessagePortClass)) return undefined;
  return { frame: new Uint8Array(buffer), ports: ports as MessagePort[] };
}

/**
 * A transport's `send`: the frame, with the ports it transfers; on a link that is `closed`, nothing is
 * sent and the ports are closed, so their partners see `'close'`.
 */
export function sendFrame(
  port: MessagePort,
  frame: Uint8Array,
  transfer: readonly unknown[] | undefined,
  closed: boolean,
): void {
  if (closed) {
    for (const moving of (transfer ?? []) as MessagePort[]) moving.close();
    return;
  }
  if (transfer === undefined || transfer.length === 0) postFrame(port, frame);
  else postFrameWithPorts(port, frame, transfer as MessagePort[]);
}
