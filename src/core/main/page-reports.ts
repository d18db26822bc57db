import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import {
  PageEvent,
  type RendererToMainConsoleMessage,
  type RendererToMainPageState,
} from '../../protocol/messages.js';
import type { Logger } from './logger.js';
import { MAIN_FRAME_ID, type PageView, type SenderFrame, type WebContents } from './web-contents-impl.js';

/*
 * What a page tells main about itself (docs/api.md, "Page lifecycle"), turned into Electron's
 * WebContents events. The page is hostile: its URLs must parse and stay on the origin its connection
 * proved, titles and console texts are cut to size, and console messages are rationed.
 */

/** Chromium's own limits: longer URLs are invalid there, longer titles are cut (kMaxTitleChars). */
export const MAX_PAGE_URL_LENGTH = 2 * 1024 * 1024;
export const MAX_PAGE_TITLE_LENGTH = 4096;
/** Console texts and source URLs are cut to this many characters (the page cuts them first). */
export const MAX_CONSOLE_TEXT_LENGTH = 16 * 1024;
export const MAX_CONSOLE_SOURCE_LENGTH = 2048;
/** Console messages that reach listeners: a burst of this many, then this many per second. */
export const CONSOLE_BURST = 200;
export const CONSOLE_PER_SECOND = 100;

const CONSOLE_LEVEL_NAMES = ['debug', 'info', 'warning', 'error'] as const;

/** The reason phrases of the statuses a page is likely to load with (`'did-navigate'`'s httpStatusText). */
const STATUS_TEXTS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  206: 'Partial Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  410: 'Gone',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The first argument of every lifecycle event, as Electron passes an `Event`. */
export interface LifecycleEvent {
  readonly sender: WebContents;
  readonly defaultPrevented: boolean;
  preventDefault(): void;
}

/** `'console-message'`'s first argument (Electron 35's shape; the positional arguments follow it too). */
export interface ConsoleMessageEvent extends LifecycleEvent {
  readonly message: string;
  readonly level: 'debug' | 'info' | 'warning' | 'error';
  readonly lineNumber: number;
  readonly sourceId: string;
  readonly frame: SenderFrame;
}

export function lifecycleEvent(sender: WebContents): LifecycleEvent {
  return {
    sender,
    defaultPrevented: false,
    preventDefault() {
      (this as { defaultPrevented: boolean }).defaultPrevented = true;
    },
  };
}

/** One page's reported state, and the events its reports become. */
export class PageReports implements PageView {
  url: string;
  title = '';
  loading = false;
  frame: SenderFrame;
  /** How far the document got: 0, or a PageEvent up to `Loaded`. */
  #stage = 0;
  /** The page said it is leaving (`pagehide`): its connection may end without it having vanished. */
  saidGoodbye = false;
  #consoleTokens = CONSOLE_BURST;
  #consoleCountedAt = 0;
  /** Console messages dropped over the ration. */
  droppedConsoleMessages = 0;

  constructor(
    private readonly contents: WebContents,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.frame = contents.mainFrame;
    this.url = this.frame.url;
  }

  /** Applies a report; returns why the page broke the rules (the caller closes it), if it did. */
  report(message: RendererToMainPageState): IpcError | undefined {
    const url = checkedPageUrl(message.url, this.frame.origin);
    if (url instanceof IpcError) return url;
    const title = message.title.slice(0, MAX_PAGE_TITLE_LENGTH);
    switch (message.event) {
      case PageEvent.InPageNavigation:
        this.#setUrl(url);
        this.#emit('did-navigate-in-page', url, true, this.frame.processId, MAIN_FRAME_ID);
        return undefined;
      case PageEvent.TitleChanged:
        this.#setTitle(title);
        return undefined;
      case PageEvent.Unloading:
        this.saidGoodbye = true;
        return undefined;
      default:
        this.#advance(message.event, url, title, message.httpStatus);
        return undefined;
    }
  }

  /** The page reported its lifecycle, and its connection may not end silently. */
  get expectsGoodbye(): boolean {
    return this.#stage > 0 && !this.saidGoodbye;
  }

