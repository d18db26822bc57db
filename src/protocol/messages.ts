/**
 * Message types of the wire protocol (docs/protocol.md). Every message but the sync reply carries a
 * per-direction sequence number: the receiver dispatches strictly in sequence order, which is what keeps
 * `send`, `sendSync` and `invoke` in call order even when the sync request travels on another channel.
 */
export const MessageKind = {
  // renderer -> main
  Send: 1,
  SendSync: 2,
  Invoke: 3,
  SendToHost: 4,
  SendTo: 5,
  WebviewSend: 6,
  GuestRegister: 7,
  GuestRelease: 8,
  Limits: 9,
  RendererAck: 10,
  PageState: 11,
  ConsoleMessage: 12,
  ScriptResult: 13,
  RendererPostMessage: 14,
  RendererPortMessage: 15,
  RendererPortClose: 16,
  RendererChunk: 17,
  // main -> renderer
  Hello: 32,
  Message: 33,
  InvokeReply: 34,
  SyncReply: 35,
  HostMessage: 36,
  GuestState: 37,
  MainAck: 38,
  Resumed: 39,
  ExecuteJavaScript: 40,
  PageCommand: 41,
  MainPostMessage: 42,
  MainPortMessage: 43,
  MainPortClose: 44,
  MainChunk: 45,
} as const;

export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

/** `ipcRenderer.send(channel, ...args)`. */
export interface RendererToMainSend {
  readonly kind: typeof MessageKind.Send;
  readonly seq: number;
  readonly channel: string;
  readonly args: unknown[];
}

/** `ipcRenderer.sendSync(channel, ...args)`; answered by a {@link MainToRendererSyncReply} with the same id. */
export interface RendererToMainSendSync {
  readonly kind: typeof MessageKind.SendSync;
  readonly seq: number;
  readonly id: number;
  readonly channel: string;
  readonly args: unknown[];
}

/** `ipcRenderer.invoke(channel, ...args)`; answered by a {@link MainToRendererInvokeReply}. */
export interface RendererToMainInvoke {
  readonly kind: typeof MessageKind.Invoke;
  readonly seq: number;
  readonly id: number;
  readonly channel: string;
  readonly args: unknown[];
}

/** `ipcRenderer.sendToHost(channel, ...args)` from a `<webview>` guest. */
export interface RendererToMainSendToHost {
  readonly kind: typeof MessageKind.SendToHost;
  readonly seq: number;
  readonly channel: string;
  readonly args: unknown[];
}

/** `ipcRenderer.sendTo(webContentsId, channel, ...args)`: relayed by main to another renderer. */
export interface RendererToMainSendTo {
  readonly kind: typeof MessageKind.SendTo;
  readonly seq: number;
  readonly webContentsId: number;
  readonly channel: string;
  readonly args: unknown[];
}

/** `webview.send(channel, ...args)` in a host page: relayed by main to the guest it embeds. */
export interface RendererToMainWebviewSend {
  readonly kind: typeof MessageKind.WebviewSend;
  readonly seq: number;
  readonly guestId: number;
  readonly channel: string;
  readonly args: unknown[];
}

/**
 * A host page is about to load a `<webview>` guest into a frame: a guest that presents `token` when it
 * connects becomes this renderer's guest. Main answers with a {@link MainToRendererGuestState}.
 */
export interface RendererToMainGuestRegister {
  readonly kind: typeof MessageKind.GuestRegister;
  readonly seq: number;
  /** A guest token (`isSecretToken`); it also names the frame in later messages. */
  readonly token: string;
}

/** The host removed the `<webview>` registered as `token`: main closes its guest and forgets the token. */
export interface RendererToMainGuestRelease {
  readonly kind: typeof MessageKind.GuestRelease;
  readonly seq: number;
  readonly token: string;
}

/**
 * The smallest `maxPayload` either side may announce: what the protocol itself must always be able to
 * send (a hello, a short error reply, a `<webview>` guest state). A peer announcing less is refused at
 * the handshake (or, for the {@link RendererToMainLimits} message, its connection is closed).
 */
export const PROTOCOL_MIN_PAYLOAD = 1024;

/**
 * What this renderer accepts from main, when it is not the default (64 MiB): sent as its first message,
 * so main refuses larger messages with `ERR_IPC_PAYLOAD_TOO_LARGE` instead of sending what the renderer
 * would reject by closing the connection. Optional: without it main assumes the default.
 */
