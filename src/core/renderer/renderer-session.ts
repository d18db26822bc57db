import { ByteReader } from '../../protocol/codec/byte-reader.js';
import { codeInErrorText, IpcError, IpcErrorCode, isIpcError } from '../../protocol/errors.js';
import {
  checkedLimits,
  DEFAULT_LIMITS,
  type DecodeLimits,
  RENDERER_DEFAULT_LIMITS,
} from '../../protocol/limits.js';
import { messageBytesOf } from '../../protocol/message-codec.js';
import {
  type MainToRendererMessage,
  MessageKind,
  type PageCommand,
  type RendererToMainMessage,
} from '../../protocol/messages.js';
import { checkByteCount } from '../../protocol/options.js';
import { PROTOCOL_VERSION } from '../../protocol/version.js';
import type { RendererTransport } from '../../transports/transport.js';
import type { ChunkReassembly } from '../shared/chunk-reassembly.js';
import { checkDeadlines } from '../shared/deadline.js';
import { invokeErrorMessage } from '../shared/electron-texts.js';
import {
  DUPLICATE,
  type PacedTransport,
  SequencedLink,
  type Unnumbered,
  withUploadProgress,
} from '../shared/sequenced-link.js';
import { notifyProgress, type ProgressListener } from '../shared/transfer-progress.js';
import { type NativePort, TransferCursor } from '../shared/virtual-ports.js';
import { PendingCalls } from './pending-calls.js';
import { type RendererPortSession, RendererPorts } from './renderer-ports.js';
import { now, type RendererTrafficListener, trafficKindOf } from './renderer-traffic.js';

export interface RendererSessionOptions {
  /** Default deadline for `invoke` (ms). Default: none, as in Electron; closing the connection still settles. */
  invokeTimeout?: number;
  /** Default deadline for `sendSync` (ms); a page or worker never blocks longer. Default 30 000. */
  sendSyncTimeout?: number;
  /**
   * Limits for what main sends. Default: 64 MiB messages, depth 256, and no allocation budget: main is
   * trusted, so whatever structured clone carries passes.
   */
  limits?: Partial<DecodeLimits>;
  /**
   * Over a connection that resumes after a drop (WebSocket): the most this renderer keeps of what main
   * has not acknowledged (at least twice the largest message main accepts). Past it, while the
   * connection is down, the session is given up: pending calls reject with `ERR_IPC_REPLAY_OVERFLOW` and
   * the renderer starts a new session when it reconnects. Default 32 MiB.
   */
  maxReplayBytes?: number;
}

/** What a renderer's connection is doing (see {@link RendererSessionEvents.connection}). */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/**
 * What happened to the connection: the first hello (`'connected'`), a drop that the transport tries
 * to resume (`'reconnecting'`), the same session back with nothing lost (`'resumed'`), a new session
 * because main no longer had the old one (`'new-session'`: pending calls rejected with
 * `ERR_IPC_SESSION_LOST`, `unconfirmed` messages sent before may not have arrived), the end (`'closed'`).
 */
export type ConnectionEvent =
  | { readonly state: 'connected'; readonly webContentsId: number }
  | { readonly state: 'reconnecting'; readonly error: IpcError }
  | { readonly state: 'resumed'; readonly webContentsId: number }
  | { readonly state: 'new-session'; readonly webContentsId: number; readonly unconfirmed: number }
  | { readonly state: 'closed'; readonly error: IpcError };

const DEFAULT_MAX_REPLAY_BYTES = 32 * 1024 * 1024;
/**
 * A sync request carries what main has not acknowledged up to this much; more (a burst just before it)
 * goes without, and waits for the socket.
 */
const MAX_SYNC_RESEND_BYTES = 1024 * 1024;

/** Per-connection call deadlines that a transport may bring along (see {@link RendererSession.attach}). */
export type ConnectionDefaults = Pick<RendererSessionOptions, 'invokeTimeout' | 'sendSyncTimeout'>;

