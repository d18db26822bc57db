import { codedErrorText, IpcError, IpcErrorCode, isIpcError } from '../../protocol/errors.js';
import { DEFAULT_LIMITS, type DecodeLimits } from '../../protocol/limits.js';
import { encodeMessageFrame } from '../../protocol/message-codec.js';
import {
  type MainToRendererMessage,
  MessageKind,
  PROTOCOL_MIN_PAYLOAD,
  type RendererToMainInvoke,
  type RendererToMainMessage,
  type RendererToMainSendSync,
} from '../../protocol/messages.js';
import { createSecretToken } from '../../protocol/secret-token.js';
import { PROTOCOL_VERSION } from '../../protocol/version.js';
import type { MainTransport, MainTransportEvents, SyncResponder } from '../../transports/transport.js';
import { handlerErrorMessage } from '../shared/electron-texts.js';
import type { FrameSink, Outbox } from '../shared/outbox.js';
import { DUPLICATE, SequencedLink, type Unnumbered } from '../shared/sequenced-link.js';
import { isNativePort, type NativePort, TransferCursor } from '../shared/virtual-ports.js';
import {
  type DispatchWorld,
  dispatchInvoke,
  dispatchSend,
  dispatchSendSync,
  type InvokeOutcome,
  type InvokeReplyTarget,
} from './dispatch.js';
import type { GuestRegistry } from './guest-registry.js';
import { codeOf } from './logger.js';
import { type MainPortSession, MainPorts } from './main-ports.js';
import type { MainTraffic, MainTrafficKind } from './main-traffic.js';
import type { MessagePortMain } from './message-port-main.js';
import { PageChannel, type PageChannelHost } from './page-channel.js';
import type { PageReports } from './page-reports.js';
import { MAIN_FRAME_ID, type RendererLink, type WebContents } from './web-contents-impl.js';

/** Sync requests that may wait for earlier async messages still in flight on the other path. */
const MAX_EARLY_SYNC_REQUESTS = 4;

/** What a session needs from the main world it belongs to (`MainWorld` has it). */
export interface SessionWorld extends DispatchWorld {
  /** Hostile-input limits for what renderers send (the hello announces `maxPayload`). */
  readonly limits: DecodeLimits;
  readonly allowSendTo: ((sender: WebContents, target: WebContents) => boolean) | undefined;
  readonly guests: GuestRegistry;
  /** How long a renderer whose connection dropped may take to resume (ms); 0: sessions never resume. */
  readonly resumeGracePeriod: number;
  /** The most a session keeps of what its renderer has not acknowledged (see {@link SequencedLink}). */
  readonly maxReplayBytes: number;
  /** Another connected renderer's session, for relays (`undefined` once it is destroyed). */
  sessionFor(id: number): MainSession | undefined;
  /** Where a renderer's `sendTo(id)` goes: {@link sessionFor}, or a renderer of another main process. */
  sendToTarget(id: number): Pick<MainSession, 'webContents' | 'sendChannelMessage'> | undefined;
  /** This session's renderer is gone: the world forgets it (before `'destroyed'` is emitted). */
  removeSession(session: MainSession): void;
  /** The traffic tap (`main.onTraffic`): sessions call it only while it is `active`. */
  readonly traffic: MainTraffic;
}

/**
 * Main's side of one renderer connection: decodes and validates its frames, dispatches them strictly
 * in sequence order, and sends main's messages to it (numbering, size checks and the coalescing
 * outbox are the {@link SequencedLink}'s).
 */