export interface RendererToMainLimits {
  readonly kind: typeof MessageKind.Limits;
  readonly seq: number;
  readonly maxPayload: number;
}

/**
 * Everything up to `received` from main arrived: main may drop those messages from its replay buffer.
 * Outside the sequence (`seq` 0), like every ack: acks are never replayed or acknowledged themselves.
 */
export interface RendererToMainAck {
  readonly kind: typeof MessageKind.RendererAck;
  readonly seq: 0;
  readonly received: number;
}

/** What a page reports in a {@link RendererToMainPageState} (docs/api.md, "Page lifecycle"). */
export const PageEvent = {
  /** The document is loading (the first report of every page): `url`, `title`, `httpStatus`, `loadToken`. */
  Loading: 1,
  /** `DOMContentLoaded` fired. */
  DomReady: 2,
  /** The window's `load` event fired. */
  Loaded: 3,
  /** `history.pushState` / `replaceState`, a fragment navigation or `popstate`: `url` is the new one. */
  InPageNavigation: 4,
  /** `document.title` changed: `title` is the new one. */
  TitleChanged: 5,
  /**
   * `pagehide`: the page is leaving (navigating, reloading, closing). A page that reported loading and
   * whose connection then ends without this report has vanished (crashed, killed).
   */
  Unloading: 6,
} as const;

export type PageEvent = (typeof PageEvent)[keyof typeof PageEvent];

/** A page's lifecycle report. Every report carries the page's current `url` and `title`. */
export interface RendererToMainPageState {
  readonly kind: typeof MessageKind.PageState;
  readonly seq: number;
  readonly event: PageEvent;
  /** The HTTP status of the document's response (Loading only); 0 when the page cannot tell. */
  readonly httpStatus: number;
  readonly url: string;
  readonly title: string;
  /**
   * Loading only: the token a `webContents.loadURL` left in the tab for the page it navigated to (a
   * secret token), or `''`.
   */
  readonly loadToken: string;
}

/** Console levels as Electron numbers them in `'console-message'` (verbose, info, warning, error). */
export const ConsoleLevel = { Debug: 0, Info: 1, Warning: 2, Error: 3 } as const;

export type ConsoleLevel = (typeof ConsoleLevel)[keyof typeof ConsoleLevel];

/** A console message (or an uncaught error) of a page whose main asked for them. */
export interface RendererToMainConsoleMessage {
  readonly kind: typeof MessageKind.ConsoleMessage;
  readonly seq: number;
  readonly level: ConsoleLevel;
  readonly line: number;
  readonly message: string;
  readonly sourceId: string;
}

/** How a script run by {@link MainToRendererExecuteJavaScript} ended. */
export const ScriptOutcome = {
  /** Its completion value (awaited when it is a Promise). */
  Resolved: 0,
  /** What it threw (or its Promise rejected with), structured-cloned: Errors keep name, message, stack. */
  Threw: 1,
  /** It could not run or its result could not be sent: an error text (`codedErrorText`). */
  Failed: 2,
} as const;

export type ScriptOutcome = (typeof ScriptOutcome)[keyof typeof ScriptOutcome];

/** Answers a {@link MainToRendererExecuteJavaScript} with the same id. */
export type RendererToMainScriptResult =
  | {
      readonly kind: typeof MessageKind.ScriptResult;
      readonly seq: number;
      readonly id: number;
      readonly outcome: typeof ScriptOutcome.Resolved | typeof ScriptOutcome.Threw;
      readonly value: unknown;
    }
  | {
      readonly kind: typeof MessageKind.ScriptResult;
      readonly seq: number;
      readonly id: number;
      readonly outcome: typeof ScriptOutcome.Failed;
      readonly error: string;
    };

/*
 * MessagePorts (docs/protocol.md, "MessagePorts"). A port travels as a reference: a virtual port id,
 * or 0 for a native port, which is the next entry of the transfer list that came with the frame (only
 * on transports that move ports themselves: worker, memory). A virtual port is a pair of native ports
 * joined across the connection by the library: each side pumps its end, and messages on it travel as
 * port messages in the connection's sequenced stream. Ids are chosen by the side that creates the
 * virtual port: main odd, the renderer even, each strictly increasing; every reference in a `ports`
 * list is a new port.
 */

/** The reference to a native port in a `ports` list: the next port of the frame's transfer list. */
export const NATIVE_PORT = 0;