/** What the renderer-side API does with messages from main. */
export interface RendererSessionEvents {
  message(channel: string, senderId: number, args: unknown[]): void;
  /** `webContents.postMessage`: the ports are this platform's own. */
  postMessage(channel: string, message: unknown, ports: NativePort[]): void;
  hostMessage(guestId: number, frameId: number, channel: string, args: unknown[]): void;
  /** Which guest the `<webview>` registered as `token` has now (0: none). */
  guestState(token: string, guestId: number): void;
  connected(webContentsId: number): void;
  closed(error: IpcError): void;
  /** Every change of the connection's state, `'connected'` and `'closed'` included. */
  connection(event: ConnectionEvent): void;
  /** Main runs `code` here (`webContents.executeJavaScript`): answered with a script result of `id`. */
  executeJavaScript(id: number, code: string, userGesture: boolean): void;
  /** `webContents.reload()`, `loadURL(url)`, console reporting on or off. */
  pageCommand(command: PageCommand, url: string, token: string): void;
}

type Outgoing = Unnumbered<RendererToMainMessage>;

/** The decode limits of a renderer's options, once its deadlines passed their checks. */
function limitsOf(options: RendererSessionOptions): DecodeLimits {
  checkDeadlines(options);
  checkByteCount('maxReplayBytes', options.maxReplayBytes, { min: 1 });
  return checkedLimits(options.limits, RENDERER_DEFAULT_LIMITS);
}

/**
 * A renderer's connection engine: pending invokes, the sync path, traffic records and dispatch of
 * what main sends (numbering, size checks and the coalescing outbox are the {@link SequencedLink}'s).
 * Calls made before a transport is attached are queued in order.
 */
export class RendererSession extends SequencedLink<'renderer'> implements RendererPortSession {
  #transport: RendererTransport | undefined;
  /** MessagePorts to and from main, created by the first (see {@link RendererPorts}). */
  #ports: RendererPorts | undefined;
  readonly #invokes = new PendingCalls<unknown>();
  #nextSyncId = 0;
  #closedWith: IpcError | undefined;
  /** Set while something inspects traffic; everything it costs is behind this check. */
  #traffic: RendererTrafficListener | undefined;
  readonly #invokeStarts = new Map<number, number>();
  webContentsId = 0;
  #state: ConnectionState = 'connecting';
  /** Resumable transports: the credential main gave for the next resume ('' when there is none). */
  #resumeToken = '';
  /** The connection dropped: the next frame from main answers the resume offer. */
  #awaitingResume = false;
  /**
   * The session was given up while disconnected (its replay buffer overflowed): numbering restarted,
   * and what is sent meanwhile goes to the next session.
   */
  #startedOver = false;

  readonly #events: RendererSessionEvents;
  #options: RendererSessionOptions;

  constructor(events: RendererSessionEvents, options: RendererSessionOptions = {}) {
    super('renderer', limitsOf(options));
    this.#events = events;
    this.#options = options;
    // Message 1: main checks what it sends against this from the moment the message arrives (before
    // that, against the default; see docs/protocol.md).
    const maxPayload = this.limits.maxPayload;
    if (maxPayload !== DEFAULT_LIMITS.maxPayload) this.post({ kind: MessageKind.Limits, maxPayload });
  }

  protected get peerName(): string {
    return 'main';
  }

  protected override get pacedTransport(): PacedTransport | undefined {
    return this.#transport;
  }

  /** Invokes whose caller wants download progress of the reply, by id (created by the first). */
  #downloads: Map<number, ProgressListener> | undefined;
  /** The chunked message being received, and the listener of its invoke when it is a reply. */
  #downloadOf: ChunkReassembly | undefined;
  #download: ProgressListener | undefined;
  /** The size of the last chunked message received (for traffic records and progress). */
  #chunkedBytes = 0;