export class MainSession
  extends SequencedLink<'main'>
  implements RendererLink, MainPortSession, InvokeReplyTarget
{
  private contents!: WebContents;
  /** The ports that came with the frame being dispatched (transports that move ports). */
  private frameTransfer: TransferCursor = NO_TRANSFER;
  /** What only some sessions ever need, made on first use (see {@link RareSessionState}). */
  private rare: RareSessionState | undefined;
  private readonly events: TransportEventsOf;
  /** Nothing more is sent or dispatched. */
  private closed = false;
  /** @internal The connection is gone and `'destroyed'` was emitted (`webContents.isDestroyed()`). */
  destroyed = false;
  /** Resumable sessions: the credential for the next resume (see {@link resume}). */
  private resumeToken = '';
  /** A resumed renderer sends again what main may have missed, sync requests too (see dispatch). */
  private resumedOnce = false;

  constructor(
    private readonly world: SessionWorld,
    /** @internal */
    readonly transport: MainTransport,
  ) {
    super('main', world.limits);
    this.events = transport.sendTransient
      ? new TransientTransportEventsOf(this)
      : new TransportEventsOf(this);
    this.setSink(this.events);
    if (transport.resumable && world.resumeGracePeriod > 0) {
      this.enableResume(world.maxReplayBytes);
      this.resumeToken = createSecretToken();
    }
  }

  protected get peerName(): string {
    return `WebContents #${this.contents.id}`;
  }

  protected override get pacedTransport(): MainTransport {
    return this.transport;
  }

  start(contents: WebContents): void {
    this.contents = contents;
    const announced = this.transport.peerMaxPayload ?? DEFAULT_LIMITS.maxPayload;
    if (!(announced >= PROTOCOL_MIN_PAYLOAD)) {
      // Not even the hello would fit: this renderer cannot be talked to at all.
      this.reject(tooSmallLimit(announced));
      return;
    }
    this.setPeerMaxPayload(announced);
    // The hello is message 1: queue it before the transport can replay early frames whose listeners
    // might answer synchronously.
    this.enqueue({
      kind: MessageKind.Hello,
      seq: 0,
      protocolVersion: PROTOCOL_VERSION,
      webContentsId: contents.id,
      maxPayload: Math.min(this.world.limits.maxPayload, this.transport.maxPayload ?? Infinity),
      resumeToken: this.resumeToken,
    });
    this.transport.start(this.events);
  }

  get webContents(): WebContents {
    return this.contents;
  }

  /**
   * Throws what the encoder throws for the caller's own values (`ERR_IPC_NOT_CLONEABLE`, as Electron);
   * a message this renderer cannot take is dropped for it instead (see {@link dropped}). `encodedArgs`:
   * `args` already encoded, for a broadcast (see `MainWorld.broadcast`).
   */
  sendChannelMessage(channel: string, args: unknown[], senderId: number, encodedArgs?: Uint8Array): void {
    if (this.closed) return;
    try {
      this.enqueue(
        encodedArgs === undefined
          ? { kind: MessageKind.Message, seq: 0, senderId, channel, args }
          : { kind: MessageKind.Message, seq: 0, senderId, channel, args, encodedArgs },
      );
    } catch (error) {
      this.dropIfTooLarge(channel, error, 'message');
    }
  }

  /** `webContents.postMessage`: throws for a message that cannot be sent, with the ports left usable. */
  postMessage(channel: string, message: unknown, ports: readonly MessagePortMain[]): void {
    if (this.closed) return;
    this.portsOf().postMessage(channel, message, ports);
  }

  /** @internal For {@link MainPorts}. */
  get nativePorts(): boolean {
    return this.transport.capabilities.transfer;
  }

  /** @internal For {@link MainPorts}: port messages go in order with everything else. */
  sendPortFrame(message: Unnumbered<MainToRendererMessage>, transfer: NativePort[] | undefined): void {
    if (this.closed) {
      if (transfer) for (const port of transfer) port.close();
      return;
    }
    this.enqueue(message, transfer);
    if (transfer) this.trackPorts(transfer);
  }

  private trackPorts(ports: readonly unknown[]): void {
    const crossed = (this.rareState().crossedPorts ??= new Set());
    for (const port of ports) {
      if (!isNativePort(port) || crossed.has(port)) continue;
      crossed.add(port);
      port.addEventListener('close', () => crossed.delete(port));
    }
  }

  private rareState(): RareSessionState {
    return (this.rare ??= new RareSessionState());
  }

  private stopGraceTimer(): void {
    if (this.rare?.graceTimer === undefined) return;
    clearTimeout(this.rare.graceTimer);
    this.rare.graceTimer = undefined;
  }

  private portsOf(): MainPorts {
    return (this.rareState().ports ??= new MainPorts(this, this.world));
  }

  /** Delivers a guest's `sendToHost` to this (host) renderer's `<webview>` element. */
  sendHostMessage(guestId: number, channel: string, args: unknown[]): void {
    if (this.closed) return;
    try {
      this.enqueue({ kind: MessageKind.HostMessage, seq: 0, guestId, frameId: MAIN_FRAME_ID, channel, args });
    } catch (error) {
      this.dropIfTooLarge(channel, error, 'hostMessage');
    }
  }

  /** Tells this (host) renderer which guest its `<webview>` frame `token` has now (0: none). */
  sendGuestState(token: string, guestId: number): void {
    if (this.closed) return;
    this.enqueue({ kind: MessageKind.GuestState, seq: 0, token, guestId });
  }

  /**
   * Answers an invoke; never throws. A result that cannot be sent (not cloneable, larger than the
   * renderer accepts) rejects the renderer's call with that error instead, and an error text that does
   * not fit is replaced by a short one that always does (see {@link PROTOCOL_MIN_PAYLOAD}).
   */
  sendInvokeReply(id: number, channel: string, outcome: InvokeOutcome): void {
    if (outcome.ok) this.sendInvokeValue(id, channel, outcome.value);
    else this.sendInvokeError(id, outcome.error);
  }

  /** @internal {@link sendInvokeReply} with the handler's value (no outcome object on the hot path). */
  sendInvokeValue(id: number, channel: string, value: unknown): void {
    if (this.closed) return;
    let error: string;
    try {
      this.enqueue({ kind: MessageKind.InvokeReply, seq: 0, id, ok: true, value });
      return;
    } catch (cause) {
      // As in Electron, the renderer's invoke rejects with what went wrong, and main logs it.
      this.world.logger.error(
        { err: cause, code: codeOf(cause), channel, webContentsId: this.contents.id },
        handlerErrorMessage(channel),
      );
      // Electron's own text for what cannot be cloned; the code for what is ours alone.
      error = isIpcError(cause, IpcErrorCode.PayloadTooLarge) ? codedErrorText(cause) : String(cause);
    }
    this.sendInvokeError(id, error);
  }

  private sendInvokeError(id: number, error: string): void {
    if (this.closed) return;
    try {
      this.enqueue({ kind: MessageKind.InvokeReply, seq: 0, id, ok: false, error });
      return;
    } catch (cause) {
      if (!isIpcError(cause, IpcErrorCode.PayloadTooLarge)) throw cause;
    }
    this.enqueue({
      kind: MessageKind.InvokeReply,
      seq: 0,
      id,
      ok: false,
      error: codedErrorText(
        new IpcError(
          IpcErrorCode.PayloadTooLarge,
          `The handler's error text is larger than WebContents #${this.contents.id} accepts (its maxPayload, ${this.peerMaxPayload} bytes).`,
        ),
      ),
    });
  }

  close(): void {
    this.terminate(new IpcError(IpcErrorCode.Closed, `WebContents #${this.contents.id} was closed by main.`));
  }

  /** @internal What the page reported about itself (see {@link RendererLink.page}). */
  get page(): PageReports | undefined {
    return this.rare?.pageChannel?.reports;
  }

  /** @internal */
  get vanished(): boolean {
    return this.rare?.vanishedWith !== undefined;
  }

  executeJavaScript(code: string, userGesture: boolean): Promise<unknown> {
    if (this.closed) return Promise.reject(this.endedError());
    return this.pageChannelOf().executeJavaScript(code, userGesture);
  }

  reload(): void {
    if (!this.closed) this.pageChannelOf().reload();
  }

  loadURL(url: string): Promise<WebContents | undefined> {
    if (this.closed) return Promise.reject(this.endedError());
    return this.pageChannelOf().loadURL(url);
  }

  reportConsole(on: boolean): void {
    if (!this.closed) this.pageChannelOf().reportConsole(on);
  }

  private pageChannelOf(): PageChannel {
    return (this.rareState().pageChannel ??= new PageChannel(new PageHostOf(this, this.world)));
  }

  private endedError(): IpcError {
    return new IpcError(IpcErrorCode.Closed, `WebContents #${this.contents.id} is destroyed.`);
  }

  /** @internal For {@link PageHostOf}: page messages go in order with everything else. */
  sendPageMessage(message: Parameters<PageChannelHost['send']>[0]): void {
    if (!this.closed) this.enqueue({ ...message, seq: 0 });
  }

  // The traffic tap sees every message main sends where it is numbered and sized.
  protected override enqueue(
    message: Unnumbered<MainToRendererMessage>,
    transfer?: readonly unknown[],
  ): number {
    const bytes = super.enqueue(message, transfer);
    if (this.world.traffic.active)
      this.world.traffic.sent(this, this.contents.id, message as MainToRendererMessage, bytes);
    return bytes;
  }

  protected override encodeAlone(message: Unnumbered<MainToRendererMessage>, numbered: boolean): Uint8Array {
    const frame = super.encodeAlone(message, numbered);
    if (this.world.traffic.active)
      this.world.traffic.sent(this, this.contents.id, message as MainToRendererMessage, frame.byteLength);
    return frame;
  }

  /** Ends the connection because the renderer broke the rules; logged, and only this renderer is affected. */
  reject(reason: IpcError): void {
    if (this.closed) return;
    if (this.world.traffic.active) this.world.traffic.closed(this.contents.id, reason);
    this.world.logger.error(
      { code: reason.code, webContentsId: this.contents.id, url: this.contents.getURL() },
      `ipc-anywhere: closing WebContents #${this.contents.id}: [${reason.code}] ${reason.message}`,
    );
    this.terminate(reason);
  }

  /**
   * `webContents.send` (or a relayed message) that this renderer cannot take: the caller goes on (a
   * broadcast loop must not stop at one renderer); the drop is logged and told on the WebContents.
   */
  private dropIfTooLarge(channel: string, error: unknown, kind: MainTrafficKind): void {
    if (!isIpcError(error, IpcErrorCode.PayloadTooLarge)) throw error;
    const contents = this.contents;
    if (this.world.traffic.active) this.world.traffic.dropped(contents.id, kind, channel, error);
    this.world.logger.warn(
      { code: error.code, channel, webContentsId: contents.id },
      `ipc-anywhere: dropped a message on '${channel}' to WebContents #${contents.id}: [${error.code}] ${error.message}`,
    );
    if (contents.listenerCount('ipc-message-dropped') === 0) return;
    try {
      contents.emit('ipc-message-dropped', error, channel);
    } catch (listenerError) {
      this.world.logger.error(
        { err: listenerError, channel, webContentsId: contents.id },
        `ipc-anywhere: a listener for 'ipc-message-dropped' threw`,
      );
    }
  }

  /** @internal A frame from the transport (see {@link TransportEventsOf}). */
  receiveFrame(
    frame: Uint8Array,
    respond?: SyncResponder,
    repeatable = false,
    transfer?: readonly unknown[],
  ): void {
    if (this.closed) {
      new TransferCursor(transfer).closeUnused();
      return;
    }
    // A sync body may come twice, and while the socket is down it carries what the renderer sent since
    // main's last acknowledgement: what main already has is skipped.
    if (repeatable || !this.isLinkUp) this.expectRepeats();
    // The renderer sends nothing on a resumed connection before it has the new token.
    else if (this.rare) this.rare.previousToken = undefined;
    let messages: RendererToMainMessage[];
    const cursor = transfer === undefined ? NO_TRANSFER : new TransferCursor(transfer);
    if (transfer !== undefined) this.trackPorts(transfer);
    const sizes = this.world.traffic.active ? ([] as number[]) : undefined;
    try {
      messages = this.decode(frame, sizes);
      if (sizes) this.world.traffic.noteSizes(messages, sizes);
    } catch (error) {
      cursor.closeUnused();
      this.reject(error as IpcError);
      return;
    }
    this.frameTransfer = cursor;
    try {
      for (let i = 0; i < messages.length && !this.closed; i++) {
        const message = messages[i]!;
        const isLast = i === messages.length - 1;
        if (message.kind === MessageKind.RendererAck) {
          const wrong = this.acknowledged(message.received);
          if (wrong) this.reject(wrong);
        } else if (respond && isLast) this.acceptSyncRequest(message, respond);
        else this.accept(message);
      }
      this.frameTransfer = NO_TRANSFER;
      if (cursor !== NO_TRANSFER && cursor.closeUnused() > 0) {
        this.reject(
          new IpcError(IpcErrorCode.Protocol, 'A frame brought ports that none of its messages references.'),
        );
      }
      this.countReceived(frame.byteLength);
    } catch (error) {
      this.frameTransfer = NO_TRANSFER;
      // Listeners' errors are caught where they run; this is the last line that keeps main running.
      this.world.logger.error(
        { err: error, code: IpcErrorCode.Protocol, webContentsId: this.contents.id },
        `ipc-anywhere: internal error while handling a message from WebContents #${this.contents.id}; closing it`,
      );
      this.terminate(
        new IpcError(IpcErrorCode.Protocol, `Internal error while handling a message: ${String(error)}`),
      );
    }
  }

  /** A frame from the sync path ends with its request; it may overtake async messages still in flight. */
  private acceptSyncRequest(message: RendererToMainMessage, respond: SyncResponder): void {
    if (message.kind !== MessageKind.SendSync) {
      this.reject(
        new IpcError(IpcErrorCode.Protocol, `A sync request frame ended with message kind ${message.kind}.`),
      );
      return;
    }
    if (message.seq < this.expectedSeq) {
      this.answerRepeatedSync(message.seq, respond);
      return;
    }
    const early = this.rare?.earlySyncRequests?.get(message.seq);
    if (early) {
      // Sent again while held: the answer goes to whoever asked last (the first asker is gone).
      early.respond = respond;
      return;
    }
    if (
      message.seq > this.expectedSeq &&
      (this.rare?.earlySyncRequests?.size ?? 0) < MAX_EARLY_SYNC_REQUESTS
    ) {
      (this.rareState().earlySyncRequests ??= new Map()).set(message.seq, { message, respond });
      return;
    }
    this.accept(message, respond);
  }

  /** A sync request main already dispatched came again: it gets the answer, now or when there is one. */
  private answerRepeatedSync(seq: number, respond: SyncResponder): void {
    const sync = this.rare?.lastSync;
    // An older one cannot be asked for by an honest page (it sends one at a time): its asker waits out
    // its deadline.
    if (sync?.seq !== seq) return;
    sync.respond = respond;
    if (sync.reply !== undefined) respond(sync.reply);
  }

  private accept(message: RendererToMainMessage, respond?: SyncResponder): void {
    const outOfOrder = this.receive(message.seq);
    if (outOfOrder === DUPLICATE) return;
    // A sync request comes on the sync path and is also kept for replay: its copy arrives later, once
    // main has dispatched it (maybe past the point a resume said it had).
    if (outOfOrder && message.kind === MessageKind.SendSync && message.seq === this.rare?.lastSync?.seq)
      return;
    if (outOfOrder) {
      this.reject(outOfOrder);
      return;
    }
    // A chunk of a large message: the message is dispatched once its last chunk is in.
    const whole = this.unchunk(message);
    if (whole instanceof IpcError) this.reject(whole);
    else if (whole !== undefined) {
      // Put together from chunks: the traffic tap counts the whole message's bytes.
      if (whole !== message && this.world.traffic.active) {
        this.world.traffic.noteSizes([whole], [this.unchunkedBytes]);
      }
      this.dispatch(whole, respond);
    }
    const early = this.rare?.earlySyncRequests?.get(this.expectedSeq);
    if (early) {
      this.rare!.earlySyncRequests!.delete(this.expectedSeq);
      this.accept(early.message, early.respond);
    }
  }

  private dispatch(message: RendererToMainMessage, respond?: SyncResponder): void {
    const contents = this.contents;
    if (this.world.traffic.active) this.world.traffic.received(this, contents.id, message);
    switch (message.kind) {
      case MessageKind.Send:
        dispatchSend(this.world, contents, message.channel, message.args);
        return;
      case MessageKind.SendSync: {
        // Sent again after a resume (no `respond`): its caller gave up waiting. Its listeners run, once,
        // as they would have; the answer is kept in case the request also comes on the sync path.
        if (!respond && !this.resumedOnce) {
          this.reject(new IpcError(IpcErrorCode.Protocol, 'A sync request arrived outside the sync path.'));
          return;
        }
        const sync = {
          seq: message.seq,
          respond: respond ?? ignoreSyncReply,
          reply: undefined as Uint8Array | undefined,
        };
        this.rareState().lastSync = sync;
        dispatchSendSync(this.world, contents, message.channel, message.args, (value) => {
          // Throws to whoever set `returnValue` (too large, not cloneable), who may set another.
          sync.reply = this.encodeAlone({ kind: MessageKind.SyncReply, id: message.id, value }, false);
          sync.respond(sync.reply);
        });
        return;
      }
      case MessageKind.Limits:
        if (!(message.maxPayload >= PROTOCOL_MIN_PAYLOAD)) {
          this.reject(tooSmallLimit(message.maxPayload));
          return;
        }
        this.setPeerMaxPayload(message.maxPayload);
        return;
      case MessageKind.Invoke:
        this.dispatchInvoke(message);
        return;
      case MessageKind.SendTo: {
        const target = this.world.sendToTarget(message.webContentsId);
        if (!target) return;
        this.relay(() => {
          const allow = this.world.allowSendTo;
          if (allow !== undefined && allow(contents, target.webContents) !== true) {
            if (this.world.traffic.active) {
              this.world.traffic.refused(contents.id, 'sendTo', message.channel, 'refused by allowSendTo');
            }
            this.world.logger.warn(
              {
                code: IpcErrorCode.Refused,
                channel: message.channel,
                webContentsId: contents.id,
                targetWebContentsId: message.webContentsId,
              },
              `ipc-anywhere: dropped sendTo('${message.channel}') from WebContents #${contents.id} to #${message.webContentsId}: refused by allowSendTo.`,
            );
            return;
          }
          target.sendChannelMessage(message.channel, message.args, contents.id);
        });
        return;
      }
      case MessageKind.SendToHost: {
        // Electron drops sendToHost from a page that is not a <webview> guest.
        const host = contents.hostWebContents && this.world.sessionFor(contents.hostWebContents.id);
        if (host) this.relay(() => host.sendHostMessage(contents.id, message.channel, message.args));
        return;
      }
      case MessageKind.WebviewSend: {
        const guest = this.world.sessionFor(message.guestId);
        // A guest that just left (navigated, closed) is no longer listed: dropped quietly, like
        // `webContents.send` to a destroyed one. A live renderer that is not this page's guest is not.
        if (!guest) return;
        if (guest.webContents.hostWebContents !== contents) {
          if (this.world.traffic.active) {
            this.world.traffic.refused(contents.id, 'webviewSend', message.channel, 'not its guest');
          }
          this.world.logger.warn(
            {
              code: IpcErrorCode.Refused,
              channel: message.channel,
              webContentsId: contents.id,
              targetWebContentsId: message.guestId,
            },
            `ipc-anywhere: WebContents #${contents.id} tried to send to #${message.guestId}, which is not its guest; dropped.`,
          );
          return;
        }
        this.relay(() => guest.sendChannelMessage(message.channel, message.args, 0));
        return;
      }
      case MessageKind.PageState:
        this.pageChannelOf().report(message);
        return;
      case MessageKind.ConsoleMessage:
        this.pageChannelOf().console(message);
        return;
      case MessageKind.ScriptResult:
        this.pageChannelOf().scriptResult(message);
        return;
      case MessageKind.GuestRegister: {
        const refused = this.world.guests.register(contents, message.token);
        if (refused) {
          this.world.logger.warn(
            { code: IpcErrorCode.Refused, webContentsId: contents.id },
            `ipc-anywhere: WebContents #${contents.id} could not register a <webview> frame: ${refused}.`,
          );
        }
        return;
      }
      case MessageKind.GuestRelease:
        this.world.guests.release(contents, message.token);
        return;
      case MessageKind.RendererPostMessage:
        this.portsOf().receivePostMessage(message, this.frameTransfer);
        return;
      case MessageKind.RendererPortMessage:
        this.portsOf().receivePortMessage(message, this.frameTransfer);
        return;
      case MessageKind.RendererPortClose:
        this.portsOf().receivePortClose(message);
        return;
    }
  }

  /** Forwards to another renderer; what that one cannot take is logged, never thrown into the transport. */
  private relay(forward: () => void): void {
    try {
      forward();
    } catch (error) {
      this.world.logger.warn(
        { err: error, code: codeOf(error), webContentsId: this.contents.id },
        `ipc-anywhere: a message from WebContents #${this.contents.id} could not be relayed`,
      );
    }
  }

  private dispatchInvoke(message: RendererToMainInvoke): void {
    dispatchInvoke(this.world, this.contents, message.channel, message.args, this, message.id);
  }

  private terminate(reason: IpcError): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    this.transport.close(reason);
    this.transportClosed();
  }

  protected override replayOverflow(error: IpcError): void {
    this.reject(error);
  }

  /** @internal The connection dropped; the renderer may resume within the grace period. */
  suspend(reason: IpcError): void {
    if (this.closed) return;
    if (!this.resumable) {
      this.rareState().vanishedWith ??= reason;
      this.transport.close(reason);
      return;
    }
    if (!this.isLinkUp) return;
    this.linkDown();
    const rare = this.rareState();
    rare.suspendedAt = Date.now();
    const grace = this.world.resumeGracePeriod;
    this.world.logger.warn(
      { code: reason.code, webContentsId: this.contents.id },
      `ipc-anywhere: WebContents #${this.contents.id} lost its connection (${reason.message}); it may resume within ${grace} ms.`,
    );
    rare.graceTimer = setTimeout(() => {
      const reason = new IpcError(
        IpcErrorCode.Closed,
        `WebContents #${this.contents.id} did not reconnect within ${grace} ms (resumeGracePeriod); its session ends.`,
      );
      this.world.logger.warn(
        { code: reason.code, webContentsId: this.contents.id },
        `ipc-anywhere: ${reason.message}`,
      );
      rare.vanishedWith ??= reason;
      this.terminate(reason);
    }, grace);
    rare.graceTimer.unref?.();
    this.emitSafely('connection-lost', reason);
  }

  /** @internal A new connection presents `token`: resumes the session when it is this session's. */
  resume(token: string, received: number): boolean {
    if (this.closed || !this.resumable) return false;
    if (!sameToken(token, this.resumeToken) && !sameToken(token, this.rare?.previousToken)) return false;
    const wrong = this.checkPeerReceived(received);
    if (wrong) {
      this.world.logger.warn(
        { code: wrong.code, webContentsId: this.contents.id },
        `ipc-anywhere: refused to resume WebContents #${this.contents.id}: ${wrong.message}`,
      );
      return false;
    }
    this.stopGraceTimer();
    this.resumedOnce = true;
    // The token just used is spent; it stays valid only until the renderer shows it has the new one
    // (its first frame on this connection), in case this connection drops before the notice arrives.
    this.rareState().previousToken = token;
    this.resumeToken = createSecretToken();
    const notice = encodeMessageFrame({
      kind: MessageKind.Resumed,
      seq: 0,
      received: this.expectedSeq - 1,
      token: this.resumeToken,
    });
    const wasDown = !this.isLinkUp;
    const replayed = this.linkUp(received, notice);
    const downtimeMs = wasDown ? Date.now() - this.rareState().suspendedAt : 0;
    this.world.logger.warn(
      { webContentsId: this.contents.id, downtimeMs, replayedFrames: replayed },
      `ipc-anywhere: WebContents #${this.contents.id} resumed its session after ${downtimeMs} ms; ${replayed} frame(s) sent again.`,
    );
    this.emitSafely('connection-resumed', { downtimeMs, replayedFrames: replayed });
    return true;
  }

  /** Emits a WebContents event whose listeners must not break the connection's bookkeeping. */
  private emitSafely(event: string, detail: unknown): void {
    try {
      this.contents.emit(event, detail);
    } catch (error) {
      this.world.logger.error(
        { err: error, webContentsId: this.contents.id },
        `ipc-anywhere: a listener for '${event}' threw`,
      );
    }
  }

  /** @internal The outbox sent everything it had: an idle connection keeps none (see {@link TransportEventsOf}). */
  outboxDrained(outbox: Outbox): void {
    if (this.outbox === outbox) this.outbox = undefined;
  }

  /** @internal The transport is gone (see {@link TransportEventsOf}); `reason` says why, when it does. */
  transportClosed(reason?: IpcError): void {
    const endedByPeer = !this.closed;
    this.closed = true;
    this.stopGraceTimer();
    this.endResume();
    this.clearOutgoing();
    const rare = this.rare;
    if (rare) {
      rare.earlySyncRequests = undefined;
      // The ends main code holds of ports relayed to this renderer see 'close'.
      rare.ports?.closeAll();
      if (rare.crossedPorts) for (const port of [...rare.crossedPorts]) port.close();
      rare.crossedPorts = undefined;
    }
    if (this.destroyed) return;
    // Pending scripts reject, and a renderer that vanished says so, while it is not yet destroyed.
    if (rare && (rare.pageChannel || rare.vanishedWith)) {
      rare.vanishedWith = this.pageChannelOf().ended(rare.vanishedWith, endedByPeer ? reason : undefined);
    }
    // Off the world's list before any 'destroyed' listener runs: fromId no longer finds it.
    this.destroyed = true;
    this.world.removeSession(this);
    this.contents.emit('destroyed');
  }
}