/** `ipcRenderer.postMessage(channel, message, transfer)`: main's listeners get the ports as `event.ports`. */
export interface RendererToMainPostMessage {
  readonly kind: typeof MessageKind.RendererPostMessage;
  readonly seq: number;
  readonly channel: string;
  readonly message: unknown;
  readonly ports: readonly number[];
}

/** A message on virtual port `portId` (from the renderer's end); `ports` are the ports it transfers. */
export interface RendererToMainPortMessage {
  readonly kind: typeof MessageKind.RendererPortMessage;
  readonly seq: number;
  readonly portId: number;
  readonly data: unknown;
  readonly ports: readonly number[];
}

/** The renderer's end of virtual port `portId` closed. */
export interface RendererToMainPortClose {
  readonly kind: typeof MessageKind.RendererPortClose;
  readonly seq: number;
  readonly portId: number;
}

/*
 * Chunked messages (docs/protocol.md, "Large messages"). A message larger than the sender's chunk size
 * travels as consecutive chunk messages of the stream, each with its own sequence number: the first
 * chunk carries the whole message's encoded length in `total` and where its large ArrayBuffers lie
 * (`spans`, see codec/binary-spans.ts), the others 0 and nothing; their `data` joined is the message as
 * it would have been sent whole (its own `seq` is the first chunk's). The receiver reassembles it and
 * dispatches it in its place.
 */

/** One piece of a chunked message from a renderer. */
export interface RendererToMainChunk {
  readonly kind: typeof MessageKind.RendererChunk;
  readonly seq: number;
  /** The first chunk: the whole message's byte length; later chunks: 0. */
  readonly total: number;
  /** The first chunk: `[offset, length, ...]` of the message's large ArrayBuffers (maybe empty). */
  readonly spans?: readonly number[];
  /** The next bytes of the message (a view into the received frame; never empty). */
  readonly data: Uint8Array;
}

/** One piece of a chunked message from main. */
export interface MainToRendererChunk {
  readonly kind: typeof MessageKind.MainChunk;
  readonly seq: number;
  readonly total: number;
  readonly spans?: readonly number[];
  readonly data: Uint8Array;
}

export type RendererToMainMessage =
  | RendererToMainChunk
  | RendererToMainPostMessage
  | RendererToMainPortMessage
  | RendererToMainPortClose
  | RendererToMainAck
  | RendererToMainPageState
  | RendererToMainConsoleMessage
  | RendererToMainScriptResult
  | RendererToMainSend
  | RendererToMainSendSync
  | RendererToMainInvoke
  | RendererToMainSendToHost
  | RendererToMainSendTo
  | RendererToMainWebviewSend
  | RendererToMainGuestRegister
  | RendererToMainGuestRelease
  | RendererToMainLimits;

/** First message on every connection: who the renderer is and what the main side accepts. */
export interface MainToRendererHello {
  readonly kind: typeof MessageKind.Hello;
  readonly seq: number;
  readonly protocolVersion: number;
  readonly webContentsId: number;
  readonly maxPayload: number;
  /**
   * The credential that resumes this session over a new connection (a secret token, used once; see
   * docs/protocol.md, "Resume"), or `''` when the transport cannot resume.
   */
  readonly resumeToken: string;
}

/** `webContents.send`, `event.reply`, and relayed `sendTo` (then `senderId` is the sending WebContents). */
export interface MainToRendererChannelMessage {
  readonly kind: typeof MessageKind.Message;
  readonly seq: number;
  /** 0 when main sent it, otherwise the id of the renderer that used `sendTo`. */
  readonly senderId: number;
  readonly channel: string;
  readonly args: unknown[];
  /**
   * Sending only: `args` already encoded (one broadcast to many renderers is encoded once). Never
   * decoded: a receiver gets `args`.
   */
  readonly encodedArgs?: Uint8Array;
}

/** Settles an invoke: `error` is the text Electron puts after `Error invoking remote method '<ch>': `. */
export type MainToRendererInvokeReply =
  | {
      readonly kind: typeof MessageKind.InvokeReply;
      readonly seq: number;
      readonly id: number;
      readonly ok: true;
      readonly value: unknown;
    }
  | {
      readonly kind: typeof MessageKind.InvokeReply;
      readonly seq: number;
      readonly id: number;
      readonly ok: false;
      readonly error: string;
    };

