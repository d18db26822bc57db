import { codeInErrorText, type IpcError, IpcErrorCode } from '../../protocol/errors.js';
import {
  type MainToRendererMessage,
  MessageKind,
  type RendererToMainMessage,
} from '../../protocol/messages.js';
import { replyWasNeverSent } from '../shared/electron-texts.js';
import { now, type TrafficKind, trafficKindOf } from '../shared/traffic-kinds.js';
import type { Logger } from './logger.js';

/** What a {@link MainTrafficRecord} is about. */
export type MainTrafficKind =
  | TrafficKind
  // Main closed the renderer's connection because it broke the rules (`outcome: 'error'`, with a code).
  | 'connection';

/**
 * `'ok'`: the message crossed. `'refused'`: it arrived, and main would not pass it on (`sendTo` refused
 * by `allowSendTo`, a `webview.send` to a page that is not the sender's guest). `'dropped'`: main did
 * not send it (larger than the renderer accepts). `'error'`: main closed the connection.
 */
export type MainTrafficOutcome = 'ok' | 'refused' | 'dropped' | 'error';

/** One message (or one refusal, drop or closed connection) as main saw it. */
export interface MainTrafficRecord {
  /** `in`: a renderer sent it; `out`: main sent it (or would have, for a drop). */
  readonly direction: 'in' | 'out';
  readonly kind: MainTrafficKind;
  /** The renderer it came from or went to. */
  readonly webContentsId: number;
  /** `''` for `'connection'` records. */
  readonly channel: string;
  /** Encoded size of the message (0 when it was not sent). */
  readonly bytes: number;
  /** When main saw it (`Date.now()`). */
  readonly time: number;
  readonly outcome: MainTrafficOutcome;
  /** Why it was not `'ok'`, or why a reply failed, when the library has a code for it. */
  readonly code?: IpcErrorCode;
  /** What went wrong: the rejected invoke's error text, a refusal's reason, a closed connection's. */
  readonly error?: string;
  /** `invokeReply`, `syncReply`: milliseconds from the request's arrival to its reply. */
  readonly durationMs?: number;
  /** `invokeReply`: false when the renderer's call rejects; `syncReply`: false for 'reply was never sent'. */
  readonly ok?: boolean;
  /** `invoke`, `sendSync` and their replies: the call's id on this connection (pairs them up). */
  readonly id?: number;
  /**
   * The decoded values: a message's arguments, a `postMessage`'s `[message]`, a reply's `[value]`. The
   * objects main dispatches or sends, not copies: read them, do not change them or keep them around.
   */
  readonly args?: readonly unknown[];
}

export type MainTrafficListener = (record: MainTrafficRecord) => void;

/** Where a request arrived and when, until its reply is sent. */
interface Pending {
  readonly channel: string;
  readonly started: number;
}

const NEVER_SENT = replyWasNeverSent().error;

/**
 * A main world's traffic tap (`main.onTraffic`). Sessions ask {@link active} first and call in only
 * when someone listens: with no listener, traffic costs one property read per message.
 */
export class MainTraffic {
  /** Replaced, never changed in place: a listener that unsubscribes while records go out is safe. */
  #listeners: readonly MainTrafficListener[] = [];
  /** Whether anyone listens; everything else here runs only when it is true. */
  active = false;
  /** Encoded sizes of decoded messages, until they are dispatched (see {@link noteSizes}). */
  #sizes = new WeakMap<object, number>();
  /** Per session: invokes and sync requests waiting for their reply (they go with the session). */
  #invokes = new WeakMap<object, Map<number, Pending>>();
  #syncs = new WeakMap<object, Map<number, Pending>>();

  constructor(private readonly logger: Logger) {}