/**
 * What the transport reports, for one session, and where its outbox sends: one small object instead of
 * four closures.
 */
/**
 * A session's state that most sessions never need: a server holds thousands of idle ones, and each of
 * these fields on the session itself cost 8 B in every one of them (bench/memory/heap-breakdown.mjs).
 */
class RareSessionState {
  /** MessagePorts to and from this renderer, created by the first (see {@link MainPorts}). */
  ports: MainPorts | undefined = undefined;
  /**
   * Native ports that crossed this connection and are still open: they close when the renderer goes
   * away, as a renderer's ports die with its process. (A worker's would anyway; a renderer sharing
   * main's thread, such as a memory one, leaves its ports behind otherwise.)
   */
  crossedPorts: Set<NativePort> | undefined = undefined;
  /** Sync requests that arrived before the messages sent ahead of them. */
  earlySyncRequests: Map<number, { message: RendererToMainSendSync; respond: SyncResponder }> | undefined =
    undefined;
  /**
   * The last sync request dispatched, its answer once there is one, and who gets it: a client may send
   * the same request again (its HTTP connection died), and gets the same answer without a second run.
   */
  lastSync: { seq: number; respond: SyncResponder; reply: Uint8Array | undefined } | undefined = undefined;
  /** The resume token just used: valid until the renderer shows it has the new one (see `resume`). */
  previousToken: string | undefined = undefined;
  /** Resumable sessions whose connection dropped: when the grace period ends, and since when. */
  graceTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  suspendedAt = 0;
  /** Pages: lifecycle reports and main's page commands (created by the first of either). */
  pageChannel: PageChannel | undefined = undefined;
  /** Why the renderer counts as gone without a goodbye (`'render-process-gone'`), once it does. */
  vanishedWith: IpcError | undefined = undefined;
}