/** Answers a sendSync. Travels on the transport's sync path, outside the sequenced stream (seq is 0). */
export interface MainToRendererSyncReply {
  readonly kind: typeof MessageKind.SyncReply;
  readonly seq: 0;
  readonly id: number;
  readonly value: unknown;
}

/** A guest's `sendToHost`, delivered to the host page's `<webview>` element for that guest. */
export interface MainToRendererHostMessage {
  readonly kind: typeof MessageKind.HostMessage;
  readonly seq: number;
  readonly guestId: number;
  readonly frameId: number;
  readonly channel: string;
  readonly args: unknown[];
}

/**
 * Which guest the `<webview>` registered as `token` has: `guestId` 0 means none (sent once right after
 * the registration, when the host may load the guest page, and whenever the guest leaves), otherwise the
 * guest's WebContents id.
 */
export interface MainToRendererGuestState {
  readonly kind: typeof MessageKind.GuestState;
  readonly seq: number;
  readonly token: string;
  readonly guestId: number;
}

/** Main's cumulative acknowledgement: everything up to `received` from the renderer arrived. */
export interface MainToRendererAck {
  readonly kind: typeof MessageKind.MainAck;
  readonly seq: 0;
  readonly received: number;
}

/**
 * The first frame on a connection that resumed a session: main received the renderer's messages up to
 * `received` (the renderer sends again what came after), and `token` is the credential for the next
 * resume (the one just used is spent).
 */
export interface MainToRendererResumed {
  readonly kind: typeof MessageKind.Resumed;
  readonly seq: 0;
  readonly received: number;
  readonly token: string;
}

/** `webContents.executeJavaScript(code, userGesture)`: answered by a {@link RendererToMainScriptResult}. */
export interface MainToRendererExecuteJavaScript {
  readonly kind: typeof MessageKind.ExecuteJavaScript;
  readonly seq: number;
  readonly id: number;
  readonly userGesture: boolean;
  readonly code: string;
}

/** What main asks of a page with a {@link MainToRendererPageCommand}. */
export const PageCommand = {
  /** `location.reload()`. */
  Reload: 1,
  /** Leave `token` in the tab for the next page, then navigate to `url`. */
  LoadURL: 2,
  /** Main has `'console-message'` listeners: report console messages from now on. */
  ReportConsole: 3,
  /** Main has none any more. */
  StopConsole: 4,
} as const;

export type PageCommand = (typeof PageCommand)[keyof typeof PageCommand];

/** `webContents.reload()`, `loadURL(url)`, and console reporting on or off. */
export interface MainToRendererPageCommand {
  readonly kind: typeof MessageKind.PageCommand;
  readonly seq: number;
  readonly command: PageCommand;
  /** LoadURL only (otherwise `''`): an absolute http(s) URL. */
  readonly url: string;
  /** LoadURL only (otherwise `''`): a secret token the next page presents in its Loading report. */
  readonly token: string;
}

/** `webContents.postMessage(channel, message, transfer)`: listeners get the ports as `event.ports`. */
export interface MainToRendererPostMessage {
  readonly kind: typeof MessageKind.MainPostMessage;
  readonly seq: number;
  readonly channel: string;
  readonly message: unknown;
  readonly ports: readonly number[];
}

/** A message on virtual port `portId` (from main's end); `ports` are the ports it transfers. */
export interface MainToRendererPortMessage {
  readonly kind: typeof MessageKind.MainPortMessage;
  readonly seq: number;
  readonly portId: number;
  readonly data: unknown;
  readonly ports: readonly number[];
}

/** Main's end of virtual port `portId` closed. */
export interface MainToRendererPortClose {
  readonly kind: typeof MessageKind.MainPortClose;
  readonly seq: number;
  readonly portId: number;
}

export type MainToRendererMessage =
  | MainToRendererChunk
  | MainToRendererPostMessage
  | MainToRendererPortMessage
  | MainToRendererPortClose
  | MainToRendererAck
  | MainToRendererExecuteJavaScript
  | MainToRendererPageCommand
  | MainToRendererResumed
  | MainToRendererHello
  | MainToRendererChannelMessage
  | MainToRendererInvokeReply
  | MainToRendererSyncReply
  | MainToRendererHostMessage
  | MainToRendererGuestState;

export type AnyMessage = RendererToMainMessage | MainToRendererMessage;

export function isRendererToMain(message: AnyMessage): message is RendererToMainMessage {
  return message.kind < MessageKind.Hello;
}