  /** Every stage between the last one reported and `to` (a repeat changes nothing). */
  #advance(to: PageEvent, url: string, title: string, httpStatus: number): void {
    for (let stage = this.#stage + 1; stage <= to; stage++) {
      this.#stage = stage;
      switch (stage) {
        case PageEvent.Loading:
          this.loading = true;
          this.#setUrl(url);
          this.#emit('did-start-loading');
          this.#emit('did-navigate', url, httpStatus, STATUS_TEXTS[httpStatus] ?? '');
          break;
        case PageEvent.DomReady:
          this.#emit('dom-ready');
          break;
        case PageEvent.Loaded:
          this.loading = false;
          this.#emit('did-finish-load');
          this.#emit('did-stop-loading');
          break;
      }
    }
    this.#setTitle(title);
  }

  #setUrl(url: string): void {
    if (url === this.url) return;
    this.url = url;
    this.frame = Object.freeze({ ...this.frame, url });
  }

  #setTitle(title: string): void {
    if (title === this.title) return;
    this.title = title;
    this.#emit('page-title-updated', title, true);
  }

  /** A console message: emitted while the ration lasts, otherwise counted and dropped. */
  console(message: RendererToMainConsoleMessage): void {
    if (!this.#takeConsoleToken()) {
      if (this.droppedConsoleMessages++ === 0) {
        this.logger.warn(
          { code: IpcErrorCode.LimitExceeded, webContentsId: this.contents.id },
          `ipc-anywhere: WebContents #${this.contents.id} logs more than ${CONSOLE_PER_SECOND} console messages per second; the rest are dropped.`,
        );
      }
      return;
    }
    const text = cut(message.message, MAX_CONSOLE_TEXT_LENGTH);
    const sourceId = cut(message.sourceId, MAX_CONSOLE_SOURCE_LENGTH);
    const event: ConsoleMessageEvent = {
      ...lifecycleEvent(this.contents),
      message: text,
      level: CONSOLE_LEVEL_NAMES[message.level],
      lineNumber: message.line,
      sourceId,
      frame: this.frame,
    };
    this.#emitWith(event, 'console-message', message.level, text, message.line, sourceId);
  }

  #takeConsoleToken(): boolean {
    const now = this.now();
    const refill = ((now - this.#consoleCountedAt) * CONSOLE_PER_SECOND) / 1000;
    this.#consoleTokens = Math.min(CONSOLE_BURST, this.#consoleTokens + refill);
    this.#consoleCountedAt = now;
    if (this.#consoleTokens < 1) return false;
    this.#consoleTokens -= 1;
    return true;
  }

  #emit(name: string, ...args: unknown[]): void {
    this.#emitWith(lifecycleEvent(this.contents), name, ...args);
  }

  /** Listeners' errors are logged: they must not close the page that reported. */
  #emitWith(event: LifecycleEvent, name: string, ...args: unknown[]): void {
    try {
      this.contents.emit(name, event, ...args);
    } catch (error) {
      this.logger.error(
        { err: error, webContentsId: this.contents.id },
        `ipc-anywhere: a listener for '${name}' threw`,
      );
    }
  }
}

/** A reported URL: absolute, not absurdly long, and on the origin the connection proved. */
function checkedPageUrl(url: string, origin: string): string | IpcError {
  if (url.length > MAX_PAGE_URL_LENGTH) {
    return new IpcError(IpcErrorCode.Protocol, `The page reported a URL of ${url.length} characters.`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return new IpcError(IpcErrorCode.Protocol, 'The page reported a URL that does not parse.');
  }
  // A page cannot leave its origin without a new connection (pushState refuses to); only an opaque
  // origin ('null': sandboxed, file:) proves nothing to compare with.
  if (origin !== 'null' && parsed.origin !== origin) {
    return new IpcError(
      IpcErrorCode.Protocol,
      `The page of origin ${origin} reported a URL of origin ${parsed.origin}.`,
    );
  }
  return parsed.href;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