class TransportEventsOf implements MainTransportEvents, FrameSink {
  constructor(protected readonly session: MainSession) {}

  send(frame: Uint8Array, transfer?: readonly unknown[]): void {
    if (transfer === undefined) this.session.transport.send(frame);
    else this.session.transport.send(frame, transfer);
  }

  drained(outbox: Outbox): void {
    this.session.outboxDrained(outbox);
  }

  frame(
    frame: Uint8Array,
    respond?: SyncResponder,
    repeatable?: boolean,
    transfer?: readonly unknown[],
  ): void {
    this.session.receiveFrame(frame, respond, repeatable, transfer);
  }

  close(reason: IpcError): void {
    this.session.transportClosed(reason);
  }

  reject(reason: IpcError): void {
    this.session.reject(reason);
  }

  suspended(reason: IpcError): void {
    this.session.suspend(reason);
  }

  resume(token: string, received: number): boolean {
    return this.session.resume(token, received);
  }
}

/** For a transport that takes transient frames: the outbox then lends it its own buffer. */
class TransientTransportEventsOf extends TransportEventsOf {
  sendTransient(frame: Uint8Array): void {
    this.session.transport.sendTransient!(frame);
  }
}

/** What a session's {@link PageChannel} sees of it: one small object instead of closures. */
class PageHostOf implements PageChannelHost {
  constructor(
    private readonly session: MainSession,
    readonly world: SessionWorld,
  ) {}

  get contents(): WebContents {
    return this.session.webContents;
  }

  get logger(): SessionWorld['logger'] {
    return this.world.logger;
  }

  send(message: Parameters<PageChannelHost['send']>[0]): void {
    this.session.sendPageMessage(message);
  }

  reject(reason: IpcError): void {
    this.session.reject(reason);
  }
}

function ignoreSyncReply(): void {}

/** The cursor of frames without ports. */
const NO_TRANSFER = new TransferCursor(undefined);

/** Compares a presented token with the session's in time independent of where they differ. */
function sameToken(presented: string, expected: string | undefined): boolean {
  if (expected === undefined || expected === '' || presented.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < presented.length; i++) difference |= presented.charCodeAt(i) ^ expected.charCodeAt(i);
  return difference === 0;
}

function tooSmallLimit(announced: number): IpcError {
  return new IpcError(
    IpcErrorCode.Protocol,
    `The renderer announced a maxPayload of ${announced} bytes; the protocol needs at least ${PROTOCOL_MIN_PAYLOAD}.`,
  );
}