  protected override chunkReceived(reassembly: ChunkReassembly): void {
    const { filled, total } = reassembly;
    this.#chunkedBytes = total;
    if (this.#downloads === undefined) return;
    if (this.#downloadOf !== reassembly) {
      this.#downloadOf = reassembly;
      // The first chunk starts with the message's kind, seq and, for a reply, the invoke's id.
      const head = new ByteReader(reassembly.bytes);
      const kind = head.u8();
      head.varuint();
      this.#download = kind === MessageKind.InvokeReply ? this.#downloads.get(head.varuint()) : undefined;
    }
    if (this.#download) notifyProgress(this.#download, 'download', filled, total);
    if (filled === total) this.#downloadOf = this.#download = undefined;
  }

  get isAttached(): boolean {
    return this.#transport !== undefined;
  }

  /**
   * Set on a renderer that connects only when told to (Node's `ipcRenderer`): until a transport is
   * attached, calls fail with `ERR_IPC_NOT_CONNECTED` and this text instead of waiting, maybe forever.
   */
  #unattached: string | undefined;

  refuseUntilAttached(message: string): void {
    if (!this.#transport) this.#unattached = message;
  }

  /** `defaults` (e.g. deadlines main chose for a worker it spawned) override the constructor's options. */
  attach(transport: RendererTransport, defaults?: ConnectionDefaults): void {
    if (this.#transport)
      throw new IpcError(IpcErrorCode.InvalidArgument, 'This renderer is already connected.');
    if (defaults) checkDeadlines(defaults);
    this.#transport = transport;
    this.#unattached = undefined;
    if (defaults) {
      // A deadline the transport leaves undefined keeps the renderer's own.
      const { invokeTimeout = this.#options.invokeTimeout, sendSyncTimeout = this.#options.sendSyncTimeout } =
        defaults;
      this.#options = { ...this.#options, invokeTimeout, sendSyncTimeout };
    }
    if (transport.resumable) this.enableResume(this.#options.maxReplayBytes ?? DEFAULT_MAX_REPLAY_BYTES);
    transport.start({
      frame: (frame, transfer) => this.#receiveFrame(frame, transfer),
      close: (error) => this.#onClosed(error),
      suspended: (error, sessionEnded) => this.#suspended(error, sessionEnded),
      resumeOffer: () =>
        this.#resumeToken === '' || this.#startedOver
          ? undefined
          : { token: this.#resumeToken, received: this.expectedSeq - 1 },
    });
    this.setSink(transport);
  }

  get connectionState(): ConnectionState {
    return this.#state;
  }

  #setState(event: ConnectionEvent): void {
    this.#state = event.state === 'resumed' || event.state === 'new-session' ? 'connected' : event.state;
    this.#events.connection(event);
  }

  /** The transport lost its socket and reconnects: what is sent meanwhile waits for the resume. */
  #suspended(error: IpcError, sessionEnded: boolean): void {
    if (this.#closedWith) return;
    this.linkDown();
    this.#awaitingResume = true;
    if (sessionEnded && !this.#startedOver) {
      // Main ended the session itself: what is pending can never be answered, and what is sent from
      // now on goes to the next session.
      this.#startOver(sessionLost('main ended the session (it shut down)'));
    }
    if (this.#state !== 'reconnecting') this.#setState({ state: 'reconnecting', error });
  }

  /** This session is over while disconnected: pending calls reject, numbering restarts for the next one. */
  #startOver(error: IpcError): void {
    // Main forgot the session's ports with it.
    this.#ports?.closeAll();
    this.#ports = undefined;
    this.#lostBeforeNewSession = this.resetSession();
    this.#startedOver = true;
    this.#invokes.rejectAll(error);
  }

  protected override replayOverflow(error: IpcError): void {
    if (this.isLinkUp) {
      this.#fail(error);
      return;
    }
    // Main cannot get all of it any more: this session is over. What is sent from now on starts the
    // next one, which the renderer asks for when it reconnects.
    this.#startOver(error);
  }

  /** Messages sent in a session given up while disconnected, for the `'new-session'` event. */
  #lostBeforeNewSession = 0;

  /**
   * The first frame on a new socket: main's resume notice (the session goes on), or a hello (main did
   * not know the session any more: a new one starts, and the old one's pending calls reject).
   * Returns false when the frame broke the protocol (the connection is closed).
   */
  #answerToResume(first: MainToRendererMessage): boolean {
    this.#awaitingResume = false;
    if (first.kind === MessageKind.Resumed) {
      const wrong = this.#startedOver
        ? new IpcError(IpcErrorCode.Protocol, 'Main resumed a session this renderer gave up.')
        : this.checkPeerReceived(first.received);
      if (wrong) {
        this.#fail(wrong);
        return false;
      }
      this.#resumeToken = first.token;
      this.linkUp(first.received);
      this.#setState({ state: 'resumed', webContentsId: this.webContentsId });
      return true;
    }
    if (first.kind !== MessageKind.Hello || first.seq !== 1) {
      this.#fail(
        new IpcError(IpcErrorCode.Protocol, `Main answered a resume with message kind ${first.kind}.`),
      );
      return false;
    }
    if (!this.#startedOver) {
      this.#startOver(sessionLost('main no longer had it (it restarted, or the grace period passed)'));
    }
    const unconfirmed = this.#lostBeforeNewSession;
    this.#startedOver = false;
    // What was sent since the session was given up belongs to this new one: it goes now.
    this.linkUp(0);
    this.#newSession = unconfirmed;
    return true;
  }

  /** Set while the hello of a new session (after a drop) is being handled: how many messages may be lost. */
  #newSession: number | undefined;

  setTrafficListener(listener: RendererTrafficListener | undefined): void {
    this.#traffic = listener;
    if (!listener) this.#invokeStarts.clear();
  }

  /**
   * Queues an async message; throws synchronously for non-cloneable or oversize arguments.
   * `onProgress` is told how its bytes go out (see {@link withUploadProgress}).
   */
  post(message: Outgoing, onProgress?: ProgressListener): void {
    if (this.#closedWith) throw this.#closedWith;
    if (this.#unattached !== undefined) throw new IpcError(IpcErrorCode.NotConnected, this.#unattached);
    const bytes = withUploadProgress(this, onProgress, () => this.enqueue(message));
    if (this.#traffic) this.#recordOutgoing(message, bytes);
  }

  /** `ipcRenderer.postMessage`, the ports checked by the caller; throws for a message that cannot be sent. */
  postMessage(channel: string, message: unknown, ports: readonly NativePort[]): void {
    if (this.#closedWith) throw this.#closedWith;
    if (this.#unattached !== undefined) throw new IpcError(IpcErrorCode.NotConnected, this.#unattached);
    this.#portsOf().postMessage(channel, message, ports);
  }

  /** @internal For {@link RendererPorts}: only before attach does a port go virtual by default. */
  get nativePorts(): boolean {
    return this.#transport?.capabilities.transfer ?? false;
  }

  /** @internal For {@link RendererPorts}: port messages go in order with everything else. */
  sendPortFrame(message: Outgoing, transfer: NativePort[] | undefined): void {
    if (this.#closedWith) {
      if (transfer) for (const port of transfer) port.close();
      throw this.#closedWith;
    }
    const bytes = this.enqueue(message, transfer);
    if (this.#traffic) this.#recordOutgoing(message, bytes);
  }

  /** @internal For {@link RendererPorts}. */
  fail(reason: IpcError): void {
    this.#fail(reason);
  }

  #portsOf(): RendererPorts {
    return (this.#ports ??= new RendererPorts(this));
  }

  /** `onProgress`: told how the request goes out and how the reply comes in. */
  invoke(
    channel: string,
    args: unknown[],
    timeoutMs = this.#options.invokeTimeout ?? Number.POSITIVE_INFINITY,
    onProgress?: ProgressListener,
  ): Promise<unknown> {
    if (this.#closedWith) return Promise.reject(this.#closedWith);
    const id = this.#invokes.nextId();
    try {
      this.post({ kind: MessageKind.Invoke, id, channel, args }, onProgress);
    } catch (error) {
      return Promise.reject(error);
    }
    const pending = this.#invokes.add(id, timeoutMs, channel);
    if (onProgress) {
      const downloads = (this.#downloads ??= new Map());
      downloads.set(id, onProgress);
      const forget = (): void => {
        downloads.delete(id);
        if (downloads.size === 0 && this.#downloads === downloads) this.#downloads = undefined;
      };
      pending.then(forget, forget);
    }
    if (this.#traffic) {
      this.#invokeStarts.set(id, now());
      // Timed-out and closed calls never get a reply: forget their start time when they settle.
      const forget = (): void => void this.#invokeStarts.delete(id);
      pending.then(forget, forget);
    }
    return pending;
  }

  sendSync(channel: string, args: unknown[], timeoutMs = this.#options.sendSyncTimeout ?? 30_000): unknown {
    if (this.#closedWith) throw this.#closedWith;
    const transport = this.#transport;
    if (!transport) {
      throw new IpcError(
        IpcErrorCode.NotConnected,
        this.#unattached ?? 'sendSync needs a connection: call connect() first.',
      );
    }
    if (!transport.capabilities.sync) {
      throw new IpcError(
        IpcErrorCode.SyncUnsupported,
        'sendSync is not supported on this transport; use invoke() (see docs/transports.md).',
      );
    }
    this.#nextSyncId += 1;
    const id = this.#nextSyncId;
    const message: Outgoing = { kind: MessageKind.SendSync, id, channel, args };
    this.flush();
    // Main may lack what was sent since its last acknowledgement: the socket may be down (or dead
    // without anyone knowing yet), and a blocked page cannot reconnect to send it again. So the request
    // carries it along, when it is not much (main skips what it has).
    const unacknowledged = this.unacknowledgedFrames(MAX_SYNC_RESEND_BYTES);
    const request = this.encodeAlone(message, true);
    const requestSeq = this.sentSeq;
    // Kept like any frame: if the connection drops before main has it, the resume brings it.
    this.recordForReplay(request);
    if (this.#traffic) this.#recordOutgoing(message, messageBytesOf(request));
    const started = this.#traffic ? now() : 0;
    let replyFrame: Uint8Array;
    try {
      replyFrame = transport.sendSync(request, timeoutMs, unacknowledged);
    } catch (error) {
      if (isIpcError(error, IpcErrorCode.SessionLost) && !this.#startedOver) this.#startOver(error);
      throw error;
    }
    const [reply] = this.decode(replyFrame);
    if (reply?.kind !== MessageKind.SyncReply || reply.id !== id) {
      throw new IpcError(IpcErrorCode.Protocol, `sendSync('${channel}') received a reply for another call.`);
    }
    // Main answers a request only once it has every message before it: the answer acknowledges them.
    // A page that blocks in sendSync after sendSync runs no task in between, so main's acknowledgements
    // over the socket wait unread, and each request carried every earlier one again (up to
    // MAX_SYNC_RESEND_BYTES), for main to decode and skip. Only while the link is up: during a
    // reconnection main's resume notice may already be on its way, counting fewer messages than this
    // answer, and the notice is checked against what was acknowledged (the chaos test caught that).
    if (this.isLinkUp) this.acknowledged(requestSeq);
    this.#traffic?.({
      direction: 'in',
      kind: 'syncReply',
      channel,
      bytes: replyFrame.byteLength,
      durationMs: now() - started,
      ok: true,
    });
    return reply.value;
  }

  close(): void {
    this.#transport?.close();
  }

  #recordOutgoing(message: Outgoing, bytes: number): void {
    // `<webview>` bookkeeping (guest register/release) carries no channel and is not traffic.
    if ('channel' in message)
      this.#traffic?.({
        direction: 'out',
        kind: trafficKindOf[message.kind]!,
        channel: message.channel,
        bytes,
      });
  }

  #receiveFrame(frame: Uint8Array, transfer?: readonly unknown[]): void {
    let messages: MainToRendererMessage[];
    const sizes = this.#traffic || this.#downloads ? [] : undefined;
    const cursor = transfer === undefined ? NO_TRANSFER : new TransferCursor(transfer);
    try {
      messages = this.decode(frame, sizes);
    } catch (error) {
      cursor.closeUnused();
      this.#fail(error as IpcError);
      return;
    }
    this.#frameTransfer = cursor;
    try {
      this.#receiveMessages(messages, sizes);
    } finally {
      this.#frameTransfer = NO_TRANSFER;
    }
    if (this.#closedWith) {
      cursor.closeUnused();
      return;
    }
    if (cursor !== NO_TRANSFER && cursor.closeUnused() > 0) {
      this.#fail(
        new IpcError(IpcErrorCode.Protocol, 'A frame brought ports that none of its messages references.'),
      );
      return;
    }
    this.countReceived(frame.byteLength);
  }

  /** The ports that came with the frame being dispatched. */
  #frameTransfer: TransferCursor = NO_TRANSFER;

  #receiveMessages(messages: MainToRendererMessage[], sizes: number[] | undefined): void {
    let i = 0;
    if (this.#awaitingResume) {
      if (!this.#answerToResume(messages[0]!)) return;
      if (messages[0]!.kind === MessageKind.Resumed) i = 1;
    }
    for (; i < messages.length; i++) {
      const message = messages[i]!;
      if (this.#closedWith) return;
      if (message.kind === MessageKind.MainAck) {
        const wrong = this.acknowledged(message.received);
        if (wrong) {
          this.#fail(wrong);
          return;
        }
        continue;
      }
      const outOfOrder = this.receive(message.seq);
      if (outOfOrder === DUPLICATE) continue;
      if (outOfOrder) {
        this.#fail(outOfOrder);
        return;
      }
      let whole: MainToRendererMessage = message;
      if (message.kind === MessageKind.MainChunk || this.#chunkedBytes !== 0) {
        const result = this.unchunk(message);
        if (result === undefined) continue;
        if (result instanceof IpcError) {
          this.#fail(result);
          return;
        }
        whole = result;
      }
      if (sizes) {
        const bytes = whole === message ? sizes[i]! : this.#chunkedBytes;
        this.#recordIncoming(whole, bytes);
        if (whole.kind === MessageKind.InvokeReply && whole === message) this.#downloaded(whole.id, bytes);
      }
      this.#dispatch(whole);
    }
  }

  /** A reply that came whole: its caller's progress listener is told once. */
  #downloaded(id: number, bytes: number): void {
    const listener = this.#downloads?.get(id);
    if (listener) notifyProgress(listener, 'download', bytes, bytes);
  }

  #dispatch(message: MainToRendererMessage): void {
    switch (message.kind) {
      case MessageKind.Hello:
        if (message.protocolVersion !== PROTOCOL_VERSION) {
          this.#fail(
            new IpcError(
              IpcErrorCode.VersionMismatch,
              `Main speaks protocol ${message.protocolVersion}, this renderer ${PROTOCOL_VERSION}; load matching versions.`,
            ),
          );
          return;
        }
        this.webContentsId = message.webContentsId;
        this.#resumeToken = message.resumeToken;
        this.setPeerMaxPayload(message.maxPayload);
        this.#events.connected(message.webContentsId);
        if (this.#newSession === undefined) {
          this.#setState({ state: 'connected', webContentsId: message.webContentsId });
        } else {
          const unconfirmed = this.#newSession;
          this.#newSession = undefined;
          this.#setState({ state: 'new-session', webContentsId: message.webContentsId, unconfirmed });
        }
        return;
      case MessageKind.Resumed:
        this.#fail(new IpcError(IpcErrorCode.Protocol, 'Main sent a resume notice on a live connection.'));
        return;
      case MessageKind.MainAck:
        return;
      case MessageKind.Message:
        this.#events.message(message.channel, message.senderId, message.args);
        return;
      case MessageKind.InvokeReply:
        if (message.ok) this.#invokes.resolve(message.id, message.value);
        else this.#invokes.reject(message.id, (channel) => invokeError(channel, message.error));
        return;
      case MessageKind.HostMessage:
        this.#events.hostMessage(message.guestId, message.frameId, message.channel, message.args);
        return;
      case MessageKind.GuestState:
        this.#events.guestState(message.token, message.guestId);
        return;
      case MessageKind.ExecuteJavaScript:
        this.#events.executeJavaScript(message.id, message.code, message.userGesture);
        return;
      case MessageKind.PageCommand:
        this.#events.pageCommand(message.command, message.url, message.token);
        return;
      case MessageKind.SyncReply:
        this.#fail(new IpcError(IpcErrorCode.Protocol, 'A sync reply arrived outside the sync path.'));
        return;
      case MessageKind.MainPostMessage: {
        const ports = this.#portsOf().receivePostMessage(message, this.#frameTransfer);
        if (ports) this.#events.postMessage(message.channel, message.message, ports);
        return;
      }
      case MessageKind.MainPortMessage:
        this.#portsOf().receivePortMessage(message, this.#frameTransfer);
        return;
      case MessageKind.MainPortClose:
        this.#portsOf().receivePortClose(message);
        return;
    }
  }

  #recordIncoming(message: MainToRendererMessage, bytes: number): void {
    if (message.kind === MessageKind.InvokeReply) {
      const started = this.#invokeStarts.get(message.id);
      this.#invokeStarts.delete(message.id);
      const channel = this.#invokes.labelOf(message.id);
      if (channel === undefined) return;
      const durationMs = started === undefined ? undefined : now() - started;
      this.#traffic?.({ direction: 'in', kind: 'invokeReply', channel, bytes, durationMs, ok: message.ok });
      return;
    }
    const kind = trafficKindOf[message.kind];
    if (kind && 'channel' in message)
      this.#traffic?.({ direction: 'in', kind, channel: message.channel, bytes });
  }

  #fail(error: IpcError): void {
    // Closed first with the reason: a transport that reports its own closure at once (the WebSocket
    // one does) would otherwise be the reason given, "The renderer closed its connection.".
    this.#onClosed(error);
    this.#transport?.close();
  }

  #onClosed(error: IpcError): void {
    if (this.#closedWith) return;
    this.#closedWith =
      error.code === IpcErrorCode.Closed
        ? error
        : new IpcError(IpcErrorCode.Closed, error.message, { cause: error });
    this.clearOutgoing();
    this.endResume();
    this.#ports?.closeAll();
    this.#invokes.rejectAll(this.#closedWith);
    this.#events.closed(this.#closedWith);
    this.#setState({ state: 'closed', error: this.#closedWith });
  }
}

/** The cursor of frames without ports. */
const NO_TRANSFER = new TransferCursor(undefined);

function sessionLost(why: string): IpcError {
  return new IpcError(
    IpcErrorCode.SessionLost,
    `The connection to main dropped and this renderer's session ended: ${why}. A new session begins when it reconnects.`,
  );
}

/** Electron's rejection, plus the `code` when main's text carries one (`codedErrorText` in protocol/errors). */
function invokeError(channel: string, errorText: string): Error {
  const error = new Error(invokeErrorMessage(channel, errorText));
  const code = codeInErrorText(errorText);
  if (code !== undefined) (error as Error & { code?: string }).code = code;
  return error;
}