  /** Adds a listener; returns what removes it (calling that twice is harmless). */
  subscribe(listener: MainTrafficListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    this.active = true;
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const index = this.#listeners.indexOf(listener);
      this.#listeners = this.#listeners.filter((_, at) => at !== index);
      this.active = this.#listeners.length > 0;
      // What was noted for replies nobody will see is let go (a later listener starts afresh).
      if (!this.active) {
        this.#sizes = new WeakMap();
        this.#invokes = new WeakMap();
        this.#syncs = new WeakMap();
      }
    };
  }

  /** The encoded size of each message of a frame just decoded (`sizes[i]` is `messages[i]`'s). */
  noteSizes(messages: readonly object[], sizes: readonly number[]): void {
    for (let i = 0; i < messages.length; i++) this.#sizes.set(messages[i]!, sizes[i] ?? 0);
  }

  /** A renderer's message, as it is dispatched. `session` keys the wait for a reply. */
  received(session: object, webContentsId: number, message: RendererToMainMessage): void {
    const kind = trafficKindOf[message.kind];
    if (kind === undefined || !('channel' in message)) return;
    const bytes = this.#sizes.get(message) ?? 0;
    this.#sizes.delete(message);
    let id: number | undefined;
    let args: readonly unknown[];
    if (message.kind === MessageKind.Invoke || message.kind === MessageKind.SendSync) {
      id = message.id;
      const table = message.kind === MessageKind.Invoke ? this.#invokes : this.#syncs;
      let pending = table.get(session);
      if (!pending) table.set(session, (pending = new Map()));
      pending.set(id, { channel: message.channel, started: now() });
      args = message.args;
    } else {
      args = message.kind === MessageKind.RendererPostMessage ? [message.message] : message.args;
    }
    this.#emit({
      direction: 'in',
      kind,
      webContentsId,
      channel: message.channel,
      bytes,
      time: Date.now(),
      outcome: 'ok',
      ...(id !== undefined && { id }),
      args,
    });
  }

  /** A message main queued (or, for a sync reply, encoded) for a renderer, of `bytes` encoded. */
  sent(session: object, webContentsId: number, message: MainToRendererMessage, bytes: number): void {
    switch (message.kind) {
      case MessageKind.Message:
      case MessageKind.HostMessage:
        this.#out(webContentsId, message.kind === MessageKind.Message ? 'message' : 'hostMessage', {
          channel: message.channel,
          bytes,
          args: message.args,
        });
        return;
      case MessageKind.MainPostMessage:
        this.#out(webContentsId, 'postMessage', {
          channel: message.channel,
          bytes,
          args: [message.message],
        });
        return;
      case MessageKind.InvokeReply:
        this.#reply(
          this.#invokes,
          session,
          webContentsId,
          'invokeReply',
          message.id,
          bytes,
          message.ok
            ? { ok: true, args: [message.value] }
            : { ok: false, error: message.error, ...codeOf(message.error) },
        );
        return;
      case MessageKind.SyncReply: {
        const neverSent = isNeverSent(message.value);
        this.#reply(this.#syncs, session, webContentsId, 'syncReply', message.id, bytes, {
          ok: !neverSent,
          args: [message.value],
          ...(neverSent && { error: NEVER_SENT }),
        });
        return;
      }
    }
  }

  /** A message on `channel` that `webContentsId` cannot take (too large for it): not sent. */
  dropped(webContentsId: number, kind: MainTrafficKind, channel: string, error: IpcError): void {
    this.#emit({
      direction: 'out',
      kind,
      webContentsId,
      channel,
      bytes: 0,
      time: Date.now(),
      outcome: 'dropped',
      code: error.code,
      error: error.message,
    });
  }

  /** A renderer's `sendTo` / `webview.send` that main would not pass on, and why. */
  refused(
    webContentsId: number,
    kind: MainTrafficKind,
    channel: string,
    reason: string,
    code: IpcErrorCode = IpcErrorCode.Refused,
  ): void {
    this.#emit({
      direction: 'in',
      kind,
      webContentsId,
      channel,
      bytes: 0,
      time: Date.now(),
      outcome: 'refused',
      code,
      error: reason,
    });
  }

  /** Main closed `webContentsId`'s connection because it broke the rules. */
  closed(webContentsId: number, reason: IpcError): void {
    this.#emit({
      direction: 'in',
      kind: 'connection',
      webContentsId,
      channel: '',
      bytes: 0,
      time: Date.now(),
      outcome: 'error',
      code: reason.code,
      error: reason.message,
    });
  }

  /** The reply to request `id`, with the time since the request arrived; none for a request not seen. */
  #reply(
    table: WeakMap<object, Map<number, Pending>>,
    session: object,
    webContentsId: number,
    kind: MainTrafficKind,
    id: number,
    bytes: number,
    fields: Partial<MainTrafficRecord>,
  ): void {
    const waiting = table.get(session);
    const pending = waiting?.get(id);
    if (!pending) return;
    waiting!.delete(id);
    this.#out(webContentsId, kind, {
      channel: pending.channel,
      bytes,
      id,
      durationMs: now() - pending.started,
      ...fields,
    });
  }

  #out(
    webContentsId: number,
    kind: MainTrafficKind,
    fields: Pick<MainTrafficRecord, 'channel' | 'bytes'> & Partial<MainTrafficRecord>,
  ): void {
    this.#emit({ direction: 'out', kind, webContentsId, time: Date.now(), outcome: 'ok', ...fields });
  }

  #emit(record: MainTrafficRecord): void {
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch (error) {
        // A tap must not break the connection it watches.
        this.logger.error({ err: error }, 'ipc-anywhere: a traffic listener (onTraffic) threw');
      }
    }
  }
}

function codeOf(text: string): { code?: IpcErrorCode } {
  const code = codeInErrorText(text);
  return code === undefined ? {} : { code };
}

/** Electron's answer for a sync event nobody answered (see `replyWasNeverSent`). */
function isNeverSent(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'error' && (value as { error: unknown }).error === NEVER_SENT;
}
