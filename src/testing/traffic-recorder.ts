import { type RendererTrafficRecord, trafficKindOf } from '../core/renderer/renderer-traffic.js';
import { type DecodeLimits, RENDERER_DEFAULT_LIMITS } from '../protocol/limits.js';

/** The recorder only watches: what either side would accept, it records (the sides apply their own limits). */
const RECORDING_LIMITS: DecodeLimits = { ...RENDERER_DEFAULT_LIMITS, maxPayload: Number.POSITIVE_INFINITY };

import { decodeFrame } from '../protocol/message-codec.js';
import { type AnyMessage, MessageKind } from '../protocol/messages.js';
import type { FrameTap } from '../transports/memory/memory-transport.js';

export type TrafficDirection = 'renderer-to-main' | 'main-to-renderer';

/** The kind of a recorded message (replies are folded into their call's `outcome`). */
export type TrafficKind = Exclude<RendererTrafficRecord['kind'], 'invokeReply' | 'syncReply'>;

/** How a call ended: the invoke's result or error text, or the value sendSync returned. */
export type TrafficOutcome = { ok: true; value: unknown } | { ok: false; error: string };

export interface TrafficRecord {
  readonly direction: TrafficDirection;
  /** The renderer at the other end of the link. */
  readonly webContentsId: number;
  readonly kind: TrafficKind;
  readonly channel: string;
  /** A decoded copy of the arguments, exactly as the receiver got them. */
  readonly args: unknown[];
  /** For invoke and sendSync, filled in when the reply arrives. */
  outcome?: TrafficOutcome;
}

/** Records every message on the memory links of one world, in the order they cross. */
export class TrafficRecorder {
  private readonly list: TrafficRecord[] = [];

  /** Everything recorded so far, oldest first. */
  records(): readonly TrafficRecord[] {
    return this.list;
  }

  /** Records on one channel. */
  onChannel(channel: string): TrafficRecord[] {
    return this.list.filter((record) => record.channel === channel);
  }

  clear(): void {
    this.list.length = 0;
  }

  /** @internal A tap for one link; `webContentsId` is read when frames pass (it is known after connect). */
  tapFor(webContentsId: () => number): FrameTap {
    const invokes = new Map<number, TrafficRecord>();
    const syncs = new Map<number, TrafficRecord>();
    const record = (direction: TrafficDirection, frame: Uint8Array): void => {
      let messages: AnyMessage[];
      try {
        messages = decodeFrame(
          frame,
          direction === 'renderer-to-main' ? 'main' : 'renderer',
          RECORDING_LIMITS,
        );
      } catch {
        return; // not a valid frame: the receiving session refuses it and says why
      }
      for (const message of messages) this.add(direction, webContentsId(), message, invokes, syncs);
    };
    return {
      toMain: (frame) => record('renderer-to-main', frame),
      toRenderer: (frame) => record('main-to-renderer', frame),
      syncReply: (frame) => record('main-to-renderer', frame),
    };
  }

  private add(
    direction: TrafficDirection,
    webContentsId: number,
    message: AnyMessage,
    invokes: Map<number, TrafficRecord>,
    syncs: Map<number, TrafficRecord>,
  ): void {
    if (message.kind === MessageKind.InvokeReply) {
      const call = invokes.get(message.id);
      invokes.delete(message.id);
      if (call)
        call.outcome = message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error };
      return;
    }
    if (message.kind === MessageKind.SyncReply) {
      const call = syncs.get(message.id);
      syncs.delete(message.id);
      if (call) call.outcome = { ok: true, value: message.value };
      return;
    }
    const kind = trafficKindOf[message.kind] as TrafficKind | undefined;
    if (!kind || !('channel' in message)) return;
    const entry: TrafficRecord = {
      direction,
      webContentsId,
      kind,
      channel: message.channel,
      // postMessage carries one message (its ports are not recorded): as a listener gets it.
      args: 'args' in message ? message.args : [message.message],
    };
    this.list.push(entry);
    if (message.kind === MessageKind.Invoke) invokes.set(message.id, entry);
    if (message.kind === MessageKind.SendSync) syncs.set(message.id, entry);
  }
}
